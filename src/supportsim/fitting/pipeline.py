"""Fitting an export end to end: read, estimate, and write the scenario and the report."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..scenario import Scenario
from . import estimate
from . import visits as visit_mod
from . import work as work_mod
from .errors import FitError
from .read import ReadOptions
from .result import FitResult

__all__ = ["FitResult", "fit_export", "save"]


def fit_export(path: str | Path, options: ReadOptions | None = None, cut: bool = False, draws: int = 99,
               seed: int = 1, vip: list[str] | None = None) -> FitResult:
    """Everything ``supportsim fit`` estimates from one export (nothing written). ``vip``: segments (as in the
    export, or their mapped names) whose tickets the scenario marks VIP."""
    from .events import load_events

    options = options or ReadOptions()
    ev = load_events(path, options)
    sp = visit_mod.spells(ev)
    v = visit_mod.visits(ev, sp)
    cases, arrived = visit_mod.arrivals(ev)
    if len(cases) < 2:
        raise FitError(f"{path}: {len(cases)} ticket(s) arrived in the window: too few to fit anything")
    since = ev.since if options.since else None
    until = None
    if options.until:  # the window's end on the wall clock: elapsed end plus the wall clock's lead at the end
        until = ev.until + float(ev.wall[-1] - ev.time[-1]) if len(ev.time) else ev.until
    arr = estimate.arrivals(arrived, since, until)
    segments = estimate.shares(ev.segment[cases], ev.segments)
    priorities = estimate.shares(ev.priority[cases], ev.priorities) if ev.priorities else {}
    routing = estimate.routing(ev, v)
    staff, seen = work_mod.staff_on_duty(ev, sp)
    rng = np.random.default_rng(seed)
    works = work_mod.work_fits(ev, sp, v, staff, cut, rng, draws)
    waiting = work_mod.waiting_fits(ev, sp)
    customers = estimate.customer_classes(ev, cases)
    visits_per_group = np.bincount(v.group, minlength=len(ev.groups))
    entry_group = max(routing.entry, key=lambda g: routing.entry[g].value if routing.entry[g].n else -1)
    order = [entry_group] + [ev.groups[i] for i in np.argsort(-visits_per_group, kind="stable")
                             if ev.groups[i] != entry_group]
    notes = []
    guessed: dict[str, int] = {}
    for i, g in enumerate(ev.groups):
        if seen[i] == 0:  # no resources: staff for a load of 0.8 on the offered work
            w = works[g].fit
            mean = w.mean if w is not None else 1.0
            load = arr.rate.value * visits_per_group[i] / max(len(cases), 1) * mean
            guessed[g] = max(1, math.ceil(load / 0.8))
    if ev.kind == "ticket table":
        notes.append("a ticket table has no status history: work is read as the time from first response to "
                     "resolution, an upper bound of the work content")
    for h in arr.holidays:
        h["date"] = str((ev.origin + _days(h["day"])).date())
    fmt = "%Y-%m-%d %H:%M"
    first_seen = (ev.origin + _hours(float(ev.wall.min()))).strftime(fmt)
    last_seen = (ev.origin + _hours(float(ev.wall.max()))).strftime(fmt)
    renamed = ev.renamed.get("segment", {})
    vip_names = []
    for name in vip or []:
        mapped = renamed.get(name, name)
        if mapped not in ev.segments:
            raise FitError(f"--vip {name}: no such segment; segments are {', '.join(ev.segments)}")
        vip_names.append(mapped)
    return FitResult(str(path), ev, arr, segments, priorities, routing, works, waiting, staff, seen, customers, cut,
                     ev.origin.strftime("%Y-%m-%dT%H:%M"), first_seen, last_seen, order, entry_group, guessed,
                     vip_names, notes)


def _days(n: int) -> Any:
    import pandas as pd
    return pd.Timedelta(days=n)


def _hours(h: float) -> Any:
    import pandas as pd
    return pd.Timedelta(hours=h)


def scenario_name(out: str | Path) -> str:
    from .read import valid_names
    stem = Path(out).name.split(".")[0] or "fitted"
    return valid_names([stem]).get(stem, stem)


def save(result: FitResult, out: str | Path, report: str | Path | None = None, name: str | None = None
         ) -> Scenario:
    """Write the scenario (checked by the scenario loader first) and the report, each atomically.
    Returns the Scenario."""
    import yaml

    from ..admit import load_scenario
    from ..loader import ScenarioError
    from ..targets import write_atomic
    from .report import render

    out = Path(out)
    text = result.scenario_yaml(name or scenario_name(out))
    try:
        scenario = load_scenario(yaml.safe_load(text))
    except ScenarioError as exc:  # a defect here, not bad input: say what the fit produced
        raise FitError(f"the fitted scenario is not valid ({'; '.join(exc.messages())}); please report this") from None
    page = render(result, str(out))
    result.text = text
    write_atomic(out, text)
    if report is not None:
        write_atomic(Path(report), page)
    return scenario
