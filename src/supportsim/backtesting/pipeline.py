"""``supportsim backtest`` end to end: read the export, fit before the split (or take the scenario), start from the
backlog open at the split, simulate the weeks after it and compare with what happened."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..backlog import Backlog, with_backlog
from ..fitting.errors import FitError
from ..fitting.read import Events, ReadOptions
from ..scenario import Scenario
from ..tickets import TicketStream
from ..visit_attributes import _deadlines
from . import figures as fig
from .history import WEEK, History, history
from .result import BacktestResult

REPLICATIONS = 99
"""Default replications: 99 makes the 90% interval exact (the 5th and 95th of 99 order statistics)."""


def split_time(ev: Events, split: str, tz: str | None) -> tuple[Any, float]:
    """The split as a naive wall-clock Timestamp of the desk, and as hours since the export's origin."""
    import pandas as pd
    try:
        stamp: object = pd.Timestamp(split)  # NaT for 'NaT' or '', though pandas-stubs type it a Timestamp
    except (ValueError, TypeError):
        raise FitError(f"--split {split}: not a date or date-time such as 2027-03-15 or 2027-03-15T08:00") from None
    if not isinstance(stamp, pd.Timestamp):
        raise FitError(f"--split {split}: not a date or date-time such as 2027-03-15 or 2027-03-15T08:00")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(tz or "UTC").tz_localize(None)
    return stamp, (stamp - ev.origin) / pd.Timedelta(hours=1)


def backtest(export: str | Path, scenario: str | Path | None = None, split: str | None = None,
             replay_arrivals: bool = False, replications: int = REPLICATIONS, seed: int = 1, level: float = 0.9,
             backlog: bool = True, options: ReadOptions | None = None, on_duty_cut: bool = False,
             vip: list[str] | None = None, max_tickets: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> BacktestResult:
    """Backtest a scenario (or one fitted on the export before ``split``) on the weeks after ``split``."""
    from ..admit import admit, admit_data
    from ..fitting.events import load_events

    if split is None:
        raise FitError("--split: give the date to cut the history at, e.g. --split 2027-03-15")
    if not 0 < level < 1:
        raise FitError(f"--level {level}: must be between 0 and 1, e.g. 0.9")
    options = options or ReadOptions()
    given = admit(scenario) if scenario is not None else None  # the scenario first, checked as validate checks it
    ev = load_events(export, dataclasses.replace(options, until=None))
    stamp, split_wall = split_time(ev, split, options.tz)
    hist = history(ev, split_wall, split)
    fitted_yaml = None
    if given is None:
        import yaml

        from ..fitting.pipeline import fit_export
        fit = fit_export(export, dataclasses.replace(options, until=str(stamp)), cut=on_duty_cut, draws=0,
                         seed=seed, vip=vip)
        fitted_yaml = fit.scenario_yaml("backtest")
        base = admit_data(yaml.safe_load(fitted_yaml), f"{export} (fitted before {split})").scenario
        source = f"fitted on {export} before {split}"
    else:
        assert given is not None
        base = given.scenario
        source = str(scenario) if isinstance(scenario, (str, Path)) else f"scenario {base.name!r}"
    sim = _simulated_scenario(base, stamp, hist.weeks, replications, seed, source)
    admit(sim).refuse_beyond(replications, max_tickets)
    names = _names(ev, sim, source)
    b = Backlog(names["group"][hist.backlog_group], hist.backlog_working, hist.backlog_age, hist.backlog_done,
                names["segment"][ev.segment[hist.backlog_case]], names["priority"][_priority(ev, hist.backlog_case)])
    if not backlog:
        b = Backlog.empty()
    segment = names["segment"][ev.segment[hist.case]]
    priority = names["priority"][_priority(ev, hist.case)]
    n_seg = len(sim.segment_names)
    actual = fig.week_figures(hist.arrived, segment, hist.reaction, hist.resolution,
                              *_met(sim, hist.arrived, segment, hist.reaction, hist.resolution), hist.weeks, n_seg)
    runs = []
    for r in range(replications):
        runs.append(_replication(sim, r, seed, b, hist, segment, priority, replay_arrivals))
        if progress is not None:
            progress(r + 1, replications)
    groups: dict[str, dict[str, int]] = {}
    for g, w in zip(b.group.tolist(), b.working.tolist()):
        entry = groups.setdefault(sim.group_names[g], {"queued": 0, "working": 0})
        entry["working" if w else "queued"] += 1
    starts = [str((stamp + np.timedelta64(int(w * WEEK), "h")).date()) for w in range(hist.weeks)]
    return BacktestResult(str(export), split, stamp.strftime("%Y-%m-%dT%H:%M"), sim, source, fitted_yaml,
                          replay_arrivals, b, groups, hist, level, list(sim.segment_names), actual,
                          np.stack(runs), segment, starts)


def _simulated_scenario(base: Scenario, stamp: Any, weeks: int, replications: int, seed: int, source: str) -> Scenario:
    """The scenario as the backtest runs it: from the split, for the whole weeks after it, nothing discarded."""
    import yaml

    from ..admit import admit_data
    from ..results import resolved_scenario_yaml

    data: dict[str, Any] = yaml.safe_load(resolved_scenario_yaml(base))
    for key in ("variants", "checks", "sweep"):
        data.pop(key, None)
    data.update(start=stamp.strftime("%Y-%m-%dT%H:%M"), horizon=f"{weeks * WEEK:g}h", warmup="0h",
                replications=replications, seed=seed)
    return admit_data(data, source).scenario


def _priority(ev: Events, cases: np.ndarray) -> np.ndarray:
    return np.maximum(ev.priority[cases], 0) if ev.priorities else np.zeros(len(cases), dtype=np.int64)


def _names(ev: Events, sim: Scenario, source: str) -> dict[str, np.ndarray]:
    """Per name of the export (group, segment, priority): its index in the scenario; the export's names must be
    the scenario's (as a fitted scenario's are)."""
    out = {}
    for role, theirs, ours in (("group", ev.groups, sim.group_names), ("segment", ev.segments, sim.segment_names),
                               ("priority", ev.priorities, sim.priority_names)):
        if role == "priority" and (not ev.priorities or not ours):
            common = int(np.argmax(list((sim.priority_shares or {"": 1.0}).values())))
            out[role] = np.full(max(len(theirs), 1), common if ours else 0, dtype=np.int64)
            continue
        missing = [name for name in theirs if name not in ours]
        if missing:
            raise FitError(f"{source}: {role}{'s' * (len(missing) > 1)} {', '.join(map(repr, missing))} of the export "
                           f"{'is' if len(missing) == 1 else 'are'} not in the scenario, whose {role}s are "
                           f"{', '.join(ours)}")
        out[role] = np.array([list(ours).index(name) for name in theirs], dtype=np.int64)
    return out


def _met(sim: Scenario, arrived: np.ndarray, segment: np.ndarray, reaction: np.ndarray,
         resolution: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per ticket: 1 if it met its segment's target, 0 if not, NaN where the segment has none."""
    n = len(arrived)  # the tickets as a stream of one visit each: their deadlines are the visits'
    tickets = TicketStream(arrived=arrived, segment=segment, priority=np.zeros(n, dtype=np.int64),
                           offset=np.arange(n, dtype=np.int64), visits=np.ones(n, dtype=np.int64),
                           route=np.zeros(n, dtype=np.int64), work=np.zeros(n))
    out = []
    for measure, took in (("reaction", reaction), ("resolution", resolution)):
        due = _deadlines(sim, tickets, measure)
        has = np.zeros(len(arrived), dtype=bool)
        for s, name in enumerate(sim.segment_names):
            target = getattr(sim.sla.get(name), measure, None) if name in sim.sla else None
            has |= (segment == s) & (target is not None)
        out.append(np.where(has, (arrived + took <= due).astype(float), np.nan))
    return out[0], out[1]


def _replication(sim: Scenario, r: int, seed: int, b: Backlog, hist: History, segment: np.ndarray,
                 priority: np.ndarray, replay: bool) -> np.ndarray:
    from ..engine import simulate_tickets
    from ..tickets import draw_tickets

    if replay:
        from ..backlog import given_tickets
        order = np.argsort(hist.arrived, kind="stable")
        tickets = given_tickets(sim, hist.arrived[order], segment[order], priority[order], r, seed)
    else:
        tickets = draw_tickets(sim, r, seed)
    record = simulate_tickets(sim, r, with_backlog(sim, tickets, b, r, seed))
    nb = len(b)
    arrived = record.tickets.arrived[nb:]
    seg = record.tickets.segment[nb:].astype(np.int64)
    first, resolved = record.first_response[nb:], record.resolved[nb:]
    reaction = np.where(first <= hist.end, first - arrived, np.inf)
    resolution = np.where(resolved <= hist.end, resolved - arrived, np.inf)
    return fig.week_figures(arrived, seg, reaction, resolution, *_met(sim, arrived, seg, reaction, resolution),
                            hist.weeks, len(sim.segment_names))
