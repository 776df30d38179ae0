"""Time profiles: how arrivals, load and backlog move over the week and over the run (``profiles.json``).

Pure functions of replication records, like :mod:`supportsim.stats`. Everything is a time average over exact
interval overlaps (no sampling at instants), in bins of one clock hour: hour 0 of the week is Monday 00:00-01:00
on the scenario's clock (``start``). By hour of week, per replication, over the window [warm-up, horizon):

* ``arrivals_per_hour``: tickets arriving per hour;
* per group: ``engineers_on_duty`` (mean), ``utilization`` (busy over on-duty engineer-time; null where nobody
  is on duty), ``queue_length`` (tickets waiting, paused work included) and ``tickets_present``;
* ``backlog``: open tickets (arrived, not yet resolved).

And ``backlog_over_time``: open tickets in consecutive bins from time 0 to the horizon. Each list is the
mean over replications.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .calendar import WEEK, week_hour
from .records import ReplicationRecord

DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_TIME_BINS = 10_000


def covered(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per bin [edges[k], edges[k+1]): the total length of the intervals [start, end) inside it."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    keep = end > start
    return np.diff(_cumulative_cover(start[keep], end[keep], edges))


def _cumulative_cover(start: np.ndarray, end: np.ndarray, t: np.ndarray) -> np.ndarray:
    # Length of the intervals before t: sum over starts before t of (t - start) minus the same over ends.
    out = np.zeros(len(t))
    for points, sign in ((np.sort(start), 1.0), (np.sort(end), -1.0)):
        sums = np.concatenate([[0.0], np.cumsum(points)])
        n = np.searchsorted(points, t, side="left")
        out += sign * (n * t - sums[n])
    return out


def hour_edges(low: float, high: float, phase: float) -> tuple[np.ndarray, np.ndarray]:
    """Edges of clock-hour bins covering [low, high) and each bin's hour of week."""
    first, last = math.floor(low + phase), math.ceil(high + phase)
    inner = np.arange(first + 1, last, dtype=float) - phase
    edges = np.concatenate([[low], inner[(inner > low) & (inner < high)], [high]])
    hours = (np.floor(edges[:-1] + phase + 1e-9) % WEEK).astype(np.int64)
    return edges, hours


def _by_hour(values: np.ndarray, hours: np.ndarray) -> np.ndarray:
    return np.bincount(hours, weights=values, minlength=int(WEEK))


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 1e-12, top / np.where(bottom > 1e-12, bottom, 1.0), np.nan)


def replication_profile(record: ReplicationRecord) -> dict:
    """The time profiles of one replication (arrays; see the module docstring)."""
    scenario = record.scenario
    t = record.tickets
    low, high = scenario.warmup, scenario.horizon
    edges, hours = hour_edges(low, high, week_hour(scenario.origin))
    length = _by_hour(np.diff(edges), hours)
    queued, ended, resumed = record.queued, record.ended, record.resumed
    pieces = record.interruptions
    piece_visit = pieces[:, 0].astype(np.int64)
    in_window = (t.arrived >= low) & (t.arrived < high)
    arrival_hours = (np.floor(t.arrived[in_window] + week_hour(scenario.origin) + 1e-12) % WEEK).astype(np.int64)
    profile: dict[str, Any] = {
        "arrivals_per_hour": _ratio(np.bincount(arrival_hours, minlength=int(WEEK)).astype(float), length),
        "backlog": _ratio(_by_hour(covered(t.arrived, record.left, edges), hours), length),
        "groups": {},
    }
    for g, name in enumerate(scenario.group_names):
        here = t.route == g
        piece_here = here[piece_visit] if len(pieces) else np.zeros(0, dtype=bool)
        busy = covered(np.concatenate([resumed[here], pieces[piece_here, 2]]),
                       np.concatenate([ended[here], pieces[piece_here, 3]]), edges)
        present = covered(queued[here], ended[here], edges)
        on_duty = np.zeros(len(edges) - 1)
        for count, calendar in scenario.shifts_of(name):
            on_duty += count * (np.diff(edges) if calendar.is_always else np.diff(calendar.on_time(edges)))
        busy_h, present_h, duty_h = _by_hour(busy, hours), _by_hour(present, hours), _by_hour(on_duty, hours)
        profile["groups"][name] = {
            "engineers_on_duty": _ratio(duty_h, length),
            "utilization": _ratio(busy_h, duty_h),
            "queue_length": _ratio(present_h - busy_h, length),
            "tickets_present": _ratio(present_h, length),
        }
    width = max(1.0, math.ceil(scenario.horizon / MAX_TIME_BINS))
    time_edges = np.append(np.arange(0.0, scenario.horizon, width), scenario.horizon)
    profile["backlog_over_time"] = covered(t.arrived, record.left, time_edges) / np.diff(time_edges)
    profile["bin_hours"] = width
    return profile


def _mean(arrays: list[np.ndarray]) -> list:
    stacked = np.vstack(arrays)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an hour nobody is ever on duty has no utilization
        mean = np.nanmean(stacked, axis=0)
    return [None if not math.isfinite(v) else round(float(v), 6) for v in mean]


def combine_profiles(records: list[ReplicationRecord]) -> dict:
    """Mean over replications of each profile, JSON-ready (null where undefined, e.g. nobody on duty)."""
    profiles = [replication_profile(r) for r in records]
    first = profiles[0]
    return {
        "arrivals_per_hour": _mean([p["arrivals_per_hour"] for p in profiles]),
        "backlog": _mean([p["backlog"] for p in profiles]),
        "groups": {
            name: {key: _mean([p["groups"][name][key] for p in profiles]) for key in first["groups"][name]}
            for name in first["groups"]
        },
        "backlog_over_time": {"from": 0.0, "bin_hours": first["bin_hours"],
                              "values": _mean([p["backlog_over_time"] for p in profiles])},
    }


def hour_of_week_labels() -> list[str]:
    return [f"{day} {hour:02d}" for day in DAY_LABELS for hour in range(24)]
