"""Time zones: calendars on an IANA zone's clock (``tz: Europe/Moscow``), daylight saving included.

Simulated time is hours elapsed since ``start``. A calendar with a fixed ``offset`` (or none) reads its week on
the scenario's clock shifted by that offset, the same all year. A calendar that names a zone reads its days,
hours and holidays on that zone's wall clock, whose offset from UTC changes at the zone's daylight-saving
transitions: between two transitions it is a fixed-offset calendar, and :class:`supportsim.calendar.Calendar`
takes the transitions as ``phase_changes``. Zones come from the standard library's :mod:`zoneinfo`, which reads
the system's time-zone database, or the ``tzdata`` package (a dependency) where the system has none: Windows,
Alpine and distroless containers ship no database, and a zone that silently fails to load is no option.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .calendar import Calendar, week_of

SCAN_YEARS = 40
"""Transitions are looked up this far after start; later the last offset stays (runs end long before)."""
_HOUR = timedelta(hours=1)


def zone(name: str) -> ZoneInfo:
    """The zone named, or ValueError saying how to write one."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; write an IANA name such as 'Europe/Moscow' or "
                         "'America/New_York' (or a fixed offset with offset: '+3h')") from None


def absolute(start: datetime, tz: str | None) -> datetime:
    """``start`` as an aware UTC time: its own offset, else read in zone ``tz``; ValueError if it has neither."""
    if start.tzinfo is None:
        if tz is None:
            raise ValueError("has no time zone")
        start = start.replace(tzinfo=zone(tz))
    return start.astimezone(UTC)


def _offset_hours(zone_name: str, moment: datetime) -> float:
    offset = moment.astimezone(zone(zone_name)).utcoffset()
    return offset / _HOUR if offset is not None else 0.0


@functools.lru_cache(maxsize=64)
def offsets(zone_name: str, start_utc: datetime) -> tuple[tuple[float, float], ...]:
    """(simulated time, offset from UTC in hours) at start and at every transition in the next SCAN_YEARS years:
    found day by day, then to the second by bisection."""
    out = [(0.0, _offset_hours(zone_name, start_utc))]
    step = timedelta(days=1)
    moment = start_utc
    for _ in range(int(SCAN_YEARS * 366)):
        following = moment + step
        now = _offset_hours(zone_name, following)
        if now != out[-1][1]:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset_hours(zone_name, middle) == out[-1][1]:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            out.append(((high - start_utc) / _HOUR, now))
        moment = following
    return tuple(out)


def local_midnight(day: date, zone_name: str, start_utc: datetime) -> float:
    """Simulated time of a date's 00:00 on the zone's wall clock."""
    moment = datetime.combine(day, time(), tzinfo=zone(zone_name))
    return (moment.astimezone(UTC) - start_utc) / _HOUR


def week_hour_utc(start_utc: datetime) -> float:
    """Hours since the Monday 00:00 (UTC) of start's week."""
    naive = start_utc.replace(tzinfo=None)
    return naive.weekday() * 24.0 + naive.hour + naive.minute / 60 + naive.second / 3600


def zoned_calendar(*, start: datetime, tz: str, days: object = None, hours: object = None,
                   week: Mapping[str, str] | None = None, holidays: Sequence[date] = (), name: str = "") -> Calendar:
    """A calendar whose days, hours and holidays are on zone ``tz``'s clock; ``start`` must be aware."""
    week_array, shifts = week_of(days, hours, week)
    start_utc = absolute(start, None)
    changes = offsets(tz, start_utc)
    base = week_hour_utc(start_utc)
    off = [(local_midnight(day, tz, start_utc), local_midnight(day + timedelta(days=1), tz, start_utc))
           for day in holidays]
    return Calendar(week=week_array, phase=base + changes[0][1],
                    monday=start_utc.date() - timedelta(days=start_utc.weekday()),
                    holidays=np.array(off, dtype=float).reshape(-1, 2), name=name,
                    phase_changes=np.array([(t, base + o) for t, o in changes[1:]], dtype=float).reshape(-1, 2),
                    day_shifts=shifts)
