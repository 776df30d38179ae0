"""Working time: when engineers are on duty and when an SLA clock runs.

A calendar is a repeating week of on-duty intervals, minus holidays. Inside, every time is a float number of
hours of simulated time, 0 being the scenario's ``start``; a calendar knows the hour of its own week at time 0
(its ``phase``: the start's weekday and time of day, plus the calendar's offset from the scenario's clock),
so "Monday 09:00" is the same instant for every calendar of one scenario unless an offset says otherwise.

Three things are asked of a calendar, all exact and without stepping through time:

* ``business_hours(a, b)``: on-duty hours between two times, vectorized for SLA clocks over many tickets:
  whole weeks times the hours of a week, plus a cumulative table within the week (piecewise linear, so
  ``np.interp`` is exact), minus what holidays take away;
* ``shifts(after)``: the successive on-duty intervals, for the engine's shift-change events (a night shift
  across midnight, or a shift across Sunday midnight, is one interval);
* ``on_duty(t)``.

Nothing here knows SimPy or the scenario model: calendars are built from plain values (day names, hour
ranges, dates) by :func:`build_calendar`, and the parsers raise ``ValueError`` with messages that the scenario
validation shows next to the key that holds the bad value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from numpy.typing import ArrayLike

from .units import WEEK as WEEK  # re-exported: calendars and week profiles count in it

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG_NAMES = {name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                                 "saturday", "sunday"))}
ALWAYS_NAMES = ("always", "24x7")
"""Calendar names that are built in and mean: on duty around the clock, no holidays."""
DEFAULT_START = datetime(2024, 1, 1)  # a Monday, 00:00
_EPS = 1e-9


# ---- reading calendars as people write them ------------------------------------------------------------

def day_index(name: object) -> int:
    text = str(name).strip().lower()
    if text in DAY_NAMES:
        return DAY_NAMES.index(text)
    if text in _LONG_NAMES:
        return _LONG_NAMES[text]
    raise ValueError(f"unknown day {name!r}; use mon, tue, wed, thu, fri, sat, sun")


def parse_days(value: object) -> tuple[int, ...]:
    """Weekdays (0 = Monday) from 'mon-fri', 'sat,sun', 'daily', 'fri-mon' (wraps) or a list of names."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("daily", "every day", "all"):
            return tuple(range(7))
        parts = [p for p in re.split(r"[,\s]+", text) if p]
    elif isinstance(value, (list, tuple)):
        parts = [str(p) for p in value]
    else:
        raise ValueError(f"expected days such as 'mon-fri' or [sat, sun], got {value!r}")
    if not parts:
        raise ValueError("names no day; use e.g. 'mon-fri' or [sat, sun]")
    days: list[int] = []
    for part in parts:
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = day_index(first), day_index(last)
            span = [(a + k) % 7 for k in range((b - a) % 7 + 1)]
        else:
            span = [day_index(part)]
        days += [d for d in span if d not in days]
    return tuple(sorted(days))


def parse_clock(text: str, *, end: bool = False) -> float:
    """'09:00', '9:30' or '09' as hours after midnight; '24:00' only as the end of a range."""
    match = re.fullmatch(r"\s*([0-9]{1,2})(?::([0-9]{2}))?\s*", text)
    if not match:
        raise ValueError(f"cannot read time of day {text!r}; write HH:MM, e.g. '09:00'")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    value = hours + minutes / 60
    if minutes >= 60 or value > 24 or (value == 24 and not end):
        raise ValueError(f"time of day {text!r} is out of range 00:00-24:00")
    return value


def parse_hours(value: object) -> tuple[tuple[float, float], ...]:
    """Hour ranges of one day: '09:00-18:00' or a list of them. An end at or before the start means the
    range crosses midnight ('22:00-06:00' runs into the next day)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(f"expected hours such as '09:00-18:00' or a list of them, got {value!r}")
    ranges = []
    for item in items:
        if not isinstance(item, str) or item.count("-") != 1:
            raise ValueError(f"cannot read hours {item!r}; write 'HH:MM-HH:MM', e.g. '09:00-18:00'")
        first, last = item.split("-")
        start, stop = parse_clock(first), parse_clock(last, end=True)
        if stop == start:
            raise ValueError(f"hours {item!r} are empty; for a whole day write '00:00-24:00'")
        ranges.append((start, stop if stop > start else stop + 24.0))
    return tuple(ranges)


def parse_week_table(table: Mapping[str, str]) -> tuple[tuple[float, float], ...]:
    """An hour-of-week table: per day a string of 24 characters, '1' or '#' on duty, '0' or '.' off."""
    intervals = []
    seen = set()
    for name, row in table.items():
        day = day_index(name)
        if day in seen:
            raise ValueError(f"day {name!r} is given twice")
        seen.add(day)
        text = str(row).replace(" ", "")
        if len(text) != 24 or set(text) - set("10#."):
            raise ValueError(f"{name}: give 24 characters, one per hour, '1' or '#' on duty and '0' or '.' off, "
                             f"got {row!r}")
        for hour, mark in enumerate(text):
            if mark in "1#":
                intervals.append((day * 24.0 + hour, day * 24.0 + hour + 1))
    return tuple(intervals)


def parse_offset(value: object) -> float:
    """A clock offset such as '+7h', '-5h30m' or '+05:30' (hours the calendar's clock is ahead)."""
    if value is None:
        return 0.0
    text = str(value).strip().lower()
    match = re.fullmatch(r"([+-]?)\s*([0-9]{1,2}):([0-9]{2})", text)
    if match:
        sign = -1.0 if match.group(1) == "-" else 1.0
        return sign * (int(match.group(2)) + int(match.group(3)) / 60)
    match = re.fullmatch(r"([+-]?)\s*(?:([0-9.]+)h)?\s*(?:([0-9.]+)m)?", text)
    if match and (match.group(2) or match.group(3)):
        sign = -1.0 if match.group(1) == "-" else 1.0
        try:
            hours = float(match.group(2) or 0) + float(match.group(3) or 0) / 60
        except ValueError:
            pass
        else:
            if hours <= WEEK:
                return sign * hours
    raise ValueError(f"cannot read offset {value!r}; write e.g. '+7h', '-5h30m' or '+05:30'")


def hours_since(start: datetime, moment: datetime | date) -> float:
    """Hours from start to a moment; a date is its midnight, and wall-clock times are on start's clock."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, datetime.min.time())
    if moment.tzinfo is None and start.tzinfo is not None:
        moment = moment.replace(tzinfo=start.tzinfo)
    return (moment - start) / timedelta(hours=1)


def week_hour(moment: datetime) -> float:
    """Hours since the Monday 00:00 of the moment's week."""
    return moment.weekday() * 24.0 + moment.hour + moment.minute / 60 + moment.second / 3600


# ---- the calendar ----------------------------------------------------------------------------------------

def _merge(intervals: Iterable[tuple[float, float]]) -> np.ndarray:
    ordered = sorted((float(a), float(b)) for a, b in intervals if b > a)
    merged: list[list[float]] = []
    for a, b in ordered:
        if merged and a <= merged[-1][1] + _EPS:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return np.array(merged, dtype=float).reshape(-1, 2)


def _fold_into_week(intervals: Iterable[tuple[float, float]]) -> np.ndarray:
    """Intervals in hours from Monday 00:00, possibly past Sunday midnight, folded into [0, 168)."""
    pieces = []
    for a, b in intervals:
        a, b = float(a) % WEEK, float(a) % WEEK + (float(b) - float(a))
        if b - a >= WEEK:
            return np.array([[0.0, WEEK]])
        if b <= WEEK:
            pieces.append((a, b))
        else:
            pieces += [(a, WEEK), (0.0, b - WEEK)]
    return _merge(pieces)


@dataclass(frozen=True, eq=False)
class Calendar:
    """On-duty time: a repeating week of intervals, minus holidays.

    ``week``: merged on-duty intervals in hours of the calendar's week (0 = Monday 00:00 on its clock);
    ``phase``: the calendar's week hour at simulated time 0; ``holidays``: merged off-duty intervals in
    simulated time. ``phase_changes``: rows (time, phase) from which on the calendar's clock is that far ahead
    (a time zone's daylight-saving changes, see :mod:`supportsim.zones`); none for a fixed offset.
    ``day_shifts``: the shifts of the week as written, (weekday, start, end) in hours of that day (an end past
    24 runs into the next day), which say what a working day is (:mod:`supportsim.workdays`); by default the
    week's intervals cut at midnight.
    """

    week: np.ndarray
    phase: float = 0.0
    holidays: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    name: str = ""
    phase_changes: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    day_shifts: tuple[tuple[int, float, float], ...] = ()
    monday: date | None = None   # the date of week hour 0 (u = 0 on the calendar's clock), when built from dates
    _xs: np.ndarray = field(init=False, repr=False, compare=False)  # week breakpoints (set below)
    _ys: np.ndarray = field(init=False, repr=False, compare=False)  # on-duty hours up to each breakpoint
    _starts: np.ndarray = field(init=False, repr=False, compare=False)  # where each phase segment starts
    _phases: np.ndarray = field(init=False, repr=False, compare=False)  # its phase
    _base: np.ndarray = field(init=False, repr=False, compare=False)    # on-duty hours before it

    def __post_init__(self) -> None:
        week = _fold_into_week(map(tuple, np.asarray(self.week, dtype=float).reshape(-1, 2)))
        holidays = _merge(map(tuple, np.asarray(self.holidays, dtype=float).reshape(-1, 2)))
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "holidays", holidays)
        changes = np.asarray(self.phase_changes, dtype=float).reshape(-1, 2)
        changes = changes[np.argsort(changes[:, 0], kind="stable")]
        object.__setattr__(self, "phase_changes", changes)
        if not self.day_shifts:
            object.__setattr__(self, "day_shifts", _cut_at_midnight(week))
        # cumulative on-duty hours at each breakpoint of the week: exact under linear interpolation
        xs = np.concatenate([[0.0], week.ravel(), [WEEK]])
        gains = np.zeros(len(xs))
        gains[2:-1:2] = week[:, 1] - week[:, 0]
        object.__setattr__(self, "_xs", xs)
        object.__setattr__(self, "_ys", np.cumsum(gains))
        # piecewise phase: segment k starts at _starts[k] with phase _phases[k] and on-duty hours _base[k] before it
        starts = np.concatenate([[0.0], changes[:, 0]])
        phases = np.concatenate([[float(self.phase)], changes[:, 1]])
        base = np.zeros(len(starts))
        for k in range(1, len(starts)):
            base[k] = base[k - 1] + float(self._week_cumulative(starts[k] + phases[k - 1])
                                          - self._week_cumulative(starts[k - 1] + phases[k - 1]))
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_phases", phases)
        object.__setattr__(self, "_base", base)

    @property
    def hours_per_week(self) -> float:
        return float((self.week[:, 1] - self.week[:, 0]).sum())

    @property
    def covers_week(self) -> bool:
        return self.hours_per_week >= WEEK - _EPS

    @property
    def is_always(self) -> bool:
        """On duty around the clock: no shift ever starts or ends."""
        return self.covers_week and len(self.holidays) == 0

    def _week_cumulative(self, u: ArrayLike) -> np.ndarray:
        """On-duty hours from the calendar-week origin to calendar-week time ``u`` (any number of weeks)."""
        u = np.asarray(u, dtype=float)
        weeks = np.floor(u / WEEK)
        return weeks * self.hours_per_week + np.interp(u - weeks * WEEK, self._xs, self._ys)

    def phase_at(self, t: ArrayLike) -> np.ndarray | float:
        """The calendar's clock minus simulated time at ``t``: its week hour is (t + phase_at(t)) mod 168."""
        if not len(self.phase_changes):
            return np.full(np.shape(t), self.phase) if np.ndim(t) else self.phase
        k = np.searchsorted(self._starts, np.asarray(t, dtype=float), side="right") - 1
        return self._phases[np.maximum(k, 0)]

    def _weekly(self, t: ArrayLike) -> np.ndarray:
        """Hours of the repeating week (holidays aside) in [0, t) of simulated time."""
        t = np.asarray(t, dtype=float)
        if not len(self.phase_changes):
            return self._week_cumulative(t + self.phase) - self._week_cumulative(self.phase)
        k = np.maximum(np.searchsorted(self._starts, t, side="right") - 1, 0)
        k = np.where(np.isnan(t), 0, k)
        p = self._phases[k]
        return self._base[k] + self._week_cumulative(t + p) - self._week_cumulative(self._starts[k] + p)

    def on_time(self, t: ArrayLike) -> np.ndarray:
        """On-duty hours in [0, t) of simulated time (negative for t < 0); NaN stays NaN."""
        t = np.asarray(t, dtype=float)
        total = self._weekly(t)
        for h0, h1 in self.holidays:
            total = total - (self._weekly(np.clip(t, h0, h1)) - self._weekly(h0))
        return total

    def business_hours(self, a: ArrayLike, b: ArrayLike) -> np.ndarray:
        """On-duty hours between times ``a`` and ``b`` (arrays broadcast; NaN where either is NaN)."""
        return self.on_time(b) - self.on_time(a)

    def on_duty(self, t: float) -> bool:
        if any(h0 <= t < h1 for h0, h1 in self.holidays):
            return False
        w = (t + float(self.phase_at(t))) % WEEK
        return bool(np.any((self.week[:, 0] <= w) & (w < self.week[:, 1])))

    def shifts(self, after: float = 0.0) -> Iterator[tuple[float, float]]:
        """The on-duty intervals (on, off) that end after ``after``, in order, endlessly (an interval that
        never ends has off = inf). Touching intervals are one: a night shift is not cut at midnight."""
        if self.hours_per_week <= 0:
            return
        base = iter([(-math.inf, math.inf)]) if self.covers_week else self._week_intervals(after)
        for on, off in base:
            for piece in self._minus_holidays(on, off):
                if piece[1] > after:
                    yield piece

    def intervals(self, a: float, b: float) -> list[tuple[float, float]]:
        """On-duty intervals within [a, b)."""
        out = []
        for on, off in self.shifts(a):
            if on >= b:
                break
            out.append((max(on, a), min(off, b)))
        return out

    def next_change(self, t: float) -> float:
        """The first time after ``t`` at which a shift starts or ends (inf if none ever does)."""
        for on, off in self.shifts(t):
            return on if on > t else off
        return math.inf

    def _week_intervals(self, after: float) -> Iterator[tuple[float, float]]:
        if not len(self.phase_changes):
            yield from _fixed_phase_intervals(self.week, self.phase, after)
            return
        yield from _joined(self._zoned_pieces(after))

    def _zoned_pieces(self, after: float) -> Iterator[tuple[float, float]]:
        """The week's intervals under one fixed phase between changes, cut at each change."""
        k = max(int(np.searchsorted(self._starts, after, side="right")) - 1, 0)
        while True:
            low = self._starts[k] if k > 0 else -math.inf
            high = self._starts[k + 1] if k + 1 < len(self._starts) else math.inf
            for on, off in _week_pieces(self.week, float(self._phases[k]), max(after, low)):
                if on >= high:
                    break
                on, off = max(on, low), min(off, high)
                if off > on:
                    yield on, off
            k += 1

    def _minus_holidays(self, on: float, off: float) -> list[tuple[float, float]]:
        pieces = [(on, off)]
        for h0, h1 in self.holidays.tolist():
            if h0 >= off:
                break
            last_on, last_off = pieces[-1]
            if h1 <= last_on or h0 >= last_off:
                continue
            pieces.pop()
            if h0 > last_on:
                pieces.append((last_on, h0))
            if h1 < last_off:
                pieces.append((h1, last_off))
            if not pieces:
                break
        return [p for p in pieces if p[1] - p[0] > _EPS]

    def hour_of_week_share(self) -> np.ndarray:
        """[168] share of each hour of the calendar's week that is on duty (holidays aside)."""
        edges = np.arange(169, dtype=float)
        cumulative = np.interp(edges, self._xs, self._ys)
        return np.diff(cumulative)


def _week_pieces(week: np.ndarray, phase: float, after: float) -> Iterator[tuple[float, float]]:
    """The week's intervals in simulated time, week after week, from a week before ``after``."""
    k = math.floor((after + phase) / WEEK) - 1  # a week early: a shift may reach across into `after`
    while True:
        for s, e in week.tolist():
            yield k * WEEK + s - phase, k * WEEK + e - phase
        k += 1


def _joined(pieces: Iterable[tuple[float, float]]) -> Iterator[tuple[float, float]]:
    """Ordered intervals with touching ones joined (a night shift is not cut at Sunday midnight)."""
    pending = None
    for on, off in pieces:
        if pending is not None and on <= pending[1] + _EPS:
            pending = (pending[0], off)
            continue
        if pending is not None:
            yield pending
        pending = (on, off)
    if pending is not None:
        yield pending


def _fixed_phase_intervals(week: np.ndarray, phase: float, after: float) -> Iterator[tuple[float, float]]:
    return _joined(_week_pieces(week, phase, after))


def _cut_at_midnight(week: np.ndarray) -> tuple[tuple[int, float, float], ...]:
    """The week's intervals as shifts of single days (each day's part of an interval is that day's shift)."""
    out = []
    for a, b in week.tolist():
        day = int(a // 24)
        while a < b - _EPS:
            end = min(b, (day + 1) * 24.0)
            out.append((day % 7, a - day * 24.0, end - day * 24.0))
            a, day = end, day + 1
    return tuple(out)


ALWAYS = Calendar(week=np.array([[0.0, WEEK]]), name="always")


def week_of(days: object = None, hours: object = None, week: Mapping[str, str] | None = None
            ) -> tuple[np.ndarray, tuple[tuple[int, float, float], ...]]:
    """The on-duty intervals of the week (hours from Monday 00:00) and its shifts by day, from days and hours
    or an hour-of-week table."""
    if week is not None:
        return np.array(parse_week_table(week), dtype=float).reshape(-1, 2), ()
    day_list = parse_days(days) if days is not None else tuple(range(7))
    ranges = parse_hours(hours) if hours is not None else ((0.0, 24.0),)
    intervals = [(d * 24.0 + a, d * 24.0 + b) for d in day_list for a, b in ranges]
    return np.array(intervals, dtype=float).reshape(-1, 2), tuple((d, a, b) for d in day_list for a, b in ranges)


def build_calendar(*, start: datetime, days: object = None, hours: object = None,
                   week: Mapping[str, str] | None = None, holidays: Sequence[date] = (),
                   offset: object = None, name: str = "") -> Calendar:
    """A calendar from the values of a scenario file (see docs/working-time.md); one on a time zone's clock is
    built by :func:`supportsim.zones.zoned_calendar`."""
    shift = parse_offset(offset)
    week_array, shifts = week_of(days, hours, week)
    off = [(hours_since(start, day) - shift, hours_since(start, day) - shift + 24.0) for day in holidays]
    return Calendar(week=week_array, phase=week_hour(start) + shift,
                    monday=start.date() - timedelta(days=start.weekday()),
                    holidays=np.array(off, dtype=float).reshape(-1, 2), name=name, day_shifts=shifts)


# ---- hour-of-week intensity (arrival profiles) -------------------------------------------------------------

def parse_hour_ranges(text: str) -> list[int]:
    """Whole hours of a day named by '09-12', '18-24' or '22-06' (wraps past midnight)."""
    if not isinstance(text, str) or text.count("-") != 1:
        raise ValueError(f"cannot read hours {text!r}; write 'HH-HH', e.g. '09-12'")
    first, last = text.split("-")
    a, b = parse_clock(first), parse_clock(last, end=True)
    if a != int(a) or b != int(b):
        raise ValueError(f"hours {text!r}: profile ranges are whole hours, e.g. '09-12'")
    if a == b:
        raise ValueError(f"hours {text!r} are empty")
    a, b = int(a), int(b)
    return list(range(a, b)) if b > a else list(range(a, 24)) + list(range(0, b))


def profile_table(weekdays: Mapping[str, float] | None, hours: Mapping[str, float] | None) -> np.ndarray:
    """[168] relative arrival intensity per hour of week (0 = Monday 00-01), scaled to mean 1. A day or hour
    not named has intensity 1."""
    day_factor = np.ones(7)
    for name, value in (weekdays or {}).items():
        day_factor[day_index(name)] = value
    hour_factor = np.ones(24)
    for text, value in (hours or {}).items():
        hour_factor[parse_hour_ranges(text)] = value
    table = np.outer(day_factor, hour_factor).ravel()
    mean = table.mean()
    return table / mean if mean > 0 else table
