"""Per week and segment figures, one week's prediction interval, and the share of weeks inside: pure functions.

The same function computes a week's figures from the export's tickets and from each replication's, so both
sides are measured alike: tickets are counted in the week they arrived; median and p90 are order statistics
(an infinite time, a ticket still open when the export ends, is larger than any other); attainment is the
share of tickets that met their segment's target.

A **prediction interval** for one week is the spread of that week's figure across replications: replications
are independent draws of the week, so if the model is right the actual week is one more such draw and falls
between the order statistics ``k1 = floor(a (m + 1))`` and ``k2 = ceil((1 - a)(m + 1))`` (``a = (1 - level) /
2``, ``m`` replications) with probability ``(k2 - k1) / (m + 1)``, the level itself when ``level (m + 1)`` is
whole (99 replications for 90%). It does not shrink with more replications, unlike the confidence interval of
the mean.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

METRICS = ("reaction_median", "reaction_p90", "resolution_median", "resolution_p90", "reaction_sla",
           "resolution_sla")
"""Figures compared per week and segment; the last two are SLA attainment (shares)."""
WEEK = 168.0


def week_figures(arrived: np.ndarray, segment: np.ndarray, reaction: np.ndarray, resolution: np.ndarray,
                 reaction_met: np.ndarray, resolution_met: np.ndarray, weeks: int, segments: int) -> np.ndarray:
    """Array [weeks, segments + 1 (the last: all), METRICS] of one history's figures (NaN: no ticket, or no
    target). ``*_met``: 1 met, 0 missed, NaN where the ticket's segment has no such target."""
    out = np.full((weeks, segments + 1, len(METRICS)), np.nan)
    week = np.floor(arrived / WEEK).astype(np.int64)
    inside = (week >= 0) & (week < weeks)
    for w in range(weeks):
        in_week = inside & (week == w)
        for s in range(segments + 1):
            chosen = in_week & (segment == s) if s < segments else in_week
            if not chosen.any():
                continue
            r, t = reaction[chosen], resolution[chosen]
            out[w, s, :4] = (_quantile(r, 0.5), _quantile(r, 0.9), _quantile(t, 0.5), _quantile(t, 0.9))
            for k, met in ((4, reaction_met[chosen]), (5, resolution_met[chosen])):
                known = met[~np.isnan(met)]
                if len(known):
                    out[w, s, k] = known.mean()
    return out


def _quantile(values: np.ndarray, q: float) -> float:
    """The q-quantile as an order statistic (inverted CDF): never interpolates, so infinities stay exact."""
    return float(np.quantile(values, q, method="inverted_cdf"))


def interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, median) of each cell over axis 0 (the replications), ignoring NaN: the prediction interval
    of the given level, by order statistics; NaN where no replication has the figure."""
    ordered = np.sort(samples, axis=0)  # NaN sort last
    m = (~np.isnan(samples)).sum(axis=0)
    tail = (1 - level) / 2
    k1 = np.clip(np.floor(tail * (m + 1) + 1e-9).astype(np.int64), 1, np.maximum(m, 1))
    k2 = np.clip(np.ceil((1 - tail) * (m + 1) - 1e-9).astype(np.int64), 1, np.maximum(m, 1))
    k_mid = np.clip(np.ceil(0.5 * m - 1e-9).astype(np.int64), 1, np.maximum(m, 1))

    def pick(k: np.ndarray) -> np.ndarray:
        picked: np.ndarray = np.take_along_axis(ordered, (k - 1)[None], axis=0)[0]
        return picked

    low, high, middle = pick(k1), pick(k2), pick(k_mid)
    none = m == 0
    for a in (low, high, middle):
        a[none] = np.nan
    return low, high, middle


def inside(actual: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """1 where the actual figure is inside its interval, 0 outside, NaN where either is missing."""
    known = ~np.isnan(actual) & ~np.isnan(low)
    with np.errstate(invalid="ignore"):
        hit = (actual >= low) & (actual <= high)
    return np.where(known, hit.astype(float), np.nan)


def coverage(hits: np.ndarray) -> dict[str, Any]:
    """Share of known cells inside, with the count and a 95% Wilson interval."""
    known = hits[~np.isnan(hits)]
    n, k = len(known), int(known.sum())
    if not n:
        return {"share": None, "inside": 0, "weeks": 0, "low": None, "high": None}
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"share": p, "inside": k, "weeks": n, "low": max(0.0, centre - half), "high": min(1.0, centre + half)}
