"""Holidays and special days of a calendar, as people write them: dates, date ranges and arrival factors.

``holidays`` is a list; each item is a date (``2027-05-01``), a range of dates, both ends included
(``2027-01-01..2027-01-08``), or a mapping ``{dates: 2027-01-01..2027-01-08, arrivals: 0.3, name: New Year}``.
A holiday has no working time. ``special_days`` names days that are worked as usual but bring another load:
``{release: {dates: 2027-03-15, arrivals: 2.0}}``.

Where the calendar is the customers' (``arrivals.calendar``), these days also shape arrivals: a holiday without
``arrivals`` gets the Sunday profile (each hour's rate as on a Sunday), a day with ``arrivals: x`` gets x times
its usual rate, hour by hour. Pure data, read by pydantic; no simulation here.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

MAX_DAYS = 366
"""Longest range of one entry: a longer one is surely a typo in a year."""
_RANGE = re.compile(r"^\s*(\S+?)\s*\.\.\s*(\S+)\s*$")


def _one_date(value: object, whole: object) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):  # well written, but no such day
            raise ValueError(f"{text!r}: day value is outside expected range (no such day)") from None
        raise ValueError(f"cannot read date {value!r} in {whole!r}; write YYYY-MM-DD, or a range "
                         "YYYY-MM-DD..YYYY-MM-DD") from None


def parse_dates(value: object) -> tuple[date, date]:
    """(first, last) from a date, 'YYYY-MM-DD' or 'YYYY-MM-DD..YYYY-MM-DD' (both ends included)."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, date) for v in value):
        first, last = value
    elif isinstance(value, str) and ".." in value:
        match = _RANGE.match(value)
        if not match:
            raise ValueError(f"cannot read dates {value!r}; write YYYY-MM-DD..YYYY-MM-DD")
        first, last = _one_date(match.group(1), value), _one_date(match.group(2), value)
    elif isinstance(value, (str, date)):
        first = last = _one_date(value, value)
    else:
        raise ValueError(f"expected a date or a range YYYY-MM-DD..YYYY-MM-DD, got {value!r}")
    if last < first:
        raise ValueError(f"range {value!r} ends before it starts")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"range {value!r} is {(last - first).days + 1} days long; at most {MAX_DAYS}")
    return first, last


def format_dates(value: tuple[date, date]) -> str:
    first, last = value
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


DATES_SCHEMA = {"type": "string",
                "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}(\s*\.\.\s*[0-9]{4}-[0-9]{2}-[0-9]{2})?\s*$",
                "description": "A date (2027-05-01) or a range of dates, both ends included (2027-01-01..2027-01-08)."}
Dates = Annotated[tuple[date, date], BeforeValidator(parse_dates), PlainSerializer(format_dates, return_type=str),
                  WithJsonSchema(DATES_SCHEMA)]


def every_day(dates: tuple[date, date]) -> list[date]:
    first, last = dates
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Holiday(_Model):
    dates: Dates = Field(description="A date or a range 'YYYY-MM-DD..YYYY-MM-DD' (both ends included).")
    arrivals: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="Where this is the customers' calendar: the day's arrivals as a factor of its usual rate "
                          "(default: the Sunday profile).")
    name: str = Field("", description="Free text for people.")

    def days(self) -> list[date]:
        return every_day(self.dates)


class SpecialDay(_Model):
    dates: Dates = Field(description="A date or a range 'YYYY-MM-DD..YYYY-MM-DD'.")
    arrivals: Annotated[float, Field(ge=0, le=100)] = Field(
        description="Where this is the customers' calendar: the day's arrivals as a factor of its usual rate.")

    def days(self) -> list[date]:
        return every_day(self.dates)


def holiday_shorthand(value: Any) -> Any:
    return {"dates": value} if isinstance(value, (str, date)) else value


def _holiday_dump(holiday: Holiday) -> Any:
    if holiday.arrivals is None and not holiday.name:
        return format_dates(holiday.dates)
    out: dict[str, Any] = {"dates": format_dates(holiday.dates)}
    if holiday.arrivals is not None:
        out["arrivals"] = holiday.arrivals
    if holiday.name:
        out["name"] = holiday.name
    return out


HolidayValue = Annotated[Holiday, BeforeValidator(holiday_shorthand), PlainSerializer(_holiday_dump)]
"""A holiday: a date, a range, or {dates, arrivals, name}."""

SUNDAY = "sunday"


def arrival_days(holidays: list[Holiday], special: dict[str, SpecialDay]) -> dict[date, float | str]:
    """Date -> arrival factor, or 'sunday' for a holiday with none given; special days win over holidays."""
    out: dict[date, float | str] = {}
    for holiday in holidays:
        for day in holiday.days():
            out[day] = SUNDAY if holiday.arrivals is None else holiday.arrivals
    for spec in special.values():
        for day in spec.days():
            out[day] = spec.arrivals
    return out
