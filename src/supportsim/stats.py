"""Statistics: pure functions from replication records to numbers.

Per replication, figures are computed over *counted* tickets (arrived at or after the warm-up) and, for group
figures that are time averages, over the observation window [warm-up, horizon). Across replications each
figure is reported as the mean with a 95% Student-t confidence interval: replications are independent, so
their means are i.i.d. and the interval is exact under normality and robust in practice.

Figures are kept flat, keyed by a tuple path such as ``("segments", "vip", "reaction", "p90")``, which is
what sweeps and checks want; :func:`nest` builds the nested form of ``summary.json``.

Working time: reaction and resolution are calendar hours; where a segment's reaction or resolution target
runs on a clock other than 24x7 they are also measured on each target's own clock (``reaction_business`` on
the reaction target's, ``resolution_business`` on the resolution target's), and each target is met on its
clock (see :mod:`supportsim.targets`).
Utilization is busy time over the engineer-time on duty in the window, so a desk that works 45 of 168 hours
flat out is at 100%, not 27%.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import service_targets as targets

# scipy.stats costs a second to import; only the CI needs it (see estimate)
from .calendar import Calendar
from .records import ReplicationRecord
from .scenario import Scenario
from .visits import WORK

Key = tuple[str, ...]
QUANTILES = {"p50": 50, "p90": 90, "p95": 95}


def _describe(values: np.ndarray) -> dict[str, float]:
    if len(values) == 0:
        return {"mean": math.nan, **{k: math.nan for k in QUANTILES}, "max": math.nan}
    pct = np.percentile(values, list(QUANTILES.values()))
    return {"mean": float(values.mean()), **dict(zip(QUANTILES, map(float, pct))), "max": float(values.max())}


def overlap(start: np.ndarray, end: np.ndarray, low: float, high: float) -> float:
    """Total length of the intervals [start, end) that falls inside [low, high)."""
    return float(np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None).sum())


def sla_clocks(scenario: Scenario, measure: str = "reaction") -> list[Calendar]:
    """Per segment (by index), the calendar its reaction (or resolution) is measured on: its target's clock."""
    return [scenario.calendar(targets.measured_clock(scenario, s, measure)) for s in scenario.segment_names]


def business_clock_segments(scenario: Scenario) -> list[str]:
    """Segments with a reaction or resolution measured on a clock that is not around the clock."""
    return [s for s in scenario.segment_names
            if any(not scenario.calendar(targets.measured_clock(scenario, s, m)).is_always for m in MEASURES)]


MEASURES = ("reaction", "resolution")


def ticket_table(record: ReplicationRecord) -> dict[str, np.ndarray]:
    """Per ticket of the replication: arrival, first response, resolution, reaction and resolution times,
    in calendar hours and on the clock of the ticket's target for each (``*_business``; the same where that
    clock is 24x7)."""
    t = record.tickets
    first, resolved = record.first_response, record.resolved
    table = {
        "arrived": t.arrived,
        "segment": t.segment,
        "priority": t.priority,
        "first_response": first,
        "resolved": resolved,
        "reaction": first - t.arrived,
        "resolution": resolved - t.arrived,
        "counted": t.arrived >= record.scenario.warmup,
    }
    for measure, event in (("reaction", first), ("resolution", resolved)):
        table[f"{measure}_business"] = table[measure]
        clocks = sla_clocks(record.scenario, measure)
        if not all(clock.is_always for clock in clocks):
            business = table[measure].copy()
            for index, clock in enumerate(clocks):
                mine = t.segment == index
                if not clock.is_always and mine.any():
                    business[mine] = clock.business_hours(t.arrived[mine], event[mine])
            table[f"{measure}_business"] = business
    return table


def sla_met(record: ReplicationRecord, table: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per ticket, whether each SLA target was met on the target's clock (NaN where the ticket's segment has no
    such target)."""
    scenario = record.scenario
    out = {}
    for measure in MEASURES:
        met = np.full(len(table["segment"]), math.nan)
        for index, segment in enumerate(scenario.segment_names):
            target = getattr(scenario.sla.get(segment), measure, None)
            mine = table["segment"] == index
            if target is None or not mine.any():
                continue
            clock = scenario.calendar(targets.measured_clock(scenario, segment, measure))
            met[mine] = targets.met(target, clock, table["arrived"][mine], table[f"{measure}_business"][mine])
        out[f"{measure}_met"] = met
    return out


TIERS = ("vip", "non_vip")
"""Pseudo-segments over all VIP segments and all others: what comparisons of VIP policies report. They live
under ``tiers`` (not ``segments``) so they never clash with a segment named ``vip``."""


def replication_figures(record: ReplicationRecord) -> dict[Key, float]:
    """Every figure of one replication, flat."""
    scenario = record.scenario
    table = ticket_table(record)
    met = sla_met(record, table)
    counted = table["counted"]
    figures: dict[Key, float] = {}
    selections = {("segments", name): table["segment"] == i for i, name in enumerate(scenario.segment_names)}
    selections[("segments", "all")] = np.ones(len(counted), dtype=bool)
    vip_segment = np.array([s.vip for s in scenario.segments.values()], dtype=bool)
    is_vip = vip_segment[table["segment"]]
    selections[("tiers", "vip")] = is_vip
    selections[("tiers", "non_vip")] = ~is_vip
    on_business_clock = set(business_clock_segments(scenario))
    for where, selected in selections.items():
        mask = selected & counted
        figures[(*where, "tickets")] = float(mask.sum())
        measures: tuple[str, ...] = ("reaction", "resolution")
        if where[0] == "segments" and where[1] in on_business_clock:
            measures += ("reaction_business", "resolution_business")
        for measure in measures:
            for stat, value in _describe(table[measure][mask]).items():
                figures[(*where, measure, stat)] = value
        with_target = where[0] == "tiers" or where[1] == "all" or where[1] in scenario.sla
        for key, values in met.items():
            chosen = values[mask]
            chosen = chosen[~np.isnan(chosen)]
            if len(chosen) and with_target:
                figures[(*where, "sla", key)] = float(chosen.mean())
    figures.update(group_figures(record))
    figures.update(on_call_figures(record))
    return figures


def on_call_engineers(scenario: Scenario) -> dict[str, list[int]]:
    """Per group with staff on call: the numbers of its on-call engineers (as the engine numbers them)."""
    out: dict[str, list[int]] = {}
    for group in scenario.group_names:
        first = 0
        for block in scenario.groups[group].blocks:
            if block.on_call:
                out.setdefault(group, []).extend(range(first, first + block.count))
            first += block.count
    return out


def on_call_figures(record: ReplicationRecord) -> dict[Key, float]:
    """Per group with staff on call: call-outs in [warm-up, horizon), per day of that window ('per night': the
    figure on-call pay is based on), and per engineer (their count and per day)."""
    scenario = record.scenario
    days = (scenario.horizon - scenario.warmup) / 24.0
    calls = record.call_outs
    calls = calls[(calls[:, 0] >= scenario.warmup) & (calls[:, 0] < scenario.horizon)]
    figures: dict[Key, float] = {}
    for group, engineers in on_call_engineers(scenario).items():
        mine = calls[calls[:, 1] == scenario.group_names.index(group)]
        figures[("on_call", group, "call_outs")] = float(len(mine))
        figures[("on_call", group, "per_night")] = len(mine) / days
        for engineer in engineers:
            count = float(np.sum(mine[:, 2] == engineer))
            figures[("on_call", group, "per_engineer", str(engineer), "call_outs")] = count
            figures[("on_call", group, "per_engineer", str(engineer), "per_night")] = count / days
    return figures


def available_hours(scenario: Scenario, group: str, low: float, high: float) -> float:
    """Engineer-hours on duty in the group within [low, high)."""
    shifts = scenario.shifts_of(group)
    around_the_clock = sum(count for count, calendar in shifts if calendar.is_always)
    return around_the_clock * (high - low) + float(sum(count * calendar.business_hours(low, high)
                                                       for count, calendar in shifts if not calendar.is_always))


def figure_keys(scenario: Scenario) -> list[Key]:
    """Every key :func:`replication_figures` gives for this scenario, in the same order, known before simulating
    (checks use it). A tier's SLA figure is listed when a segment of that tier has the target."""
    described = list(_describe(np.empty(0)))
    keys: list[Key] = []
    on_business_clock = set(business_clock_segments(scenario))
    vip = {name for name, seg in scenario.segments.items() if seg.vip}
    members = {("segments", name): {name} for name in scenario.segment_names}
    members[("segments", "all")] = set(scenario.segment_names)
    members[("tiers", "vip")] = vip
    members[("tiers", "non_vip")] = set(scenario.segment_names) - vip
    for where, segments in members.items():
        keys.append((*where, "tickets"))
        measures = ["reaction", "resolution"]
        if where[0] == "segments" and where[1] in on_business_clock:
            measures += ["reaction_business", "resolution_business"]
        keys += [(*where, measure, stat) for measure in measures for stat in described]
        for measure in ("reaction", "resolution"):
            if any(getattr(scenario.sla.get(seg), measure, None) is not None for seg in segments):
                keys.append((*where, "sla", f"{measure}_met"))
    for group in scenario.group_names:
        keys.append(("groups", group, "utilization"))
        if scenario.groups[group].ola is not None:
            keys.append(("groups", group, "ola_met"))
        keys.append(("groups", group, "queue_wait", "mean"))
        keys += [("groups", group, "queue_wait", seg, "mean") for seg in scenario.segment_names]
        keys += [("groups", group, name)
                 for name in ("queue_length", "tickets_present", "arrival_rate", "time_in_group")]
    for group, engineers in on_call_engineers(scenario).items():
        keys += [("on_call", group, "call_outs"), ("on_call", group, "per_night")]
        keys += [("on_call", group, "per_engineer", str(e), figure) for e in engineers
                 for figure in ("call_outs", "per_night")]
    return keys


def group_figures(record: ReplicationRecord) -> dict[Key, float]:
    """Per group: utilization, queue wait (overall and per segment), time-average queue length and tickets
    present, arrival rate, and the share of escalated tickets picked up within the group's OLA.

    A visit's queue wait is its time in the group not in work: before work first starts and, under preemption
    or a shift end, while interrupted; so the time-average queue_length is arrival rate x mean queue wait
    (Little). Reaction keeps the first wait. Visits of another activity than ``work`` (inserted by a policy, see
    supportsim.visits) count as busy time but not as queue waits. Time averages are over [warm-up, horizon).
    """
    scenario = record.scenario
    t = record.tickets
    low, high = scenario.warmup, scenario.horizon
    span = high - low
    queued, started, ended, resumed = record.queued, record.started, record.ended, record.resumed
    ticket = t.ticket_of_visit
    segment = t.segment[ticket]
    counted = t.arrived[ticket] >= low
    escalated = np.ones(len(t.route), dtype=bool)
    escalated[t.offset] = False
    pieces = record.interruptions
    # engineer time spent on each visit: its last piece of work plus any pieces cut short before it
    in_work = ended - resumed
    if len(pieces):
        in_work = in_work + np.bincount(pieces[:, 0].astype(np.int64), weights=pieces[:, 3] - pieces[:, 2],
                                        minlength=len(ended))
    in_queue = ended - queued - in_work
    figures: dict[Key, float] = {}
    for g, name in enumerate(scenario.group_names):
        here = t.route == g
        piece_here = here[pieces[:, 0].astype(np.int64)] if len(pieces) else np.zeros(0, dtype=bool)
        busy = overlap(resumed[here], ended[here], low, high)
        busy += overlap(pieces[piece_here, 2], pieces[piece_here, 3], low, high)
        present = overlap(queued[here], ended[here], low, high)
        in_window = here & (queued >= low) & (queued < high)
        mine = here & counted & (t.activity == WORK)
        waits = in_queue[mine]
        available = available_hours(scenario, name, low, high)
        figures[("groups", name, "utilization")] = busy / available if available > 0 else math.nan
        ola = scenario.groups[name].ola
        if ola is not None:
            picked = mine & escalated
            clock = scenario.calendar(ola.pickup.clock or ola.clock)
            pickup = clock.business_hours(queued[picked], started[picked])
            within = targets.met(ola.pickup, clock, queued[picked], pickup)
            figures[("groups", name, "ola_met")] = float(within.mean()) if picked.any() else math.nan
        figures[("groups", name, "queue_wait", "mean")] = float(waits.mean()) if len(waits) else math.nan
        for i, seg in enumerate(scenario.segment_names):
            seg_waits = waits[segment[mine] == i]
            seg_mean = float(seg_waits.mean()) if len(seg_waits) else math.nan
            figures[("groups", name, "queue_wait", seg, "mean")] = seg_mean
        figures[("groups", name, "queue_length")] = (present - busy) / span
        figures[("groups", name, "tickets_present")] = present / span
        figures[("groups", name, "arrival_rate")] = float(in_window.sum()) / span
        sojourn = ended[in_window] - queued[in_window]
        figures[("groups", name, "time_in_group")] = float(sojourn.mean()) if len(sojourn) else math.nan
    return figures


def estimate(values: Iterable[float], confidence: float = 0.95) -> dict:
    """Mean over replications with a Student-t confidence interval; ``None`` bounds with fewer than two."""
    data = np.array([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if len(data) == 0:
        return {"value": None, "ci95": [None, None]}
    mean = float(data.mean())
    if len(data) < 2:
        return {"value": mean, "ci95": [None, None]}
    from scipy import stats as _st

    half = float(_st.t.ppf(0.5 + confidence / 2, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data)))
    return {"value": mean, "ci95": [mean - half, mean + half]}


def combine(per_replication: Sequence[Mapping[Key, float]]) -> dict[Key, dict]:
    """Estimate every figure over replications (a figure missing in one replication counts as missing)."""
    return {k: estimate(values) for k, values in columns(per_replication).items()}


RATIO_FIGURES: tuple[Key, ...] = tuple(
    (where, tier, measure, stat)
    for where, tier in (("tiers", "vip"), ("tiers", "non_vip"), ("segments", "all"))
    for measure in ("reaction", "resolution") for stat in ("mean", "p90")
)
"""Figures compared with the baseline in ``vs_baseline``."""


def paired_ratios(variant: Sequence[Mapping[Key, float]], baseline: Sequence[Mapping[Key, float]],
                  keys: Iterable[Key] = RATIO_FIGURES, confidence: float = 0.95) -> dict[Key, dict]:
    """Ratio variant/baseline of each figure, paired over replications.

    Replication r of every variant runs on the same tickets (same seed and replication index), so the ratio is
    taken per replication and the log-ratios, which are closer to normal than the ratios and make "2x faster"
    and "2x slower" symmetric, get a Student-t interval; both are exponentiated back. The ratio reported is thus
    the geometric mean of the per-replication ratios. A figure the variant brings to zero in every replication
    (preemption: no VIP ticket ever waits) has ratio 0 exactly; one that is zero in the baseline, missing, or
    zero in only some replications has no ratio: ``None``.
    """
    out = {}
    for key in keys:
        pairs = [(v.get(key, math.nan), b.get(key, math.nan)) for v, b in zip(variant, baseline)]
        if pairs and all(v == 0 and b > 0 for v, b in pairs):
            out[key] = {"ratio": 0.0, "ci95": [0.0, 0.0]}
            continue
        ratios = np.array([v / b if b > 0 and v > 0 else math.nan for v, b in pairs], dtype=float)
        if len(ratios) == 0 or np.isnan(ratios).any():
            out[key] = {"ratio": None, "ci95": [None, None]}
            continue
        logs = estimate(np.log(ratios), confidence)
        low, high = logs["ci95"]
        out[key] = {"ratio": math.exp(logs["value"]),
                    "ci95": [math.exp(low), math.exp(high)] if low is not None else [None, None]}
    return out


def nest(flat: Mapping[Key, object]) -> dict:
    out: dict = {}
    for key, value in flat.items():
        node = out
        for part in key[:-1]:
            node = node.setdefault(part, {})
        node[key[-1]] = value
    return out


def flatten(nested: Mapping, prefix: Key = ()) -> dict[Key, Any]:
    """The inverse of :func:`nest`: every value that is not a mapping, keyed by its path."""
    out: dict[Key, Any] = {}
    for part, value in nested.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, (*prefix, part)))
        else:
            out[(*prefix, part)] = value
    return out


def columns(per_replication: Sequence[Mapping[Key, float]]) -> dict[Key, list[float]]:
    """Per-replication figures turned around: each figure's values over the replications, in order."""
    keys: dict[Key, None] = {}
    for figures in per_replication:
        keys.update(dict.fromkeys(figures))
    return {k: [f.get(k, math.nan) for f in per_replication] for k in keys}
