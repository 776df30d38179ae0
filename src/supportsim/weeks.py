"""Dates of simulated time: ISO timestamps of ticket events, and SLA attainment per calendar week.

Simulated time is hours since the scenario's ``start`` (its ``origin``). A wall-clock time is the origin plus
that many *elapsed* hours: with a time zone the hours are added in UTC and the result shown in the zone, so a
daylight-saving change moves the clock, not the elapsed time. A calendar week runs Monday 00:00 to Monday
00:00 on the origin's clock (its zone when it has one) and is named by its ISO week (``2027-W02``).

Weekly attainment is a pure function over the ticket table: per replication, the share of the week's counted
tickets (by arrival) that met the target on the target's own clock; then the mean over replications with its
95% Student-t interval, as every other figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from .stats import estimate

HOUR = timedelta(hours=1)


def wall_clock(origin: datetime, hours: float) -> datetime:
    """The wall-clock time ``hours`` elapsed hours after ``origin`` (in the origin's zone)."""
    if origin.tzinfo is None:
        return origin + hours * HOUR
    return (origin.astimezone(UTC) + hours * HOUR).astimezone(origin.tzinfo)


def elapsed(origin: datetime, moment: datetime) -> float:
    """Hours from ``origin`` to ``moment`` (both on the origin's clock)."""
    if origin.tzinfo is None:
        return (moment - origin) / HOUR
    return (moment.astimezone(UTC) - origin.astimezone(UTC)) / HOUR


def timestamps(origin: datetime, hours: np.ndarray) -> list[str]:
    """ISO 8601 timestamps (to the nearest second; with the UTC offset when the origin has a zone), "" for NaN."""
    return ["" if not np.isfinite(h) else wall_clock(origin, round(h * 3600) / 3600).isoformat(timespec="seconds")
            for h in np.asarray(hours, dtype=float).tolist()]


def week_starts(origin: datetime, start: float, end: float) -> list[datetime]:
    """The Mondays 00:00 (wall clock) of every calendar week that overlaps hours [start, end)."""
    first = wall_clock(origin, start)
    monday = datetime.combine(first.date() - timedelta(days=first.weekday()), datetime.min.time(),
                              tzinfo=first.tzinfo)
    if origin.tzinfo is not None:  # the zone's own Monday midnight (fold and offset resolved by the zone)
        monday = monday.replace(tzinfo=origin.tzinfo)
    out = []
    while elapsed(origin, monday) < end:
        out.append(monday)
        monday = _next(monday)
    return out


def week_name(monday: datetime) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_attainment(origin: datetime, window: tuple[float, float],
                      replications: Sequence[tuple[np.ndarray, Mapping[str, np.ndarray]]]) -> dict[str, dict[str, Any]]:
    """Per calendar week overlapping ``window`` (hours): each target's attainment over replications.

    ``replications``: per replication, the arrival hours of its counted tickets and, per target path
    (``sla.vip.reaction``), whether each of those tickets met it (1/0, NaN where the target does not apply).
    Returns ``{"2027-W02": {"from": date, "to": date, "part": bool, "tickets": mean per replication,
    "targets": {path: {"value", "ci95"}}}}`` in date order; "part" marks a week the window cuts (warm-up or
    horizon)."""
    mondays = week_starts(origin, *window)
    bounds = np.array([elapsed(origin, m) for m in mondays] + [elapsed(origin, _next(mondays[-1]))]) \
        if mondays else np.array([])
    paths = list(dict.fromkeys(p for _, met in replications for p in met))
    out = {}
    for w, monday in enumerate(mondays):
        low, high = bounds[w], bounds[w + 1]
        counts: list[float] = []
        shares: dict[str, list[float]] = {p: [] for p in paths}
        for arrived, met in replications:
            inside = (arrived >= low) & (arrived < high)
            counts.append(float(inside.sum()))
            for p in paths:
                values = met[p][inside] if p in met else np.array([])
                values = values[np.isfinite(values)]
                shares[p].append(float(values.mean()) if len(values) else float("nan"))
        out[week_name(monday)] = {
            "from": monday.date().isoformat(),
            "to": (monday.date() + timedelta(days=6)).isoformat(),
            "part": bool(low < window[0] or high > window[1]),
            "tickets": float(np.mean(counts)) if counts else 0.0,
            "targets": {p: estimate(shares[p]) for p in paths},
        }
    return out


def _next(monday: datetime) -> datetime:
    return (monday.replace(tzinfo=None) + timedelta(days=7)).replace(tzinfo=monday.tzinfo)
