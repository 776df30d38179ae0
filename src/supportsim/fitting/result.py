"""What a fit found (:class:`FitResult`), and the fitted scenario as YAML people can read: every fitted value
followed by its interval and sample size.

The text is written by hand (PyYAML drops comments) and read back through the scenario loader before it is
saved, so what ``supportsim fit`` writes is always a valid scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..units import format_rate
from . import estimate
from . import work as work_mod
from .read import Events
from .work import staff_blocks


@dataclass
class FitResult:
    source: str
    events: Events
    arrivals: estimate.Arrivals
    segments: dict[str, estimate.Estimate]
    priorities: dict[str, estimate.Estimate]
    routing: estimate.Routing
    work: dict[str, work_mod.WorkFit]
    waiting: dict
    staff: np.ndarray
    staff_seen: np.ndarray
    customers: list[dict]
    cut: bool
    start: str
    first_seen: str
    last_seen: str
    group_order: list[str]
    entry_group: str
    staff_guessed: dict[str, int] = field(default_factory=dict)
    vip: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str = ""

    def scenario_yaml(self, name: str) -> str:
        """The fitted scenario as YAML, named ``name``: see :func:`scenario_yaml`."""
        return scenario_yaml(self, name)



_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _dur(hours: float) -> str:
    minutes = hours * 60
    if minutes < 120:
        return f"{minutes:.4g}m"
    return f"{hours:.4g}h"


def _num(value: float) -> str:
    return f"{value:.4g}"


def _share(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") if value > 0 else "0"


def _summing_to_one(values: list[float]) -> list[str]:
    """Shares rounded for the file, the last taking up the rounding so that they sum to 1."""
    rounded = [round(v, 6) for v in values]
    if rounded:
        rounded[-1] = round(1 - sum(rounded[:-1]), 6)
    return [_share(v) for v in rounded]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scenario_yaml(r: FitResult, name: str) -> str:
    ev = r.events
    q = ev.quality
    lines: list[str] = []
    add = lines.append
    add(f"# Fitted by `supportsim fit` from {r.source} ({q['kind']}, {q['events']} events, {q['cases']} tickets,")
    add(f"# {r.arrivals.weeks:.1f} weeks from {r.first_seen} to {r.last_seen}).")
    add("# Each fitted value is followed by its 95% interval and the sample behind it (n). Staff are an estimate")
    add("# from the engineers seen at work: check them. Details, plots and data quality: fit-report.html.")
    for role, mapping in ev.renamed.items():
        add(f"# {role} names changed to valid scenario names: "
            + ", ".join(f"{old!r} -> {new}" for old, new in mapping.items()))
    for note in r.notes:
        add(f"# note: {note}")
    add(f"name: {name}")
    add(f"description: {_quote(f'Fitted from {r.source}')}")
    add(f"start: {r.start}   # the Monday 00:00 before the export's first event "
        "(hours of the week are read against it)")
    weeks = max(4, math.ceil(r.arrivals.weeks))
    add(f"horizon: {weeks + 1}w   # one week of warm-up, then as many weeks as the export holds (at least 4)")
    add("warmup: 1w")
    add("replications: 10")
    add("seed: 1")

    add("segments:")
    segments = {seg: est for seg, est in r.segments.items() if est.value > 0}
    for (seg, est), text in zip(segments.items(), _summing_to_one([e.value for e in segments.values()])):
        vip = ", vip: true" if seg in r.vip else ""
        add(f"  {seg}: {{share: {text}{vip}}}   # {est.comment(_num)}")
    if r.priorities:
        add("priorities:")
        priorities = {pri: est for pri, est in r.priorities.items() if est.value > 0}
        for (pri, est), text in zip(priorities.items(), _summing_to_one([e.value for e in priorities.values()])):
            add(f"  {pri}: {text}   # {est.comment(_num)}")

    a = r.arrivals
    add("arrivals:")
    add(f"  rate: {format_rate(float(f'{a.rate.value:.6g}'))}   # tickets per hour, mean over the week: "
        f"{a.rate.comment(_num)}")
    if a.holidays:
        days = ", ".join(f"{h['date']} ({h['tickets']} tickets, {h['expected']:.0f} expected)" for h in a.holidays)
        add(f"  # holidays seen in the data and left out of the rate and profile: {days}")
    if a.factors is not None:
        add("  profile:   # factor per hour of the week (1 = the mean); [95% interval] of each in the report")
        add(f"    # {a.counts.sum():.0f} tickets; weeks behind each factor: "
            f"{a.exposure.min():.1f} to {a.exposure.max():.1f}")
        add("    hour_of_week: [")
        for d, day in enumerate(_DAYS):
            add(f"      # {day} 00-23")
            values = ", ".join(f"{v:.3g}" for v in a.factors[d * 24:(d + 1) * 24])
            add(f"      {values}{',' if d < 6 else ''}")
        add("    ]")

    calendars: list[str] = []
    group_lines: list[str] = []
    for g in r.group_order:
        group_lines += _group(r, g, calendars)
    if calendars:
        add("calendars:   # hours on duty, estimated per hour of the week from the engineers seen at work")
        lines += calendars
    add("groups:")
    lines += group_lines
    entry = r.entry_group
    shares = ", ".join(f"{g} {e.value:.1%}" for g, e in r.routing.entry.items() if e.value > 0)
    add(f"entry: {entry}   # where tickets arrive: {shares} (n={r.routing.entry[entry].n})"
        + ("; a scenario has one entry group: the others' tickets start here" if len(
            [e for e in r.routing.entry.values() if e.value > 0]) > 1 else ""))
    return "\n".join(lines) + "\n"


def _group(r: FitResult, g: str, calendars: list[str]) -> list[str]:
    out = [f"  {g}:"]
    i = r.events.groups.index(g)
    table = r.staff[i]
    blocks = staff_blocks(table)
    seen = int(r.staff_seen[i])
    if r.staff_guessed.get(g):
        out.append(f"    staff: {r.staff_guessed[g]}   # no engineers in the export: set to keep the load near 80%; "
                   "SET THIS YOURSELF")
    elif len(blocks) == 1 and blocks[0][1].all():
        out.append(f"    staff: {blocks[0][0]}   # estimate: most engineers seen at work in any hour of the week; "
                   f"{seen} distinct engineers seen")
    else:
        out.append(f"    staff:   # estimate per hour of the week from the engineers seen at work; {seen} distinct "
                   "engineers seen")
        for k, (count, hours) in enumerate(blocks):
            cal = f"{g}-duty-{k + 1}"
            calendars.append(f"  {cal}:")
            calendars.append("    week:")
            for d, day in enumerate(_DAYS):
                calendars.append(f"      {day}: '{''.join('1' if h else '0' for h in hours[d * 24:(d + 1) * 24])}'")
            out.append(f"      - {{count: {count}, calendar: {cal}}}")
    out += _work(r, g)
    to = r.routing.to.get(g, {})
    if to:
        out.append("    escalate:   # share of the group's ended visits that went on to each group")
        for target, est in to.items():
            out.append(f"      {target}: {_share(est.value)}   # {est.comment(_num)}")
    res = r.routing.resolved[g]
    if res.n:
        out.append(f"    # resolved here: {res.value:.1%} of {res.n} ended visits "
                   f"(95% CI {res.low:.1%}..{res.high:.1%})")
    wait = r.waiting.get(g)
    if wait is not None:
        out.append("    # waiting on the customer or a vendor (not simulated yet): "
                   f"{wait.family} mean {_dur(wait.mean)}, "
                   f"cv {wait.cv:.2f}, n={wait.n} ({wait.n - wait.events} still waiting at the end)")
    return out


def _dist_text(fit: Any) -> str:
    d = fit.dist()
    if d["dist"] == "exponential":
        return f"{{dist: exponential, mean: {_dur(d['mean'])}}}"
    return f"{{dist: {d['dist']}, mean: {_dur(d['mean'])}, cv: {d['cv']:.4g}}}"


def _work_comment(fit: Any) -> str:
    cv = "" if fit.family == "exponential" else f", cv {fit.cv_ci[0]:.3g}..{fit.cv_ci[1]:.3g}"
    return (f"95% CI mean {_dur(fit.mean_ci[0])}..{_dur(fit.mean_ci[1])}{cv}, n={fit.n} "
            f"({fit.n - fit.events} censored)")


def _work(r: FitResult, g: str) -> list[str]:
    w = r.work[g]
    if w.fit is None:
        n = len(w.observations) if w.observations is not None else 0
        if n and w.observations is not None and w.events is not None and w.events.any():
            mean = float(w.observations.sum() / w.events.sum())
            return [(f"    work: {{dist: exponential, mean: {_dur(mean)}}}   # too few visits ({n}) to choose a "
                     "family; the censored mean")]
        return ["    work: {dist: exponential, mean: 1h}   # NO WORK OBSERVED in this group: SET THIS YOURSELF"]
    fit = w.fit
    ranked = sorted(w.candidates.values(), key=lambda f: f.aic)
    others = ", ".join(f"{f.family} +{f.aic - fit.aic:.0f}" for f in ranked[1:])
    gof = ""
    if w.gof:
        gof = (f"; KS distance {w.gof['ks_distance']:.3f}, bootstrap p={w.gof['p_value']:.2f}, "
               f"p90 off by {w.gof['p90_error']:+.1%}")
    head = f"    # work: {fit.family} by AIC (others: {others}){gof}"
    if math.isfinite(w.cut_mean) and math.isfinite(w.uncut_mean):
        head += (f"; on-duty cut {'applied' if r.cut else 'not applied'}: mean {_dur(w.uncut_mean)} uncut, "
                 f"{_dur(w.cut_mean)} cut ({w.cut_mean / w.uncut_mean - 1:+.0%})")
    lines = [head]
    if w.by_priority:
        lines.append("    work:   # by priority: the data support separate times (AIC lower by more than 10)")
        lines.append(f"      default: {_dist_text(fit)}   # {_work_comment(fit)}")
        lines.append("      by_priority:")
        for pri, f in w.by_priority.items():
            lines.append(f"        {pri}: {_dist_text(f)}   # {_work_comment(f)}")
    else:
        lines.append(f"    work: {_dist_text(fit)}   # {_work_comment(fit)}")
    return lines
