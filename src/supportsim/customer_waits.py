"""Tickets waiting on the customer, auto-closed when the customer stays silent, and reopened after resolution.

**Waiting** (``groups.<g>.waiting``, and ``waiting_by_type.<type>`` where a type differs): during a visit's work
the engineer may need an answer from the customer. With ``probability`` the visit stops after ``after`` of its
work (a share, default half); the engineer is freed; the customer answers after a time drawn from ``duration``;
then the rest of the work joins the group again (``rejoin``): at the ``back`` of the queue as a new ticket, at
the ``front`` (its old place: the head of its rank), or with the ``engineer`` who worked on it, who takes it
as soon as they are free. A visit waits at most once.

**Pause**: a target with ``pause_on_waiting`` does not count the time a ticket waits on the customer (the
usual contract: resolution pauses, reaction does not; that is the default).

**Auto-close** (``auto_close: {after: 5bd, clock: office}``): a ticket that waits longer than ``after``, counted
on ``clock``, is closed unresolved at that very moment. It counts as missed for its resolution target and is
reported apart. A segment whose contract forbids it says ``auto_close: false``.

**Reopen** (``reopen: {probability, delay, work}``, and ``types.<type>.reopen`` where a type differs): a resolved
ticket reopens with ``probability`` after ``delay`` and needs more work at the group that resolved it (``work``,
default that group's work for the ticket); a reopened ticket may reopen again with the same probability, so the
number of resolutions is geometric. Resolution is counted to the final resolution.

All of it is drawn up front with the rest of a ticket (see :mod:`supportsim.lifecycle`): a wait splits a visit
in two, a reopen adds a visit, each with the gap before it joins its group; the engine only keeps the gaps and
closes tickets (see :mod:`supportsim.returns`). This module is the pure data.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from .calendar import Calendar
from .distributions import FixedOrDistribution
from .model import Model
from .service_targets import Share, Span, Within

REJOIN = ("back", "front", "engineer")
"""Where a visit goes when the customer answers, by code (the engine reads the code)."""


class CustomerWait(Model):
    probability: Annotated[float, Field(ge=0, le=1)] = Field(
        description="Chance that a visit's work stops to wait for an answer from the customer.")
    duration: FixedOrDistribution = Field(description="Time the customer takes to answer: a duration ('4h') or a "
                                                      "distribution.")
    after: Share = Field(0.5, description="Share of the visit's work done before the question ('50%').")
    rejoin: Literal["back", "front", "engineer"] = Field(
        "back", description="When the customer answers: the back of the group's queue, the front (its old "
                            "place), or the engineer who worked on it.")


class AutoClose(Model):
    after: Within = Field(description="A ticket waiting on the customer longer than this is closed unresolved: a "
                                      "duration on the clock ('72h') or working days of it ('5bd').")
    clock: str | None = Field(None, description="Calendar the wait is counted on (default: around the clock).")


class Reopen(Model):
    probability: Annotated[float, Field(ge=0, lt=1)] = Field(
        description="Chance that a resolved ticket reopens (again after each resolution).")
    delay: FixedOrDistribution = Field(description="Time from resolution to the reopen: a duration or a distribution.")
    work: FixedOrDistribution | None = Field(None, description="Work of the reopened ticket at the group that resolved "
                                                        "it (default: that group's work for the ticket).")


def after_on_duty(calendar: Calendar, start: float, span: Span) -> float:
    """The moment ``span`` of ``calendar`` has passed since ``start``: ``hours`` of its working time, or the due
    time ``working_days`` later (inf if the calendar never works)."""
    if span.working_days is not None:
        from .workdays import add_working_days

        return float(add_working_days(calendar, start, span.working_days))
    hours = span.hours or 0.0
    if calendar.is_always:
        return start + hours
    for on, off in calendar.shifts(start):
        on = max(on, start)
        if off - on >= hours:
            return on + hours
        hours -= off - on
    return math.inf
