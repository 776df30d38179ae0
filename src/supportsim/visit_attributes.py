"""The per-visit attributes a strategy may read through its group (see docs/extending.md).

They describe what a real desk knows when a visit arrives; the drawn work content is not among them but for
``oracle_work``, whose name says what it is.
"""

from __future__ import annotations

import math

import numpy as np

from .calendar import Calendar
from .scenario import Scenario, WorkByClass
from .service_targets import target_classes
from .tickets import TicketStream
from .units import WEEK
from .visits import WORK
from .workdays import add_working_days

TICKET_ATTRIBUTES = ("priority", "segment", "customer", "arrived")
"""Attributes of the ticket, the same for each of its visits."""


def visit_attribute(scenario: Scenario, tickets: TicketStream, name: str) -> np.ndarray:
    """One per-visit attribute of the tickets (see the Group protocol for what each means)."""
    if name in TICKET_ATTRIBUTES:
        return getattr(tickets, name)[tickets.ticket_of_visit]
    if name == "activity":
        return tickets.activity
    if name == "expected_work":
        return expected_work(scenario, tickets)
    if name == "oracle_work":
        return np.asarray(tickets.work, dtype=np.float64)
    if name in ("reaction_deadline", "resolution_deadline"):
        return _deadlines(scenario, tickets, name.partition("_")[0])
    raise AttributeError(f"no per-visit attribute {name!r}")


def expected_work(scenario: Scenario, tickets: TicketStream) -> np.ndarray:
    """Per visit, the mean of the distribution its work is drawn from: the group's work for this ticket's
    segment and priority, or the inserted visit's work distribution."""
    ticket = tickets.ticket_of_visit
    segment, priority = tickets.segment[ticket], tickets.priority[ticket]
    out = np.empty(len(tickets.route))
    is_work = tickets.activity == WORK
    for g, name in enumerate(scenario.group_names):
        spec = scenario.groups[name].work
        here = is_work & (tickets.route == g)
        if spec is None:
            out[here] = math.nan  # work by type only: filled in below
        elif not isinstance(spec, WorkByClass):
            out[here] = spec.mean_hours
        else:
            for s, seg in enumerate(scenario.segment_names):
                for p, pri in enumerate(scenario.priority_names or [""]):
                    out[here & (segment == s) & (priority == p)] = spec.for_ticket(seg, pri).mean_hours
        if tickets.type is not None:
            kind = tickets.type[ticket]
            for type_name, dist in scenario.groups[name].work_by_type.items():
                out[here & (kind == scenario.type_names.index(type_name))] = dist.mean_hours
    for visit in scenario.extra_visits():
        code = tickets.activities.index(visit.activity)
        group = scenario.group_names.index(visit.group)
        out[(tickets.activity == code) & (tickets.route == group)] = visit.work.mean_hours
    return out


def _deadlines(scenario: Scenario, tickets: TicketStream, measure: str) -> np.ndarray:
    """Per visit, when its ticket's SLA target for ``measure`` falls due: arrival plus the target, counted on
    the SLA's clock; infinite where the segment has no such target."""
    arrived = tickets.arrived[tickets.ticket_of_visit]
    segment = tickets.segment[tickets.ticket_of_visit]
    kind = tickets.type[tickets.ticket_of_visit] if tickets.type is not None else None
    out = np.full(len(arrived), math.inf)
    for here, target, clock_name in target_classes(scenario, scenario.segment_names, scenario.type_names, segment,
                                                   kind, measure):  # each ticket's own target (its type's, if any)
        if target is None or not here.any():
            continue
        clock = scenario.calendar(clock_name)  # the target's own clock
        if target.hours is None:  # working days: the due time N working days later
            out[here] = add_working_days(clock, arrived[here], target.within.working_days or 0)
        else:
            out[here] = (arrived[here] + target.hours if clock.is_always
                         else _after_business_hours(clock, arrived[here], target.hours))
    return out


def _after_business_hours(clock: Calendar, start: np.ndarray, hours: float) -> np.ndarray:
    """The first times at which ``hours`` on-duty hours of ``clock`` have passed since ``start`` (bisection)."""
    if clock.hours_per_week <= 0:
        return np.full(len(start), math.inf)
    goal = clock.on_time(start) + hours
    holidays = float((clock.holidays[:, 1] - clock.holidays[:, 0]).sum()) if len(clock.holidays) else 0.0
    low = start.copy()
    high = start + (hours / clock.hours_per_week + 2.0) * WEEK + holidays
    for _ in range(60):  # 60 halvings of a span of weeks: far below a second
        middle = (low + high) / 2
        reached = clock.on_time(middle) >= goal
        high = np.where(reached, middle, high)
        low = np.where(reached, low, middle)
    return high
