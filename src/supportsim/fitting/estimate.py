"""Estimates of arrivals, mix and routing from tickets, each with its 95% interval and sample size.

- **Arrival rate**: a Poisson process whose rate depends on the hour of the week. Per hour of the week the
  maximum-likelihood rate is tickets / hours observed; the weekly mean rate is their mean (for a window of
  whole weeks, simply tickets / hours), with a log-normal (delta method) interval. The 168 factors are those
  rates over the mean, each with an exact Poisson interval and the number of weeks behind it.
- **Holidays**: whole days with far fewer tickets than that day of the week brings (fewer than 35% of the
  expected number and a Poisson probability below 1e-4) are reported and left out of the estimates above.
- **Shares** (segments, priorities, entry groups, routing): binomial proportions with Wilson intervals.
- **Routing**: per group, of its visits that ended (not open when the export ended), the share that went on to
  each other group (escalations and returns alike) and the share resolved there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from .read import Events
from .visits import Visits

Z95 = 1.959963984540054
WEEK = 168


@dataclass
class Estimate:
    value: float
    low: float
    high: float
    n: int           # the sample behind it (tickets, visits, observations)
    note: str = ""

    def comment(self, fmt: Callable[[float], str] = lambda v: f"{v:.3g}") -> str:
        interval = f"95% CI {fmt(self.low)}..{fmt(self.high)}" if math.isfinite(self.low) else "no interval"
        return f"{interval}, n={self.n}" + (f", {self.note}" if self.note else "")


@dataclass
class Arrivals:
    rate: Estimate
    factors: np.ndarray | None       # [168], mean 1 (None: less than a week observed)
    factors_low: np.ndarray
    factors_high: np.ndarray
    counts: np.ndarray               # [168] tickets per hour of week
    exposure: np.ndarray             # [168] hours observed (the number of weeks behind each factor)
    weeks: float
    holidays: list[dict] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)


def wilson(k: int, n: int) -> Estimate:
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def shares(codes: np.ndarray, names: list[str]) -> dict[str, Estimate]:
    counts = np.bincount(codes[codes >= 0], minlength=len(names))
    n = int(counts.sum())
    return {name: wilson(int(c), n) for name, c in zip(names, counts)}


def _exposure(start: float, end: float, skip_days: set[int]) -> np.ndarray:
    """Hours observed per hour of the week in the wall-clock window [start, end), without the skipped days."""
    first, last = math.floor(start), math.ceil(end)
    hours = np.arange(first, last)
    weight = np.clip(np.minimum(hours + 1, end) - np.maximum(hours, start), 0, 1)
    if skip_days:
        weight[np.isin(hours // 24, list(skip_days))] = 0
    return np.bincount(hours % WEEK, weights=weight, minlength=WEEK)


def arrivals(wall: np.ndarray, since: float | None, until: float | None) -> Arrivals:
    """Estimates from the wall-clock arrival times (hours since a Monday 00:00). The window is [since, until)
    where given, else from the first to the last arrival."""
    wall = np.sort(wall)
    start = wall[0] if since is None else since
    end = wall[-1] if until is None else until
    if end <= start:
        end = start + 1.0
    holidays: list[dict] = []
    skip: set[int] = set()
    for _ in range(2):  # estimate, find the days far below it, estimate again without them
        est = _rates(wall, start, end, skip)
        if est[1] is None:
            break
        found = _holidays(wall, start, end, est[0], est[1])
        if {h["day"] for h in found} == skip:
            break
        skip = {h["day"] for h in found}
        holidays = found
    rate, factors, low, high, counts, exposure = est
    return Arrivals(rate, factors, low, high, counts, exposure, (end - start) / WEEK, holidays, (start, end))


def _rates(wall: np.ndarray, start: float, end: float, skip: Any) -> tuple[Any, ...]:
    keep = (wall >= start) & (wall < end) if wall[-1] < end else (wall >= start) & (wall <= end)
    if skip:
        keep &= ~np.isin(np.floor(wall / 24).astype(int), list(skip))
    hows = (np.floor(wall[keep]).astype(np.int64)) % WEEK
    counts = np.bincount(hows, minlength=WEEK).astype(float)
    exposure = _exposure(start, end, skip)
    n = int(counts.sum())
    hours = float(exposure.sum())
    if (exposure < 1 - 1e-9).any():  # less than a week seen: a flat rate, no profile
        value = n / hours
        lo, hi = stats.chi2.ppf([0.025, 0.975], [2 * n, 2 * n + 2]) / (2 * hours) if n else (0.0, 3.69 / hours)
        rate = Estimate(value, float(lo), float(hi), n, f"{hours / WEEK:.1f} weeks, no hour-of-week profile "
                                                          "(less than a week observed)")
        return rate, None, None, None, counts, exposure
    per_hour = counts / exposure
    value = float(per_hour.mean())
    var = float((counts / exposure**2).sum()) / WEEK**2
    half = Z95 * math.sqrt(var) / value if value > 0 else math.nan
    rate = Estimate(value, value * math.exp(-half), value * math.exp(half), n, f"{hours / WEEK:.1f} weeks")
    lo = np.where(counts > 0, stats.chi2.ppf(0.025, 2 * counts) / 2, 0.0) / exposure / value
    hi = stats.chi2.ppf(0.975, 2 * counts + 2) / 2 / exposure / value
    return rate, per_hour / value, lo, hi, counts, exposure


def _holidays(wall: np.ndarray, start: float, end: float, rate: Estimate, factors: np.ndarray) -> list[dict]:
    first_day, last_day = math.ceil(start / 24), math.floor(end / 24)  # whole days only
    if last_day <= first_day:
        return []
    days = np.arange(first_day, last_day)
    day_of = np.floor(wall / 24).astype(np.int64)
    day_of = day_of[(day_of >= first_day) & (day_of < last_day)]
    observed = np.bincount(day_of - first_day, minlength=len(days))[:len(days)]
    hourly = rate.value * factors
    expected = np.array([hourly[(d * 24) % WEEK:(d * 24) % WEEK + 24].sum() for d in days])
    p = stats.poisson.cdf(observed, expected)
    flagged = (expected >= 10) & (observed < 0.35 * expected) & (p < 1e-4)
    return [{"day": int(d), "tickets": int(o), "expected": float(e)} for d, o, e, f in
            zip(days, observed, expected, flagged) if f]


@dataclass
class Routing:
    groups: list[str]
    entry: dict[str, Estimate]
    to: dict[str, dict[str, Estimate]]       # group -> next group -> share of its ended visits
    resolved: dict[str, Estimate]             # group -> share of its ended visits where the ticket was resolved
    ended: dict[str, int]
    counts: np.ndarray                        # [groups, groups + 1]: transitions, last column resolved


def routing(ev: Events, v: Visits) -> Routing:
    g = len(ev.groups)
    ended = ~v.open
    counts = np.zeros((g, g + 1), dtype=np.int64)
    moved = ended & (v.next_group >= 0)
    np.add.at(counts, (v.group[moved], v.next_group[moved]), 1)
    done = ended & v.resolved_here
    np.add.at(counts, (v.group[done], np.full(int(done.sum()), g)), 1)
    totals = counts.sum(axis=1)
    entry_visits = v.first & ~ev.truncated[v.case]
    entry = shares(v.group[entry_visits], ev.groups)
    to = {ev.groups[i]: {ev.groups[j]: wilson(int(counts[i, j]), int(totals[i])) for j in range(g)
                         if counts[i, j] > 0} for i in range(g)}
    resolved = {ev.groups[i]: wilson(int(counts[i, g]), int(totals[i])) for i in range(g)}
    return Routing(list(ev.groups), entry, to, resolved, {ev.groups[i]: int(totals[i]) for i in range(g)}, counts)


def customer_classes(ev: Events, cases: np.ndarray) -> list[dict]:
    """Customers by tickets in the window, in size classes: how many customers, and their share of tickets."""
    if not ev.customers:
        return []
    codes = ev.customer[cases]
    codes = codes[codes >= 0]
    per = np.bincount(codes, minlength=len(ev.customers))
    per = per[per > 0]
    total = int(per.sum())
    classes = []
    for low, high in ((1, 1), (2, 5), (6, 20), (21, 100), (101, None)):
        mine = (per >= low) & ((per <= high) if high is not None else True)
        if mine.any():
            label = f"{low}" if low == high else f"{low}-{high}" if high else f"{low}+"
            classes.append({"tickets": label, "customers": int(mine.sum()),
                            "share_of_tickets": per[mine].sum() / total})
    return classes
