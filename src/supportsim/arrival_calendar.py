"""Arrivals on the customers' calendar: rates per working day, holidays and special days, growth.

``arrivals.calendar`` names the customers' calendar (which may differ from every engineer's). With it:

* the arrival ``profile`` is read on that calendar's clock (its ``offset`` or ``tz``, daylight saving included);
* its holidays and special days shape arrivals: a holiday without ``arrivals`` gets the Sunday profile (each hour
  at its Sunday rate), a day with ``arrivals: x`` gets x times its usual rate, hour by hour;
* a rate may be given per working day of that calendar: ``120/working_day`` means that on an ordinary week the
  mean number of tickets over the calendar's working days (whole dates, 00:00-24:00) is 120, and the profile
  says how the other days compare; with no profile every day of the week gets the same.

``arrivals.growth: +15%/y`` makes the rate grow exponentially: rate x 1.15^(t / 1 year) (a year is 365.25 days),
``rate`` being the rate at ``start``.

The arrivals stay a non-homogeneous Poisson process sampled exactly: each clock hour of the customers'
calendar gets a Poisson number of tickets with its expected count (the integral of the rate over it) at
positions drawn from the rate's shape within the hour.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

import numpy as np

from .calendar import WEEK, Calendar
from .limits import MAX_RATE
from .special_days import SUNDAY, Holiday, SpecialDay
from .units import parse_rate

YEAR_HOURS = 365.25 * 24
_PER_WORKING_DAY = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*/\s*(working_days?|wd)\s*$")
_GROWTH = re.compile(r"^\s*([+-]?\s*[0-9]+(?:\.[0-9]*)?(?:e[+-]?[0-9]+)?)\s*%\s*/\s*(y|yr|year|month|mo)\s*$")
"""'+15%/y', '-2%/month'; an exponent too, as a tiny growth is written back ('+1e-08%/y')."""


@dataclass(frozen=True)
class PerWorkingDay:
    """A rate given per working day of the arrivals calendar; converted once the calendar is known."""

    count: float

    def __str__(self) -> str:
        return f"{self.count:g}/working_day"


def parse_arrival_rate(value: object) -> Any:
    """A rate per hour (float) from '9/h', '40/d'..., or a :class:`PerWorkingDay` from '120/working_day'."""
    if isinstance(value, PerWorkingDay):
        return value
    if isinstance(value, str):
        match = _PER_WORKING_DAY.match(value.lower())
        if match:
            count = float(match.group(1))
            if not 0 < count < math.inf:
                raise ValueError(f"must be more than 0, got {value!r}")
            if count > 24 * MAX_RATE:
                raise ValueError(f"must be at most {24 * MAX_RATE:g}/working_day, got {value!r}")
            return PerWorkingDay(count)
    try:
        rate = parse_rate(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (or per working day of arrivals.calendar: '120/working_day')") from None
    if rate <= 0:
        raise ValueError(f"must be more than 0, got {value!r}")
    return rate


def parse_growth(value: object) -> float:
    """The yearly growth factor minus one from '+15%/y' (or '-2%/month', compounded to a year)."""
    match = _GROWTH.match(str(value).lower()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"cannot read growth {value!r}; write a percentage per year or month, e.g. '+15%/y'")
    percent = float(match.group(1).replace(" ", ""))
    if percent <= -100 or percent > 1000:
        raise ValueError(f"growth {value!r} is out of range (more than -100%, at most +1000%)")
    per_period = 1 + percent / 100
    if match.group(2) not in ("month", "mo"):
        return per_period - 1
    yearly = per_period ** 12 - 1
    if yearly > 10:
        raise ValueError(f"growth {value!r} is {100 * yearly:.3g}% a year compounded: out of range (at most +1000%/y)")
    return yearly


def day_weights(table: np.ndarray) -> np.ndarray:
    """[7] share of a week's arrivals on each weekday under the hour-of-week profile table."""
    weights = table.reshape(7, 24).sum(axis=1)
    return weights / weights.sum()


def per_hour(count: float, working_weekdays: list[int], table: np.ndarray) -> float:
    """The mean rate per hour over an ordinary week for ``count`` tickets per working day on average."""
    weights = day_weights(table)
    working = weights[working_weekdays].sum()
    if working <= 0:
        raise ValueError("the profile gives the calendar's working days no arrivals")
    weekly = count * len(working_weekdays) / working
    return weekly / WEEK


def growth_rate(growth: float | None) -> float:
    """beta of rate x exp(beta t), t in hours."""
    return math.log1p(growth) / YEAR_HOURS if growth else 0.0


def _bin_edges(calendar: Calendar, horizon: float) -> np.ndarray:
    """Edges of the clock hours of the calendar within [0, horizon), daylight-saving changes included."""
    starts = np.concatenate([[0.0], calendar.phase_changes[:, 0]]) if len(calendar.phase_changes) else np.zeros(1)
    phases = np.concatenate([[calendar.phase], calendar.phase_changes[:, 1]]) if len(calendar.phase_changes) \
        else np.array([calendar.phase])
    pieces = [np.array([0.0, horizon])]
    for k, (low, phase) in enumerate(zip(starts, phases)):
        high = starts[k + 1] if k + 1 < len(starts) else horizon
        low, high = max(low, 0.0), min(high, horizon)
        if high <= low:
            continue
        hours = np.arange(math.ceil(low + phase), math.floor(high + phase) + 1, dtype=float) - phase
        pieces.append(np.concatenate([[low], hours[(hours > low) & (hours < high)]]))
    return np.unique(np.concatenate(pieces))


def hourly_rates(calendar: Calendar, base: float, table: np.ndarray, days: Mapping[date, float | str],
                 horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges over [0, horizon) and each bin's rate before growth: base x profile x the day's factor."""
    edges = _bin_edges(calendar, horizon)
    local = edges[:-1] + calendar.phase_at(edges[:-1]) + 1e-9
    hour = (np.floor(local) % WEEK).astype(np.int64)
    rates = base * table[hour]
    if days and calendar.monday is not None:
        day_number = np.floor(local / 24).astype(np.int64)
        for number in np.unique(day_number).tolist():
            factor = days.get(calendar.monday + timedelta(days=number))
            if factor is None:
                continue
            mine = day_number == number
            if factor == SUNDAY:
                rates[mine] = base * table[6 * 24 + hour[mine] % 24]
            else:
                rates[mine] = rates[mine] * factor
    return edges, rates


def sample(edges: np.ndarray, rates: np.ndarray, beta: float, rng: np.random.Generator) -> np.ndarray:
    """A Poisson process with rate rates[i] x exp(beta t) in bin i, sampled exactly (sorted times)."""
    low, length = edges[:-1], np.diff(edges)
    if beta:
        expected = rates * np.exp(beta * low) * np.expm1(beta * length) / beta
    else:
        expected = rates * length
    counts = rng.poisson(expected)
    u = rng.random(int(counts.sum()))
    start, span = np.repeat(low, counts), np.repeat(length, counts)
    if beta:
        offset = np.log1p(u * np.expm1(beta * span)) / beta
    else:
        offset = u * span
    return np.sort(start + offset)


def expected_count(edges: np.ndarray, rates: np.ndarray, beta: float, a: float, b: float) -> float:
    """Expected arrivals in [a, b) (for tests and validate)."""
    low = np.clip(edges[:-1], a, b)
    high = np.clip(edges[1:], a, b)
    if beta:
        return float((rates * (np.exp(beta * high) - np.exp(beta * low)) / beta).sum())
    return float((rates * (high - low)).sum())


# What unused_factor_warnings reads of a scenario, as protocols: supportsim.scenario imports this module, so it
# is not imported back (not even for types); a Scenario has all of these.

class _CalendarDays(Protocol):
    @property
    def holidays(self) -> Sequence[Holiday]: ...
    @property
    def special_days(self) -> Mapping[str, SpecialDay]: ...


class _Arrivals(Protocol):
    @property
    def calendar(self) -> str | None: ...


class WithArrivalCalendar(Protocol):
    """The parts of a :class:`supportsim.scenario.Scenario` that name its calendars and the customers' one."""

    @property
    def calendars(self) -> Mapping[str, str | _CalendarDays]: ...
    @property
    def arrivals(self) -> _Arrivals: ...


def unused_factor_warnings(scenario: WithArrivalCalendar) -> list[tuple[str, str]]:
    """(key path, message) for arrival factors on a calendar that is not the customers' (they change nothing)."""
    out: list[tuple[str, str]] = []
    for name, spec in scenario.calendars.items():
        if isinstance(spec, str) or name == scenario.arrivals.calendar:
            continue
        for i, holiday in enumerate(spec.holidays):
            if holiday.arrivals is not None:
                out.append((f"calendars.{name}.holidays.{i}.arrivals", f"changes nothing: arrivals follow "
                            f"{scenario.arrivals.calendar or 'no calendar'}; set arrivals.calendar: {name}"))
        for day in spec.special_days:
            out.append((f"calendars.{name}.special_days.{day}", f"changes nothing: arrivals follow "
                        f"{scenario.arrivals.calendar or 'no calendar'}; set arrivals.calendar: {name}"))
    return out
