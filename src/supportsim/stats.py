"""Statistics: pure functions from replication records to numbers.

Per replication, figures are computed over *counted* tickets (arrived at or after the warm-up) and, for group
figures that are time averages, over the observation window [warm-up, horizon). Across replications each
figure is reported as the mean with a 95% Student-t confidence interval: replications are independent, so
their means are i.i.d. and the interval is exact under normality and robust in practice.

Figures are kept flat, keyed by a tuple path such as ``("segments", "vip", "reaction", "p90")``, which is
what sweeps and checks want; :func:`nest` builds the nested form of ``summary.json``.
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np
from scipy import stats as _st

from .engine import ReplicationRecord

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


def ticket_table(record: ReplicationRecord) -> dict[str, np.ndarray]:
    """Per ticket of the replication: arrival, first response, resolution, reaction and resolution times."""
    t = record.tickets
    first, resolved = record.first_response, record.resolved
    return {
        "arrived": t.arrived,
        "segment": t.segment,
        "priority": t.priority,
        "first_response": first,
        "resolved": resolved,
        "reaction": first - t.arrived,
        "resolution": resolved - t.arrived,
        "counted": t.arrived >= record.scenario.warmup,
    }


def sla_met(record: ReplicationRecord, table: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per ticket, whether each SLA target was met (NaN where the ticket's segment has no such target)."""
    scenario = record.scenario
    out = {}
    for measure in ("reaction", "resolution"):
        targets = np.array([getattr(scenario.sla.get(s), measure, None) or math.nan for s in scenario.segment_names])
        target = targets[table["segment"]]
        met = np.where(np.isnan(target), math.nan, (table[measure] <= target).astype(float))
        out[f"{measure}_met"] = met
    return out


def replication_figures(record: ReplicationRecord) -> dict[Key, float]:
    """Every figure of one replication, flat."""
    scenario = record.scenario
    table = ticket_table(record)
    met = sla_met(record, table)
    counted = table["counted"]
    figures: dict[Key, float] = {}
    selections = {name: table["segment"] == i for i, name in enumerate(scenario.segment_names)}
    selections["all"] = np.ones(len(counted), dtype=bool)
    for name, selected in selections.items():
        mask = selected & counted
        figures[("segments", name, "tickets")] = float(mask.sum())
        for measure in ("reaction", "resolution"):
            for stat, value in _describe(table[measure][mask]).items():
                figures[("segments", name, measure, stat)] = value
        for key, values in met.items():
            chosen = values[mask]
            chosen = chosen[~np.isnan(chosen)]
            if len(chosen) and (name == "all" or name in scenario.sla):
                figures[("segments", name, "sla", key)] = float(chosen.mean())
    figures.update(group_figures(record))
    return figures


GROUP_FIGURES: tuple[Key, ...] = (("utilization",), ("queue_wait", "mean"), ("queue_length",), ("tickets_present",),
                                  ("arrival_rate",), ("time_in_group",))


def figure_keys(scenario) -> list[Key]:
    """Every key :func:`replication_figures` gives for this scenario, known before simulating (checks use it)."""
    described = list(_describe(np.empty(0)))
    keys: list[Key] = []
    for name in [*scenario.segment_names, "all"]:
        keys.append(("segments", name, "tickets"))
        keys += [("segments", name, measure, stat) for measure in ("reaction", "resolution") for stat in described]
        for measure in ("reaction", "resolution"):
            targets = [getattr(sla, measure) for seg, sla in scenario.sla.items() if name in ("all", seg)]
            if any(t is not None for t in targets):
                keys.append(("segments", name, "sla", f"{measure}_met"))
    keys += [("groups", group, *figure) for group in scenario.group_names for figure in GROUP_FIGURES]
    return keys


def group_figures(record: ReplicationRecord) -> dict[Key, float]:
    """Per group: utilization, queue wait, time-average queue length and tickets present, arrival rate."""
    scenario = record.scenario
    t = record.tickets
    low, high = scenario.warmup, scenario.horizon
    span = high - low
    queued, started, ended, resumed = record.queued, record.started, record.ended, record.resumed
    ticket = t.ticket_of_visit
    counted = t.arrived[ticket] >= low
    pieces = record.interruptions
    figures: dict[Key, float] = {}
    for g, name in enumerate(scenario.group_names):
        here = t.route == g
        piece_here = here[pieces[:, 0].astype(np.int64)] if len(pieces) else np.zeros(0, dtype=bool)
        busy = overlap(resumed[here], ended[here], low, high)
        busy += overlap(pieces[piece_here, 2], pieces[piece_here, 3], low, high)
        present = overlap(queued[here], ended[here], low, high)
        in_window = here & (queued >= low) & (queued < high)
        mine = here & counted
        waits = started[mine] - queued[mine]
        figures[("groups", name, "utilization")] = busy / (record.staff[name] * span)
        figures[("groups", name, "queue_wait", "mean")] = float(waits.mean()) if len(waits) else math.nan
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
    half = float(_st.t.ppf(0.5 + confidence / 2, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data)))
    return {"value": mean, "ci95": [mean - half, mean + half]}


def combine(per_replication: list[Mapping[Key, float]]) -> dict[Key, dict]:
    """Estimate every figure over replications (a figure missing in one replication counts as missing)."""
    return {k: estimate(values) for k, values in columns(per_replication).items()}


def nest(flat: Mapping[Key, object]) -> dict:
    out: dict = {}
    for key, value in flat.items():
        node = out
        for part in key[:-1]:
            node = node.setdefault(part, {})
        node[key[-1]] = value
    return out


def flatten(nested: Mapping, prefix: Key = ()) -> dict[Key, object]:
    """The inverse of :func:`nest`: every value that is not a mapping, keyed by its path."""
    out: dict[Key, object] = {}
    for part, value in nested.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, (*prefix, part)))
        else:
            out[(*prefix, part)] = value
    return out


def columns(per_replication: list[Mapping[Key, float]]) -> dict[Key, list[float]]:
    """Per-replication figures turned around: each figure's values over the replications, in order."""
    keys: dict[Key, None] = {}
    for figures in per_replication:
        keys.update(dict.fromkeys(figures))
    return {k: [f.get(k, math.nan) for f in per_replication] for k in keys}
