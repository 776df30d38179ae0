"""What a backtest writes: the summary block, the terminal text, backtest.csv, and the folder as one whole run."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .figures import METRICS

if TYPE_CHECKING:
    from .result import BacktestResult

REPORT = "backtest.html"
CSV_COLUMNS = ["week", "week_start", "segment", "metric", "actual", "low", "high", "predicted", "inside", "tickets"]
LABELS = {"reaction_median": "reaction median", "reaction_p90": "reaction p90",
          "resolution_median": "resolution median", "resolution_p90": "resolution p90",
          "reaction_sla": "reaction SLA met", "resolution_sla": "resolution SLA met"}


def _num(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _value(value: float) -> float | str | None:
    """A figure for JSON/CSV: a number, "open" for a time longer than the export shows, None when missing."""
    value = float(value)
    if math.isnan(value):
        return None
    return "open" if math.isinf(value) else value


def scopes(r: BacktestResult) -> list[str]:
    return [*r.segments, "all"]


def cells(r: BacktestResult) -> Iterator[dict[str, Any]]:
    """One row per week, segment and metric with an actual value."""
    counts = _tickets(r)
    for w, start in enumerate(r.week_starts):
        for s, scope in enumerate(scopes(r)):
            for m, metric in enumerate(METRICS):
                if math.isnan(r.actual[w, s, m]):
                    continue
                hit = r.hits[w, s, m]
                yield {"week": w + 1, "week_start": start, "segment": scope, "metric": metric,
                       "actual": _value(r.actual[w, s, m]), "low": _value(r.low[w, s, m]),
                       "high": _value(r.high[w, s, m]), "predicted": _value(r.middle[w, s, m]),
                       "inside": None if math.isnan(hit) else bool(hit), "tickets": int(counts[w, s])}


def _tickets(r: BacktestResult) -> np.ndarray:
    week = np.floor(r.history.arrived / 168.0).astype(np.int64)
    counts = np.zeros((len(r.week_starts), len(r.segments) + 1), dtype=np.int64)
    seg = r.actual_segment
    for w in range(len(r.week_starts)):
        in_week = week == w
        counts[w, -1] = int(in_week.sum())
        for s in range(len(r.segments)):
            counts[w, s] = int((in_week & (seg == s)).sum())
    return counts


def summary(r: BacktestResult) -> dict[str, Any]:
    cov = r.coverage()
    return {"backtest": {
        "export": r.export, "split": r.split_start, "scenario": r.scenario.name, "source": r.source,
        "fitted": r.fitted_yaml is not None, "arrivals": "replayed" if r.replay else "simulated",
        "backlog": {"tickets": len(r.backlog), "groups": r.backlog_groups, "waiting_not_simulated": r.history.waiting},
        "replications": r.replications, "seed": r.scenario.seed, "level": r.level, "weeks": r.week_starts,
        "export_ends_hours_after_split": _num(r.history.end),
        "coverage": {**cov, "by_metric": {m: r.coverage(m) for m in METRICS}},
        "cells": list(cells(r)),
    }}


def backtest_csv(r: BacktestResult) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in cells(r):
        writer.writerow({k: "" if v is None else (f"{v:.6f}" if isinstance(v, float) else v) for k, v in row.items()})
    return out.getvalue()


def _show(metric: str, value: float) -> str:
    if math.isnan(value):
        return "-"
    if metric.endswith("_sla"):
        return f"{value:.0%}"
    if math.isinf(value):
        return "open"
    return f"{value * 60:.0f}m" if value < 2 else f"{value:.1f}h"


def text(r: BacktestResult) -> str:
    cov = r.coverage()
    lines = [(f"{r.export}: backtest from {r.split_start}, {len(r.week_starts)} week(s) after the split; "
             f"scenario {r.source}; arrivals {'replayed from the export' if r.replay else 'simulated'}; "
             f"{r.replications} replications"),
             f"  backlog at the split: {len(r.backlog)} tickets ("
             + (", ".join(f"{g} {c['queued']} queued, {c['working']} in work" for g, c in r.backlog_groups.items())
                or "none") + f"); {r.history.waiting} waiting on the customer (not simulated)"]
    shown = [m for m, metric in enumerate(METRICS) if not np.isnan(r.actual[..., m]).all()]
    header = f"  {'week':<11} {'segment':<10} " + " ".join(f"{LABELS[METRICS[m]]:>24}" for m in shown)
    lines += ["", f"  actual [{r.level:.0%} prediction interval of one week]; * outside", header]
    for w, start in enumerate(r.week_starts):
        for s, scope in enumerate(scopes(r)):
            if np.isnan(r.actual[w, s]).all():
                continue
            row = []
            for m in shown:
                metric, a = METRICS[m], r.actual[w, s, m]
                mark = "*" if r.hits[w, s, m] == 0 else " "
                row.append(f"{_show(metric, a)} [{_show(metric, r.low[w, s, m])}, {_show(metric, r.high[w, s, m])}]"
                           f"{mark}" if not math.isnan(a) else "-")
            lines.append(f"  {start:<11} {scope:<10} " + " ".join(f"{c:>24}" for c in row))
    share = "-" if cov["share"] is None else f"{cov['share']:.0%}"
    low = "" if cov["low"] is None else f" [95% CI {cov['low']:.0%}, {cov['high']:.0%}]"
    lines += ["", f"  inside the {r.level:.0%} interval: {cov['inside']} of {cov['weeks']} week figures = {share}{low}"]
    return "\n".join(line.rstrip() for line in lines)
