"""Durations and rates as people write them in scenario files.

Every time inside supportsim is a float number of **hours**. Scenario files spell durations with a unit
(``15m``, ``2.5h``, ``3d``) and rates per unit of time (``9/h``, ``40/d``); a bare number is refused because
"is 8 hours or 8 minutes?" is exactly the mistake a capacity plan must not make silently.
"""

from __future__ import annotations

import math
import re

from .limits import MAX_HOURS, MAX_RATE

WEEK = 168.0
"""Hours in a week: the one definition (calendars, week profiles and the unit ``w`` use it)."""

HOURS_PER_UNIT = {
    "s": 1 / 3600,
    "sec": 1 / 3600,
    "m": 1 / 60,
    "min": 1 / 60,
    "h": 1.0,
    "hr": 1.0,
    "d": 24.0,
    "w": WEEK,
}
_UNITS = "s, m/min, h, d, w"
_NUMBER = r"[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*([a-z]+)\s*$")
_RATE = re.compile(rf"^\s*({_NUMBER})\s*/\s*([a-z]+)\s*$")


def parse_duration(value: object) -> float:
    """Return a duration in hours from a string such as ``"15m"``, ``"2.5h"`` or ``"3d"``.

    >>> parse_duration("90m")
    1.5
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a duration with a unit ({_UNITS}), e.g. '15m' or '2h', got {value!r}")
    if isinstance(value, (int, float)):
        raise ValueError(f"a bare number is ambiguous: add a unit ({_UNITS}), e.g. '{value}h' or '{value}m'")
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as '15m' or '2h', got {value!r}")
    match = _DURATION.match(value.lower())
    if not match and value.strip().startswith("-"):
        raise ValueError(f"must not be negative, got {value!r}")
    if not match:
        raise ValueError(f"cannot read duration {value!r}: write a number and a unit ({_UNITS}), e.g. '15m'")
    number, unit = match.groups()
    if unit not in HOURS_PER_UNIT:
        raise ValueError(f"unknown time unit {unit!r} in {value!r}; use one of {_UNITS}")
    hours = float(number) * HOURS_PER_UNIT[unit]
    if not math.isfinite(hours):
        raise ValueError(f"duration {value!r} is not finite")
    if hours > MAX_HOURS:
        raise ValueError(f"must be at most 20 years ({MAX_HOURS:g}h), got {value!r}")
    return hours


def parse_rate(value: object) -> float:
    """Return a rate per hour from a string such as ``"9/h"`` or ``"40/d"``.

    >>> parse_rate("48/d")
    2.0
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a rate such as '9/h' or '40/d', got {value!r}")
    if isinstance(value, (int, float)):
        raise ValueError(f"a bare number is ambiguous: add a unit, e.g. '{value}/h' or '{value}/d'")
    if not isinstance(value, str):
        raise ValueError(f"expected a rate such as '9/h' or '40/d', got {value!r}")
    match = _RATE.match(value.lower())
    if not match and value.strip().startswith("-"):
        raise ValueError(f"must not be negative, got {value!r}")
    if not match:
        raise ValueError(f"cannot read rate {value!r}: write '<number>/<unit>' with unit one of {_UNITS}, e.g. '9/h'")
    number, unit = match.groups()
    if unit not in HOURS_PER_UNIT:
        raise ValueError(f"unknown time unit {unit!r} in rate {value!r}; use one of {_UNITS}")
    per_hour = float(number) / HOURS_PER_UNIT[unit]
    if not math.isfinite(per_hour):
        raise ValueError(f"rate {value!r} is not finite")
    if per_hour > MAX_RATE:
        raise ValueError(f"must be at most {MAX_RATE:g}/h, got {value!r}")
    return per_hour


def format_duration(hours: float) -> str:
    """Write hours back in the unit a person would pick; reading the text back gives exactly ``hours``
    (resolved scenarios must reproduce the same results)."""
    if hours == 0:
        return "0h"
    for unit, size in (("w", WEEK), ("d", 24.0), ("h", 1.0), ("m", 1 / 60), ("s", 1 / 3600)):
        count = hours / size
        if abs(count - round(count)) < 1e-9 and abs(count) >= 1:
            text = f"{int(round(count))}{unit}"
            if parse_duration(text) == hours:
                return text
    for digits in (10, 17):
        text = f"{hours:.{digits}g}h"
        if parse_duration(text) == hours:
            return text
    return f"{hours!r}h"


def format_rate(per_hour: float) -> str:
    """Write a rate per hour, per day or per week, whichever reads as the shortest exact number."""
    for unit, size in (("h", 1.0), ("d", 24.0), ("w", WEEK)):
        text = f"{per_hour * size:.10g}/{unit}"
        if parse_rate(text) == per_hour:
            return text
    return f"{per_hour!r}/h"


def human_duration(hours: float) -> str:
    """Readable duration for tables: minutes under 2 h, hours under 2 d, days above."""
    if hours is None or not math.isfinite(hours):
        return "-"
    if abs(hours) < 2:
        return f"{hours * 60:.1f}m"
    if abs(hours) < 48:
        return f"{hours:.2f}h"
    return f"{hours / 24:.2f}d"
