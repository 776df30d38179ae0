"""The working-time part of the scenario: calendars, staff on shifts, OLAs, arrival profiles and bursts.

Pure data validated by pydantic, like the rest of :mod:`supportsim.scenario` (which uses these models); their
cross-field checks are in :mod:`supportsim.consistency`. Calendar values are read by :mod:`supportsim.calendar`, whose
``ValueError`` messages pydantic puts next to the offending key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Self

import numpy as np
from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator

from . import calendar as cal
from . import zones
from .distributions import Deterministic, Distribution, Duration
from .limits import MAX_FACTOR, MAX_LIST
from .model import Model
from .service_targets import TargetValue
from .special_days import HolidayValue, SpecialDay

MAX_COUNT = 100_000


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number >= 1, got {value!r}")
    if value > MAX_COUNT:  # surely a typo, and the engine would try to seat them all
        raise ValueError(f"must be at most {MAX_COUNT}, got {value}")
    return value


Headcount = Annotated[int, BeforeValidator(_whole_number)]


class Profile(Model):
    """Relative arrival intensity by weekday and hour of day; the mean over the week is kept at the rate."""

    weekdays: dict[str, Annotated[float, Field(ge=0, le=MAX_FACTOR)]] = Field(
        default_factory=dict, description="Factor per day (mon..sun); a day not named has factor 1.")
    hours: dict[str, Annotated[float, Field(ge=0, le=MAX_FACTOR)]] = Field(
        default_factory=dict, description="Factor per whole-hour range of the day, e.g. '09-12'; others 1.")
    hour_of_week: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, description="168 factors, one per hour of the week from Monday 00-01 (what `supportsim fit` "
                          "writes), instead of weekdays/hours.")

    @field_validator("weekdays")
    @classmethod
    def _days(cls, value: Any) -> Any:
        for name in value:
            cal.day_index(name)
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        seen: dict[int, str] = {}
        for text in value:
            for hour in cal.parse_hour_ranges(text):
                if hour in seen:
                    raise ValueError(f"ranges {seen[hour]!r} and {text!r} overlap at hour {hour:02d}")
                seen[hour] = text
        return value

    @field_validator("hour_of_week")
    @classmethod
    def _week(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None:
            if len(value) != 168:
                raise ValueError(f"needs 168 factors (24 hours x 7 days from Monday 00-01), got {len(value)}")
            if info.data.get("weekdays") or info.data.get("hours"):
                raise ValueError("give either hour_of_week (168 factors) or weekdays/hours, not both")
        return value

    @model_validator(mode="after")
    def _not_all_zero(self) -> Self:
        if self.table().sum() <= 0:
            raise ValueError("every factor is 0: no ticket would ever arrive")
        return self

    def table(self) -> np.ndarray:
        """[168] intensity per hour of week (0 = Monday 00-01), mean 1."""
        if self.hour_of_week is not None:
            table = np.asarray(self.hour_of_week, dtype=float)
            mean = table.mean()
            return table / mean if mean > 0 else table
        return cal.profile_table(self.weekdays, self.hours)


class Burst(Model):
    """Major incidents: a Poisson process of events, each bringing a batch of tickets at once."""

    every: Duration = Field(gt=0, description="Mean time between incidents (Poisson).")
    tickets: Headcount = Field(description="Tickets each incident brings.")
    within: Duration = Field(ge=0, description="The incident's tickets arrive uniformly within this time.")
    priority: str | None = Field(None, description="Priority of the incident's tickets (default: drawn by share).")
    segment: str | None = Field(None, description="Segment of the incident's tickets (default: drawn by share).")


def listed(value: Any) -> Any:
    """One mapping where a list of them is expected: a list of one."""
    return [value] if isinstance(value, dict) else value


class StaffBlock(Model):
    """Engineers who work the same calendar."""

    count: Headcount = Field(description="Engineers in the block.")
    calendar: str = Field("always", description="Name of their calendar (default: around the clock).")
    cost: float | None = Field(None, ge=0, description="Cost per engineer-hour on duty in this block (default: "
                                                       "the group's cost).")
    on_call: bool = Field(False, description="On call, not on site: called out for work, idle at home between "
                                             "calls; work starts after the call-out delay.")
    call_out: Distribution | Duration | None = Field(
        None, description="Time from call-out to work starting, a duration ('15m') or a distribution; counted "
                          "in reaction (needs on_call).")

    @property
    def call_out_delay(self) -> Distribution:
        """The call-out delay as a distribution (none: 0)."""
        if self.call_out is None or isinstance(self.call_out, float):
            return Deterministic(mean=f"{self.call_out or 0.0!r}h")
        return self.call_out


Staff = Annotated[
    Annotated[Headcount, Tag("count")]
    | Annotated[list[StaffBlock], Field(min_length=1, max_length=MAX_LIST), Tag("blocks")],
    Discriminator(lambda v: "blocks" if isinstance(v, list) else "count"),
]


class OLA(Model):
    """Operational level agreement of a group: escalated tickets are picked up within ``pickup``."""

    pickup: TargetValue = Field(description="Target for the time from escalation to first work in this group: "
                                            "{within, clock, attain}, or a duration ('4h').")
    clock: str = Field("always", description="Calendar of the pickup target when it names none.")


def _week_table_value(value: Any) -> Any:
    if isinstance(value, dict):
        for day, row in value.items():
            if not isinstance(row, str):
                raise ValueError(f"{day}: put the 24 characters in quotes ('000000001111111110000000'), or write "
                                 "'.' and '#', which YAML does not read as a number")
        return {str(k): v for k, v in value.items()}
    return value


class CalendarSpec(Model):
    """Working time: days and hours of a repeating week (or an hour-of-week table), minus holidays."""

    days: str | list[str] | None = Field(None, description="Weekdays on duty, e.g. 'mon-fri' (default: every day).")
    hours: str | list[str] | None = Field(None, description="Hours on duty each of those days, e.g. '09:00-18:00'; "
                                                                     "an end before the start crosses midnight.")
    week: Annotated[dict[str, str], BeforeValidator(_week_table_value)] | None = Field(
        None, description="Hour-of-week table instead of days/hours: per day 24 characters, '1' on, '0' off.")
    holidays: list[HolidayValue] = Field(
        default_factory=list, max_length=MAX_LIST,
        description="Days with no working time: dates, ranges '2027-01-01..2027-01-08', or {dates, arrivals, name}.")
    special_days: dict[str, SpecialDay] = Field(
        default_factory=dict, max_length=MAX_LIST,
        description="Named working days with another arrival rate: {dates, arrivals}.")
    offset: str | None = Field(
        None, description="How far this calendar's clock is ahead of the scenario's, e.g. '+7h'.")
    tz: str | None = Field(None, description="IANA time zone of this calendar's clock, e.g. 'Europe/Moscow' "
                                             "(daylight saving applied); instead of offset.")

    @field_validator("days")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if value is not None:
            cal.parse_days(value)
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        if value is not None:
            cal.parse_hours(value)
        return value

    @field_validator("week")
    @classmethod
    def _week(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None:
            if info.data.get("days") is not None or info.data.get("hours") is not None:
                raise ValueError("give either week (an hour-of-week table) or days/hours, not both")
            cal.parse_week_table(value)
        return value

    @field_validator("offset")
    @classmethod
    def _offset(cls, value: Any) -> Any:
        cal.parse_offset(value)
        return value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            if info.data.get("offset") is not None:
                raise ValueError("give either tz (a zone, with daylight saving) or offset (fixed), not both")
            zones.zone(value)
        return value

    @property
    def holiday_dates(self) -> list[date]:
        return sorted({day for holiday in self.holidays for day in holiday.days()})

    def build(self, start: datetime, name: str = "") -> cal.Calendar:
        if self.tz is not None:
            return zones.zoned_calendar(start=start, tz=self.tz, days=self.days, hours=self.hours, week=self.week,
                                        holidays=self.holiday_dates, name=name)
        return cal.build_calendar(start=start, days=self.days, hours=self.hours, week=self.week,
                                  holidays=self.holiday_dates, offset=self.offset, name=name)


def _always_only(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() not in cal.ALWAYS_NAMES:
        raise ValueError(f"a calendar is '24x7' or a mapping of days/hours/holidays, got {value!r}")
    return value


CalendarValue = Annotated[
    Annotated[Annotated[str, BeforeValidator(_always_only)], Tag("24x7")] | Annotated[CalendarSpec, Tag("spec")],
    Discriminator(lambda v: "24x7" if isinstance(v, str) else "spec"),
]


def _date_text(value: Any) -> Any:
    """Dates are written as dates: a number would be read as seconds since 1970 (``start: 5`` is not a date)."""
    if not isinstance(value, (str, date)):
        raise ValueError(f"expected a date such as 2027-01-04 (or a date and time 2027-01-04T08:00), got {value!r}")
    return value


def _datetime(value: Any) -> Any:
    value = _date_text(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"cannot read {value!r} as a date or datetime: write 2027-01-04 or 2027-01-04T08:00, "
                             "a day that exists and a time before 24:00") from None
    return value


Start = Annotated[datetime, BeforeValidator(_datetime)]
Day = Annotated[date, BeforeValidator(_date_text)]
