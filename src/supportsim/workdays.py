"""Working days on a calendar: the ``bd`` unit of SLA targets, and rates per working day.

A **working day** is a date (on the calendar's own clock) on which a shift of the calendar starts and which a
holiday leaves some working time; its working time is those shifts, even where one runs past midnight (a
night shift 22:00-06:00 belongs to the day it starts). So a calendar of night shifts from Sunday to Thursday
has five working days a week, as one of office hours from Monday to Friday does.

**N working days after a moment** (the due time of an ``Nbd`` target), in three steps:

1. the moment moves to the next on-duty moment of the calendar (itself, if on duty), on working day D;
2. take the same time of day, measured from D's midnight (so past 24:00 for the small hours of a night shift),
   on the N-th working day after D;
3. if that time is off duty (before that day's first shift, in a break between split shifts, after its
   last shift) or the very start of a shift, the due time is the last on-duty moment before it: the close
   of the shift before, which is the same point of working time.

On office hours (Monday to Friday, 09:00-18:00) a ticket arriving on a Tuesday at 14:00 is due 5 working days
later on the next Tuesday at 14:00 (a holiday in between makes it the Wednesday); one arriving on a Saturday
moves to Monday 09:00 and is due at the close of the fifth working day, Friday 18:00. On a calendar whose days
all have the same working time, N working days are thus exactly N times a working day's hours on the
calendar's clock. A target is met when the on-duty time from arrival to the event is at most the on-duty time
from arrival to the due time (see :mod:`supportsim.service_targets`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .calendar import Calendar

_EPS = 1e-9


def working_days_per_week(calendar: Calendar) -> list[int]:
    """Weekdays (0 = Monday) on which a shift of the calendar starts."""
    return sorted({int(day) % 7 for day, start, end in calendar.day_shifts if end > start})


def _days(calendar: Calendar, first: int, last: int) -> tuple[list[int], list[float], list[list[tuple[float, float]]]]:
    """Working days among the days numbered first..last on the calendar's clock (day k starts k x 24 hours
    after the Monday 00:00 of its week origin): per working day its number, its midnight in simulated time and
    its on-duty intervals (simulated time, holidays taken out)."""
    numbers: list[int] = []
    midnights: list[float] = []
    pieces: list[list[tuple[float, float]]] = []
    for number in range(first, last + 1):
        weekday = number % 7
        shifts = [(s, e) for d, s, e in calendar.day_shifts if int(d) % 7 == weekday and e > s]
        if not shifts:
            continue
        midnight = _to_simulated(calendar, number * 24.0)
        mine: list[tuple[float, float]] = []
        for s, e in sorted(shifts):
            on, off = _to_simulated(calendar, number * 24.0 + s), _to_simulated(calendar, number * 24.0 + e)
            mine += [p for p in _minus(calendar, on, off) if p[1] - p[0] > _EPS]
        if mine:
            numbers.append(number)
            midnights.append(midnight)
            pieces.append(mine)
    return numbers, midnights, pieces


def _to_simulated(calendar: Calendar, u: float) -> float:
    """Simulated time at which the calendar's clock reads u hours after its week origin (the first such time
    where a daylight-saving change repeats an hour; the change itself where it skips one)."""
    t = u - calendar.phase
    changes = calendar.phase_changes
    for at, phase in changes.tolist():
        if t < at:
            break
        if u - phase >= at:
            t = u - phase
        else:
            t = max(t, at) if u - phase < at <= t else t
            break
    return t


def _minus(calendar: Calendar, on: float, off: float) -> list[tuple[float, float]]:
    pieces = [(on, off)]
    for h0, h1 in calendar.holidays.tolist():
        out = []
        for a, b in pieces:
            if h1 <= a or h0 >= b:
                out.append((a, b))
                continue
            if h0 > a:
                out.append((a, h0))
            if h1 < b:
                out.append((h1, b))
        pieces = out
    return pieces


def _local(calendar: Calendar, t: np.ndarray) -> np.ndarray:
    return t + calendar.phase_at(t)


def add_working_days(calendar: Calendar, t: ArrayLike, n: int) -> np.ndarray:
    """The due time of ``n`` working days after each time in ``t`` (see the module docstring)."""
    t = np.asarray(t, dtype=float)
    out = np.full(t.shape, np.nan)
    if t.size == 0:
        return out
    if not working_days_per_week(calendar):
        return np.full(t.shape, math.inf)
    finite = np.isfinite(t)
    if not finite.any():
        return out
    local = _local(calendar, t[finite])
    first = math.floor(local.min() / 24.0) - 2
    per_week = len(working_days_per_week(calendar))
    last = math.floor(local.max() / 24.0) + 7 * (n // per_week + 2) + 7
    while True:
        numbers, midnights, pieces = _days(calendar, first, last)
        if len(numbers) >= n + 2:
            starts = np.array([p[0] for day in pieces for p in day])
            ends = np.array([p[1] for day in pieces for p in day])
            owner = np.array([k for k, day in enumerate(pieces) for _ in day])
            which = np.searchsorted(ends, t[finite], side="right")  # first interval ending after t
            if which.max() < len(ends):
                day = owner[which]
                if (day + n).max() < len(numbers):
                    break
        last += 7 * (n // per_week + 4) + 28
        if last - first > 366 * 200:
            raise ValueError(f"calendar {calendar.name!r}: no {n} working days within 200 years")
    moved = np.maximum(t[finite], starts[which])
    midnight = np.array(midnights)
    offset = moved - midnight[day] if not len(calendar.phase_changes) else (
        _local(calendar, moved) - np.array(numbers)[day] * 24.0)
    target = day + n
    if len(calendar.phase_changes):
        wanted = np.array([_to_simulated(calendar, numbers[k] * 24.0 + o) for k, o in zip(target, offset)])
    else:
        wanted = midnight[target] + offset
    day_end = np.array([day_pieces[-1][1] for day_pieces in pieces])
    wanted = np.minimum(wanted, day_end[target])
    before = np.searchsorted(starts, wanted, side="left") - 1  # the last interval that starts before it
    due = np.minimum(wanted, ends[np.maximum(before, 0)])
    out[finite] = due
    return out


def allowance(calendar: Calendar, t: ArrayLike, n: int) -> np.ndarray:
    """On-duty hours on the calendar from each time in ``t`` to its due time ``n`` working days later."""
    t = np.asarray(t, dtype=float)
    return calendar.business_hours(t, add_working_days(calendar, t, n))
