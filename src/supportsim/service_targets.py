"""Service targets: one object for every target a desk promises (SLA reaction and resolution, OLA pickup).

A target is ``{within: 15m, clock: always, attain: 95%}``:

* ``within`` (required): the time allowed, a duration (``15m``, ``8h``) counted on the target's clock, or a
  number of working days of that clock (``5bd``, see :mod:`supportsim.workdays`);
* ``clock``: the calendar the time is counted on (default: the clock of the place the target sits in, e.g.
  ``sla.<segment>.clock``, else around the clock);
* ``attain``: the share of tickets that must meet it. With it the target is judged: ``met`` when the whole 95%
  interval of the attainment is at or above it, ``missed`` when the whole interval is below, else
  ``inconclusive`` (more replications narrow the interval).

A bare duration (``reaction: 15m``) is shorthand for ``{within: 15m}``. New keys (whether the clock pauses while
the ticket waits on the customer...) are added to :class:`Target`, so every place that holds a target gains them.

Per ticket, a target is met when the on-duty time of its clock from the start (arrival, or escalation for an
OLA) to the event (first response, resolution, pickup) is at most the time allowed: ``within`` hours, or for
``Nbd`` the on-duty time from the start to the due time N working days later. A ticket that never got there is
missed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from .calendar import Calendar
from .units import HOURS_PER_UNIT, format_duration, parse_duration

MAX_WORKING_DAYS = 400
_WORKING_DAYS = re.compile(r"^\s*([0-9]+)\s*bd\s*$")


@dataclass(frozen=True)
class Span:
    """The time a target allows: ``hours`` on the clock, or a whole number of ``working_days``; ``unit`` is
    the unit it was written in (``d`` and ``w`` are 24 and 168 hours of the clock, not working days)."""

    hours: float | None = None
    working_days: int | None = None
    unit: str = "h"

    def __str__(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days}bd"
        text = format_duration(self.hours or 0.0)
        if self.unit not in ("d", "w") and text[-1] in "dw":  # keep '72h' in hours: in days it would warn
            text = f"{self.hours:g}h" if float(f"{self.hours:g}") == self.hours else f"{self.hours!r}h"
        return text

    @property
    def calendar_units(self) -> bool:
        """Written in days or weeks: on a clock that is not 24x7 that is rarely what was meant."""
        return self.unit in ("d", "w")


def parse_span(value: object) -> Span:
    if isinstance(value, Span):
        return value
    if isinstance(value, str):
        match = _WORKING_DAYS.match(value.lower())
        if match:
            days = int(match.group(1))
            if days < 1:
                raise ValueError(f"must be at least 1bd, got {value!r}")
            if days > MAX_WORKING_DAYS:
                raise ValueError(f"must be at most {MAX_WORKING_DAYS}bd (about a year and a half), got {value!r}")
            return Span(working_days=days, unit="bd")
        if re.match(r"^\s*[0-9.]+\s*bd\s*$", value.lower()):
            raise ValueError(f"working days are whole: write e.g. '5bd', or hours of the clock such as '36h', "
                             f"got {value!r}")
    try:
        hours = parse_duration(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (or bd: working days of the clock, e.g. '5bd')") from None
    if hours <= 0:
        raise ValueError(f"must be more than 0, got {value!r}")
    unit = re.sub(r"[^a-z]", "", str(value).lower())
    return Span(hours=hours, unit=unit if unit in HOURS_PER_UNIT else "h")


WITHIN_SCHEMA = {"type": "string", "pattern": r"^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*[A-Za-z]+\s*$",
                 "description": "Time allowed: a duration counted on the target's clock ('15m', '8h'), or whole "
                                "working days of that clock ('5bd')."}
Within = Annotated[Span, BeforeValidator(parse_span), PlainSerializer(str, return_type=str),
                   WithJsonSchema(WITHIN_SCHEMA)]


def parse_share(value: object) -> float:
    """A share from '95%' or 0.95."""
    if isinstance(value, bool):
        raise ValueError(f"expected a share such as 95% or 0.95, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ValueError(f"expected a share such as 95% or 0.95, got {value!r}") from None
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        raise ValueError(f"expected a share such as 95% or 0.95, got {value!r}")
    if not 0 < number <= 1 or math.isnan(number):
        raise ValueError(f"must be more than 0% and at most 100%, got {value!r}")
    return number


def _format_share(value: float) -> str:
    return f"{100 * value:.10g}%"


Share = Annotated[float, BeforeValidator(parse_share), PlainSerializer(_format_share, return_type=str),
                  WithJsonSchema({"anyOf": [{"type": "string", "examples": ["95%"]}, {"type": "number"}]})]


class Target(BaseModel):
    """One service target (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, allow_inf_nan=False)

    within: Within = Field(description="Time allowed on the target's clock: a duration ('15m', '8h') or working "
                                       "days ('5bd').")
    clock: str | None = Field(None, description="Calendar the time is counted on (default: the clock of the "
                                                   "segment's SLA or the OLA, else around the clock).")
    attain: Share | None = Field(None, description="Share of tickets that must meet the target ('95%'); with it "
                                                      "the target is judged met or missed.")
    pause_on_waiting: bool | None = Field(
        None, description="Whether the clock stops while the ticket waits on the customer (default: yes for "
                          "resolution, no for reaction and pickup).")

    @property
    def hours(self) -> float | None:
        """The hours allowed, or None for working days (which depend on each ticket's arrival)."""
        return self.within.hours


def target_shorthand(value: Any) -> Any:
    return {"within": value} if isinstance(value, (str, int, float, Span)) and not isinstance(value, bool) else value


TargetValue = Annotated[Target, BeforeValidator(target_shorthand)]
"""A target, or a bare duration as shorthand for ``{within: ...}``."""


# ---- the targets of a scenario -----------------------------------------------------------------------------
# What the functions below read of a scenario, as protocols: supportsim.scenario imports this module, so it is
# not imported back (not even for types); a Scenario has all of these.

class _SLA(Protocol):
    @property
    def reaction(self) -> Target | None: ...
    @property
    def resolution(self) -> Target | None: ...
    @property
    def clock(self) -> str | None: ...


class _OLA(Protocol):
    @property
    def pickup(self) -> Target: ...
    @property
    def clock(self) -> str: ...


class _Group(Protocol):
    @property
    def ola(self) -> _OLA | None: ...


class Targeted(Protocol):
    """The parts of a :class:`supportsim.scenario.Scenario` that hold its targets and their clocks."""

    @property
    def sla(self) -> Mapping[str, _SLA]: ...
    @property
    def groups(self) -> Mapping[str, _Group]: ...
    def calendar(self, name: str | None) -> Calendar: ...


@dataclass(frozen=True)
class Placed:
    """A target where it sits in a scenario: its key path, its clock's name and the figure it is judged on."""

    path: str                  # 'sla.vip.reaction', 'groups.L2.ola.pickup'
    target: Target
    clock: str                 # the calendar name it is counted on (the default filled in)
    figure: tuple[str, ...]    # key of its attainment among the figures of supportsim.stats


def placed_targets(scenario: Targeted) -> Iterator[Placed]:
    """Every target of the scenario, in file order: SLAs per segment, then OLAs per group."""
    for segment, sla in scenario.sla.items():
        for measure in ("reaction", "resolution"):
            target = getattr(sla, measure)
            if target is not None:
                yield Placed(f"sla.{segment}.{measure}", target, target.clock or sla.clock or "always",
                             ("segments", segment, "sla", f"{measure}_met"))
        for ticket_type, own in getattr(sla, "by_type", {}).items():
            for measure in ("reaction", "resolution"):
                target = getattr(own, measure)
                if target is not None:
                    yield Placed(f"sla.{segment}.by_type.{ticket_type}.{measure}", target,
                                 target.clock or own.clock or sla.clock or "always",
                                 ("segments", segment, "by_type", ticket_type, "sla", f"{measure}_met"))
    for group, spec in scenario.groups.items():
        if spec.ola is not None:
            target = spec.ola.pickup
            yield Placed(f"groups.{group}.ola.pickup", target, target.clock or spec.ola.clock or "always",
                         ("groups", group, "ola_met"))


def ticket_target(scenario: Targeted, segment: str, ticket_type: str | None, measure: str) -> tuple[Target | None, str]:
    """The target a ticket of this segment and type (None: no types) is held to for ``measure``, and the name of
    the clock it is measured on: the type's own target (``sla.<segment>.by_type.<type>``) where there is one,
    else the segment's."""
    sla = scenario.sla.get(segment)
    own = getattr(sla, "by_type", {}).get(ticket_type) if sla is not None and ticket_type else None
    target = getattr(own, measure, None)
    if own is not None and sla is not None and target is not None:
        return target, target.clock or own.clock or sla.clock or "always"
    return getattr(sla, measure, None), measured_clock(scenario, segment, measure)


def target_classes(scenario: Targeted, segment_names: list[str], type_names: list[str], segment: np.ndarray,
                   ticket_type: np.ndarray | None, measure: str) -> Iterator[tuple[np.ndarray, Target | None, str]]:
    """The tickets held to one target for ``measure``, as (mask over tickets, target or None, clock name): one
    class per segment, split by type where a segment has targets by type."""
    for index, name in enumerate(segment_names):
        mine = segment == index
        sla = scenario.sla.get(name)
        by_type = getattr(sla, "by_type", {}) if sla is not None else {}
        if not by_type or ticket_type is None:
            yield (mine, *ticket_target(scenario, name, None, measure))
            continue
        for type_index, type_name in enumerate(type_names):
            yield (mine & (ticket_type == type_index), *ticket_target(scenario, name, type_name, measure))


def clock_of(scenario: Targeted, segment: str, measure: str) -> str | None:
    """Name of the clock of a segment's reaction or resolution target (None: no such target)."""
    sla = scenario.sla.get(segment)
    if sla is None:
        return None
    target: Target | None = getattr(sla, measure, None)
    if target is None:
        return None
    return target.clock or sla.clock or "always"


def measured_clock(scenario: Targeted, segment: str, measure: str) -> str:
    """The clock a segment's reaction or resolution is measured on: its target's, else the segment's SLA clock,
    else around the clock."""
    sla = scenario.sla.get(segment)
    return clock_of(scenario, segment, measure) or (sla.clock if sla is not None and sla.clock else "always")


def allowed(target: Target, calendar: Calendar, start: ArrayLike) -> np.ndarray | float:
    """On-duty hours the target allows from each start time (one number for a duration)."""
    if target.within.hours is not None:
        return target.within.hours
    from .workdays import allowance

    return allowance(calendar, start, target.within.working_days or 0)


def met(target: Target, calendar: Calendar, start: ArrayLike, elapsed: ArrayLike) -> np.ndarray:
    """Per ticket, 1.0 where ``elapsed`` (on-duty hours of the calendar from start to the event) is within the
    target, else 0.0 (an event that never came, NaN, is missed)."""
    # business hours are sums and differences of clock times: allow their rounding, not the calendar's
    slack = 0.0 if calendar.is_always and target.within.working_days is None else 1e-9
    with np.errstate(invalid="ignore"):
        return (np.asarray(elapsed) <= allowed(target, calendar, start) + slack).astype(float)


Verdict = Literal["met", "missed", "inconclusive"]


def verdict(attain: float, value: float | None, low: float | None, high: float | None) -> Verdict:
    """The target judged on its attainment's 95% interval: met when the interval is at or above ``attain``,
    missed when it is below, else (or with no interval) inconclusive."""
    if value is None or low is None or high is None:
        return "inconclusive"
    if low >= attain:
        return "met"
    if high < attain:
        return "missed"
    return "inconclusive"


def judged(scenario: Targeted, estimates: Mapping[tuple[str, ...], dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """summary.json's ``targets``: per target its definition, its attainment with the interval and, with
    ``attain``, the verdict. ``estimates`` maps figure keys to {value, ci95}."""
    out: dict[str, dict[str, Any]] = {}
    for place in placed_targets(scenario):
        estimate = estimates.get(place.figure) or {"value": None, "ci95": [None, None]}
        entry: dict[str, Any] = {"within": str(place.target.within), "clock": place.clock,
                                 "attain": place.target.attain, "attainment": estimate}
        if place.target.attain is not None:
            entry["verdict"] = verdict(place.target.attain, estimate["value"], *estimate["ci95"])
        out[place.path] = entry
    return out


def definitions(scenario: Targeted) -> dict[str, dict[str, str | bool]]:
    """What each target means (within, clock, and a pause if set): baselines record it so that a changed target is
    not compared."""
    return {p.path: {"within": str(p.target.within), "clock": p.clock,
                     **({} if p.target.pause_on_waiting is None else {"pause_on_waiting": p.target.pause_on_waiting})}
            for p in placed_targets(scenario)}


def calendar_unit_warnings(scenario: Targeted) -> list[tuple[str, str]]:
    """(key path, message) for targets in days or weeks on a clock that is not 24x7: 3d there is 72 hours of
    that clock (about 8 working days of office hours), rarely what was meant."""
    out: list[tuple[str, str]] = []
    for place in placed_targets(scenario):
        span = place.target.within
        if span.calendar_units and span.hours is not None and not scenario.calendar(place.clock).is_always:
            days = span.hours / 24
            out.append((place.path, f"{span} on clock {place.clock!r} is {span.hours:g} hours of that clock, not "
                                    f"{days:g} working days; write '{days:g}bd' for working days, or "
                                    f"'{span.hours:g}h' to keep the meaning and silence this warning"
                        if days == int(days) else
                        f"{span} on clock {place.clock!r} is {span.hours:g} hours of that clock; write hours "
                        f"('{span.hours:g}h') or working days ('Nbd')"))
    return out
