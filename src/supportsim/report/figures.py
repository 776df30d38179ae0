"""The headline figures: which numbers a manager sees first, and how each variant compares with the baseline.

Shared by the HTML tables, the "at a glance" sentences and ``--format csv``, so all three always agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from ..stats import estimate
from ..units import WEEK, format_duration, human_duration
from ..weeks import wall_clock
from ..wording import time_change
from .data import TIERS, Estimate, Results, as_estimate

SEGMENT_HEADLINE = [("tickets", "value", "tickets"),
                    ("reaction", "mean", "hours"), ("reaction", "p90", "hours"),
                    ("resolution", "mean", "hours"), ("resolution", "p90", "hours"),
                    ("sla", "reaction_met", "share"), ("sla", "resolution_met", "share")]
GROUP_HEADLINE = [("utilization", "value", "share"), ("queue_length", "value", "tickets"),
                  ("queue_wait", "mean", "hours")]
CSV_COLUMNS = ["variant", "scope", "metric", "statistic", "value", "ci95_low", "ci95_high", "unit"]


def _path(kind: str, name: str, metric: str, statistic: str) -> tuple[str, ...]:
    return (kind, name, metric) if statistic == "value" else (kind, name, metric, statistic)


def headline_rows(summary: dict) -> Iterator[dict[str, Any]]:
    """The headline figures of a summary in long format (one row per variant, scope, metric, statistic).

    ``scope`` is a segment (or ``all``) or a group name; ``unit`` is hours, share (0..1), tickets, or
    ``ratio`` for the ``<metric>_vs_baseline`` rows of each variant but the baseline, whose scope is a tier
    (``vip``: all VIP segments, ``non_vip``) or ``all``, as in summary.json's ``vs_baseline``.
    """
    for variant, figures in summary.get("variants", {}).items():
        for kind, selection in (("segments", SEGMENT_HEADLINE), ("groups", GROUP_HEADLINE)):
            for name in figures.get(kind, {}):
                for metric, statistic, unit in selection:
                    e = _lookup(figures, _path(kind, name, metric, statistic))
                    if e is not None:
                        yield _row(variant, name, metric, statistic, e, unit)
        ratios = figures.get("vs_baseline") or {}
        for scope in (*TIERS, "all"):
            for metric, statistic, _ in SEGMENT_HEADLINE[1:5]:
                e = _lookup(ratios, (scope, metric, statistic), key="ratio")
                if e is not None:
                    yield _row(variant, scope, f"{metric}_vs_baseline", statistic, e, "ratio")


def _row(variant: str, scope: str, metric: str, statistic: str, e: Estimate, unit: str) -> dict[str, Any]:
    return {"variant": variant, "scope": scope, "metric": metric, "statistic": statistic, "value": e.value,
            "ci95_low": e.low, "ci95_high": e.high, "unit": unit}


def _lookup(node: Any, path: tuple[str, ...], key: str = "value") -> Estimate | None:
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return as_estimate(node, key)


# ---- comparison with the baseline ------------------------------------------------------------------------

@dataclass
class Change:
    """A variant's figure against the baseline's: ratio (times) or difference (shares) and whether it is clear."""

    ratio: float
    low: float | None
    high: float | None
    clear: bool           # the paired 95% interval excludes "no change" (without one: the two intervals are apart)
    paired: bool          # the interval is paired over replications (variants run on the same tickets)
    mine: float | None = None     # the two mean times (hours), for wording near zero (see supportsim.wording)
    theirs: float | None = None


def baseline_change(results: Results, variant: str, tier: str, measure: str, statistic: str) -> Change | None:
    """A tier's (or ``all``'s) time against the baseline, from the paired ratios in summary.json's vs_baseline.

    A folder without them (written before vs_baseline existed) gets no comparison rather than a weaker one."""
    if results.baseline is None or variant == results.baseline:
        return None
    given = results.ratio(variant, tier, measure, statistic)
    if given is None:
        return None
    clear = given.low is not None and given.high is not None and not (given.low <= 1 <= given.high)
    mine = results.estimate(variant, "tiers", tier, measure, statistic)
    theirs = results.estimate(results.baseline, "tiers", tier, measure, statistic)
    return Change(given.value, given.low, given.high, clear, given.low is not None,
                  None if mine is None else mine.value, None if theirs is None else theirs.value)


def change_words(c: Change | None) -> str:
    """'9.8x faster', '6% slower', 'about the same' -- for times, where lower is better; a change the
    replications cannot tell from noise says so."""
    if c is None:
        return ""
    words = time_change(c.ratio, c.mine, c.theirs)
    return words if c.clear or words == "about the same" else words + " (within noise)"


def sla_change(results: Results, variant: str, segment: str, measure: str) -> Change | None:
    """Change in SLA attainment against the baseline, in percentage points (``ratio`` holds the difference).

    Paired over replications from tickets.csv when it is there, else clear only when the intervals are apart."""
    base = results.baseline
    if base is None or variant == base:
        return None
    mine = results.sla_met.get((variant, segment, measure))
    theirs = results.sla_met.get((base, segment, measure))
    if mine and theirs and len(set(mine) & set(theirs)) > 1:
        found = estimate(100 * (mine[r] - theirs[r]) for r in mine if r in theirs)
        low, high = found["ci95"]
        clear = low is not None and not (low <= 0 <= high)
        return Change(found["value"], low, high, clear, True)
    a = results.estimate(variant, "segments", segment, "sla", f"{measure}_met")
    b = results.estimate(base, "segments", segment, "sla", f"{measure}_met")
    if a is None or b is None:
        return None
    apart = (a.low is not None and a.high is not None and b.low is not None and b.high is not None
             and (a.high < b.low or a.low > b.high))
    return Change(100 * (a.value - b.value), None, None, apart, False)


def short_duration(hours: float) -> str:
    """A target or setting as people write it: '30m', '8h', '3d' (a week reads '7d')."""
    return format_duration(hours) if hours < WEEK or hours % WEEK else f"{hours / 24:g}d"


def date_text(origin: datetime, hours: float) -> str:
    """The moment ``hours`` after the scenario's start as people say it: 'Wed 17 Mar 2027', with the time of day
    when it is not midnight ('Mon 12 Apr 2027 01:00': elapsed hours, so daylight saving shows)."""
    moment = wall_clock(origin, hours)
    return f"{moment:%a %d %b %Y}" + ("" if moment.time() == time(0) else f" {moment:%H:%M}")


def in_one_unit(*hours: float) -> list[str]:
    """Several durations written in the same unit, the largest in which each is a whole number ('100h', '1200h'
    rather than '100h', '50d'), so a reader compares numbers, not units."""
    units = (("w", 168.0), ("d", 24.0), ("h", 1.0)) + ((("m", 1 / 60),) if max(hours) < 2 else ())
    for unit, size in units:
        counts = [h / size for h in hours]
        if all(abs(c - round(c)) < 1e-9 for c in counts) and any(round(c) for c in counts):
            return [f"{round(c)}{unit}" for c in counts]
    return [f"{h:g}h" for h in hours]


def duration_text(hours: float) -> str:
    """Like the terminal tables (minutes under 2 h, hours under 2 d, days above), but a wait of a few seconds
    reads '<0.1m' rather than a misleading '0.0m'."""
    if hours == 0:
        return "0m"
    return "<0.1m" if 0 < hours < 1 / 600 else human_duration(hours)


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
