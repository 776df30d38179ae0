"""Replaying real ticket history instead of drawing arrivals from a rate.

A trace is a CSV file with a header row. Columns:

* ``arrived`` (required): ISO date and time, e.g. ``2027-01-08T17:30`` (read against the scenario's ``start``);
* ``segment``: a segment name (required when the scenario has more than one segment);
* ``priority``: a priority name (required when the scenario declares priorities);
* ``path`` (optional): the groups the ticket went through, e.g. ``L1>L2``; empty or absent: drawn;
* ``work_<group>`` (optional): work hours of the ticket's visits to that group (a number of hours, or a
  duration such as ``45m``); empty: drawn from the group's distribution;
* ``type`` (optional): the ticket type (one of the scenario's ``types``); empty or absent: drawn.

Other columns (ids, subjects) are ignored. Tickets arriving at or after the horizon are left out, as arrivals
stop there. Every replication replays the same arrivals; what is not in the trace is drawn per replication.
"""

from __future__ import annotations

import csv
import functools
import os
import stat as stat_module
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .scenario import Scenario
from .units import parse_duration

MAX_REPORTED = 10
"""Problems reported per trace file before the rest are summed up in one line."""
MAX_TRACE_BYTES = 512 * 2**20
"""A trace is read whole into memory: at most 512 MiB (some 10 million tickets)."""


@dataclass(frozen=True)
class Trace:
    arrived: np.ndarray            # [tickets] hours since start, sorted
    segment: np.ndarray            # [tickets] segment index
    priority: np.ndarray           # [tickets] priority index
    route: np.ndarray              # [tickets, k] group index per visit, -1 after the path ends or none given
    has_route: np.ndarray          # [tickets] bool: the path was given
    work: dict[int, np.ndarray]    # group index -> [tickets] work hours of each visit there, NaN: drawn
    type: np.ndarray | None = None  # [tickets] ticket type index, -1: drawn; None without a type column


class TraceError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def load_trace(scenario: Scenario) -> Trace:
    """The scenario's trace, read once per file version. Raises :class:`TraceError` on bad content."""
    if scenario.arrivals.trace is None:
        raise ValueError("the scenario replays no trace")
    path = Path(scenario.arrivals.trace)
    try:
        stat = path.stat()
    except OSError as exc:
        raise TraceError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    if not stat_module.S_ISREG(stat.st_mode):  # a pipe would block and a device never end
        raise TraceError([f"{path}: is not a regular file (a pipe, device or socket or folder); "
                          "save the trace to a file"])
    if stat.st_size > MAX_TRACE_BYTES:
        raise TraceError([f"{path}: is {stat.st_size / 2**20:.0f} MiB; "
                          f"a trace is at most {MAX_TRACE_BYTES // 2**20} MiB"])
    return _read(str(path), stat.st_mtime_ns, stat.st_size, scenario.origin, scenario.horizon,
                 tuple(scenario.segment_names), tuple(scenario.priority_names), tuple(scenario.group_names),
                 tuple(scenario.type_names))


def mean_rate(scenario: Scenario) -> float | None:
    """Tickets per hour over the horizon, the trace's plus the bursts' (None without a trace)."""
    if scenario.arrivals.trace is None:
        return None
    return len(load_trace(scenario).arrived) / scenario.horizon + scenario.mean_arrival_rate


def trace_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """(key path, message) for a trace that cannot be read; empty when all is well or there is no trace."""
    if scenario.arrivals.trace is None:
        return []
    try:
        load_trace(scenario)
    except TraceError as exc:
        return [("arrivals.trace", problem) for problem in exc.problems]
    return []


def _parse_time(text: str, start: datetime) -> float:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"cannot read time {text!r}; write an ISO time such as 2027-01-08T17:30") from None
    if moment.tzinfo is not None and start.tzinfo is None:
        raise ValueError(f"time {text!r} has a time zone but start has none; give start with one too "
                         "(e.g. 2027-01-04T00:00+01:00) or leave both without")
    if moment.tzinfo is None and start.tzinfo is not None:
        moment = moment.replace(tzinfo=start.tzinfo)
    if start.tzinfo is not None:  # elapsed hours, across daylight-saving changes (same-zone subtraction is wall time)
        moment, start = moment.astimezone(UTC), start.astimezone(UTC)
    hours = (moment - start) / timedelta(hours=1)
    if hours < 0:
        raise ValueError(f"time {text!r} is before start ({start.isoformat()})")
    return hours


def _parse_work(text: str) -> float:
    text = text.strip()
    if not text:
        return np.nan
    try:
        hours = float(text)
    except ValueError:
        hours = parse_duration(text)
    if not np.isfinite(hours) or hours < 0:
        raise ValueError(f"work {text!r} must be a number of hours >= 0")
    return hours


@functools.lru_cache(maxsize=8)
def _read(path: str, _mtime: int, _size: int, start: datetime, horizon: float, segments: tuple[str, ...],
          priorities: tuple[str, ...], groups: tuple[str, ...], types: tuple[str, ...] = ()) -> Trace:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TraceError([f"{path}: cannot read: {exc}"]) from None
    name = os.path.basename(path)
    if not rows:
        raise TraceError([f"{name}: the file is empty; the first line names the columns (arrived, segment, ...)"])
    header = [h.strip() for h in rows[0]]
    problems: list[str] = []
    column = {h: i for i, h in enumerate(header)}
    needed = ["arrived"] + (["segment"] if len(segments) > 1 else []) + (["priority"] if priorities else [])
    for key in needed:
        if key not in column:
            problems.append(f"{name}:1: no {key!r} column (columns: {', '.join(header)})")
    work_columns: dict[int, int] = {}  # group index -> column
    for h, i in column.items():
        if h.startswith("work_"):
            if h[5:] in groups:
                work_columns[groups.index(h[5:])] = i
            else:
                problems.append(f"{name}:1: column {h!r} names no group; groups are {', '.join(groups)}")
    if problems:
        raise TraceError(problems)

    def cell(row: list[str], key: str) -> str:
        i = column.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    arrived, segment, priority, paths, given, kinds = [], [], [], [], [], []
    work: dict[int, list[float]] = {g: [] for g in work_columns}
    errors = 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        try:
            hours = _parse_time(cell(row, "arrived"), start)
            seg = cell(row, "segment") or (segments[0] if len(segments) == 1 else "")
            if seg not in segments:
                raise ValueError(f"unknown segment {seg!r}; segments are {', '.join(segments)}")
            pri = cell(row, "priority")
            if priorities and pri not in priorities:
                raise ValueError(f"unknown priority {pri!r}; priorities are {', '.join(priorities)}")
            if not priorities and pri:
                raise ValueError(f"priority {pri!r}, but the scenario declares no priorities")
            path_text = cell(row, "path")
            route = [g.strip() for g in path_text.split(">")] if path_text else []
            for g in route:
                if g not in groups:
                    raise ValueError(f"path {path_text!r}: unknown group {g!r}; groups are {', '.join(groups)}")
            visit_work = {k: _parse_work(row[i] if i < len(row) else "") for k, i in work_columns.items()}
            kind = cell(row, "type")
            if kind and kind not in types:
                raise ValueError(f"unknown ticket type {kind!r}; " + (f"types are {', '.join(types)}" if types else
                                                                      "the scenario declares no types"))
        except ValueError as exc:
            errors += 1
            if errors <= MAX_REPORTED:
                problems.append(f"{name}:{line}: {exc}")
            continue
        if hours >= horizon:
            continue
        arrived.append(hours)
        segment.append(segments.index(seg))
        priority.append(priorities.index(pri) if priorities else 0)
        paths.append([groups.index(g) for g in route])
        given.append(bool(route))
        kinds.append(types.index(kind) if kind else -1)
        for k, value in visit_work.items():
            work[k].append(value)
    if errors > MAX_REPORTED:
        problems.append(f"{name}: and {errors - MAX_REPORTED} more bad rows")
    if not problems and not arrived:
        problems.append(f"{name}: no ticket arrives before the horizon ({len(rows) - 1} rows): "
                        "there is nothing to replay")
    if problems:
        raise TraceError(problems)
    order = np.argsort(np.array(arrived, dtype=float), kind="stable")
    width = max([len(p) for p in paths] + [1])
    route_table = np.full((len(paths), width), -1, dtype=np.int64)
    for i, p in enumerate(paths):
        route_table[i, :len(p)] = p
    return Trace(
        arrived=np.array(arrived, dtype=float)[order],
        segment=np.array(segment, dtype=np.int64)[order],
        priority=np.array(priority, dtype=np.int64)[order],
        route=route_table[order],
        has_route=np.array(given, dtype=bool)[order],
        work={g: np.array(values, dtype=float)[order] for g, values in work.items()},
        type=np.array(kinds, dtype=np.int64)[order] if "type" in column else None,
    )
