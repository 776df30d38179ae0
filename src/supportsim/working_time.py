"""The working-time part of the scenario: calendars, staff on shifts, OLAs, arrival profiles and bursts.

Pure data validated by pydantic, like the rest of :mod:`supportsim.scenario` (which uses these models), and the
cross-field checks that belong to them. Calendar values are read by :mod:`supportsim.calendar`, whose
``ValueError`` messages pydantic puts next to the offending key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Optional, Union

import numpy as np
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationInfo,
                      field_validator, model_validator)

from . import calendar as cal
from . import zones
from .distributions import Duration
from .special_days import HolidayValue, SpecialDay
from .service_targets import TargetValue, placed_targets
from .limits import MAX_FACTOR, MAX_LIST

if TYPE_CHECKING:
    from .scenario import Scenario


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    hour_of_week: Optional[list[Annotated[float, Field(ge=0)]]] = Field(
        None, description="168 factors, one per hour of the week from Monday 00-01 (what `supportsim fit` "
                          "writes), instead of weekdays/hours.")

    @field_validator("weekdays")
    @classmethod
    def _days(cls, value):
        for name in value:
            cal.day_index(name)
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value):
        seen: dict[int, str] = {}
        for text in value:
            for hour in cal.parse_hour_ranges(text):
                if hour in seen:
                    raise ValueError(f"ranges {seen[hour]!r} and {text!r} overlap at hour {hour:02d}")
                seen[hour] = text
        return value

    @field_validator("hour_of_week")
    @classmethod
    def _week(cls, value, info: ValidationInfo):
        if value is not None:
            if len(value) != 168:
                raise ValueError(f"needs 168 factors (24 hours x 7 days from Monday 00-01), got {len(value)}")
            if info.data.get("weekdays") or info.data.get("hours"):
                raise ValueError("give either hour_of_week (168 factors) or weekdays/hours, not both")
        return value

    @model_validator(mode="after")
    def _not_all_zero(self):
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
    priority: Optional[str] = Field(None, description="Priority of the incident's tickets (default: drawn by share).")
    segment: Optional[str] = Field(None, description="Segment of the incident's tickets (default: drawn by share).")


def listed(value: Any) -> Any:
    """One mapping where a list of them is expected: a list of one."""
    return [value] if isinstance(value, dict) else value


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class StaffBlock(Model):
    """Engineers who work the same calendar."""

    count: Headcount = Field(description="Engineers in the block.")
    calendar: str = Field("always", description="Name of their calendar (default: around the clock).")


Staff = Annotated[
    Union[Annotated[Headcount, Tag("count")],
          Annotated[list[StaffBlock], Field(min_length=1, max_length=MAX_LIST), Tag("blocks")]],
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

    days: Optional[Union[str, list[str]]] = Field(None, description="Weekdays on duty, e.g. 'mon-fri' (default: every day).")
    hours: Optional[Union[str, list[str]]] = Field(None, description="Hours on duty each of those days, e.g. '09:00-18:00'; "
                                                                     "an end before the start crosses midnight.")
    week: Optional[Annotated[dict[str, str], BeforeValidator(_week_table_value)]] = Field(
        None, description="Hour-of-week table instead of days/hours: per day 24 characters, '1' on, '0' off.")
    holidays: list[HolidayValue] = Field(
        default_factory=list, max_length=MAX_LIST, description="Days with no working time: dates, ranges '2027-01-01..2027-01-08', or "
                                          "{dates, arrivals, name}.")
    special_days: dict[str, SpecialDay] = Field(
        default_factory=dict, max_length=MAX_LIST, description="Named working days with another arrival rate: {dates, arrivals}.")
    offset: Optional[str] = Field(None, description="How far this calendar's clock is ahead of the scenario's, e.g. '+7h'.")
    tz: Optional[str] = Field(None, description="IANA time zone of this calendar's clock, e.g. 'Europe/Moscow' "
                                                "(daylight saving applied); instead of offset.")

    @field_validator("days")
    @classmethod
    def _days(cls, value):
        if value is not None:
            cal.parse_days(value)
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value):
        if value is not None:
            cal.parse_hours(value)
        return value

    @field_validator("week")
    @classmethod
    def _week(cls, value, info: ValidationInfo):
        if value is not None:
            if info.data.get("days") is not None or info.data.get("hours") is not None:
                raise ValueError("give either week (an hour-of-week table) or days/hours, not both")
            cal.parse_week_table(value)
        return value

    @field_validator("offset")
    @classmethod
    def _offset(cls, value):
        cal.parse_offset(value)
        return value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value, info: ValidationInfo):
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
    Union[Annotated[Annotated[str, BeforeValidator(_always_only)], Tag("24x7")], Annotated[CalendarSpec, Tag("spec")]],
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


def trace_problems(s: Scenario, with_rate: list[str]) -> list[tuple[str, str]]:
    problems = []
    if s.arrivals.rate is not None:
        problems.append(("arrivals.rate", "give either a rate or a trace to replay, not both"))
    if with_rate:
        problems.append((f"segments.{with_rate[0]}.rate", "a replayed trace brings its own arrivals; leave segment rates out"))
    if s.arrivals.profile is not None:
        problems.append(("arrivals.profile", "shapes a rate; a replayed trace has its own arrival times"))
    for key in ("calendar", "growth"):
        if getattr(s.arrivals, key) is not None:
            problems.append((f"arrivals.{key}", "shapes a rate; a replayed trace has its own arrival times"))
    if s.start is None:
        problems.append(("start", "is required with arrivals.trace: the trace's times are read against it"))
    if len(s.segments) > 1 and not all(seg.share for seg in s.segments.values()):
        for i, burst in enumerate(s.arrivals.bursts):
            if burst.segment is None:
                problems.append((f"arrivals.bursts.{i}.segment", "is required with a trace (segments have no shares to draw from)"))
    return problems


def working_time_problems(s: Scenario) -> list[tuple[str, str]]:
    """Calendars that exist and have working time; clocks, bursts and holidays that refer to what exists."""
    problems: list[tuple[str, str]] = []
    known = list(s.calendars) + [n for n in cal.ALWAYS_NAMES if n not in s.calendars]
    for name, spec in s.calendars.items():
        if name in cal.ALWAYS_NAMES and not isinstance(spec, str):
            problems.append((f"calendars.{name}", f"{name!r} is built in (around the clock); give your calendar another name"))
        elif not isinstance(spec, str):
            if (spec.holidays or spec.special_days) and s.start is None:
                key = "holidays" if spec.holidays else "special_days"
                problems.append((f"calendars.{name}.{key}", "need start: the date simulated time 0 stands for"))
            elif spec.tz is not None and s.origin.tzinfo is None:
                problems.append((f"calendars.{name}.tz", "needs a start in a known zone: add tz (the zone of "
                                 "start, e.g. 'tz: Europe/Moscow') at the top, or write start with its offset "
                                 "(2027-01-04T00:00+03:00)"))
            elif s.calendar(name).hours_per_week <= 0:
                problems.append((f"calendars.{name}", "has no working time in the week"))

    def check(path: str, name: str | None) -> None:
        if name is not None and name not in known:
            problems.append((path, f"unknown calendar {name!r}; calendars are {', '.join(known)}"))

    for g, group in s.groups.items():
        if isinstance(group.staff, list):
            for i, block in enumerate(group.staff):
                check(f"groups.{g}.staff.{i}.calendar", block.calendar)
        if group.ola is not None:
            check(f"groups.{g}.ola.clock", group.ola.clock)
    for seg, sla in s.sla.items():
        check(f"sla.{seg}.clock", sla.clock)
    for place in placed_targets(s):
        if place.target.clock is not None:
            check(f"{place.path}.clock", place.target.clock)
    problems += _arrival_calendar_problems(s)
    for i, burst in enumerate(s.arrivals.bursts):
        if burst.segment is not None and burst.segment not in s.segments:
            problems.append((f"arrivals.bursts.{i}.segment", f"unknown segment {burst.segment!r}; segments are {', '.join(s.segments)}"))
        if burst.priority is not None and burst.priority not in (s.priorities or {}):
            problems.append((f"arrivals.bursts.{i}.priority", f"unknown priority {burst.priority!r}; declare it under priorities"))
    return problems


def _arrival_calendar_problems(s: Scenario) -> list[tuple[str, str]]:
    """The customers' calendar exists, and a rate per working day has one with working days."""
    from .arrival_calendar import PerWorkingDay
    from .workdays import working_days_per_week

    name = s.arrivals.calendar
    known = list(s.calendars) + [n for n in cal.ALWAYS_NAMES if n not in s.calendars]
    if name is not None and name not in known:
        return [("arrivals.calendar", f"unknown calendar {name!r}; calendars are {', '.join(known)}")]
    if isinstance(s.arrivals.rate, PerWorkingDay):
        if name is None:
            return [("arrivals.rate", "a rate per working day needs arrivals.calendar: the customers' calendar "
                                      "whose working days it counts")]
        try:
            calendar = s.calendar(name)
        except ValueError:  # a calendar that cannot be built: its own problem says why
            return []
        if not working_days_per_week(calendar):
            return [("arrivals.calendar", f"calendar {name!r} has no working days for the rate per working day")]
    return []
