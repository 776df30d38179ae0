"""Visits that join their group after a gap, at run time: the rest of a visit after the customer answers, and a
reopened ticket's new visit (drawn up front, see :mod:`supportsim.lifecycle`); and tickets auto-closed while
they wait on the customer (see :mod:`supportsim.customer_waits`).

The engine hands each such visit here when the visit before it ends; this module asks the engine to call it
back when the gap is over (``schedule``) and never touches SimPy itself. Only scenarios with waits or reopens
pay for any of it: the engine's hot path is the same without them.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .customer_waits import REJOIN, after_on_duty
from .lifecycle import ANSWERED, rejoin_codes
from .records import ReplicationRecord
from .scenario import Scenario
from .strategies import Strategy
from .tickets import TicketStream

FRONT, ENGINEER = REJOIN.index("front"), REJOIN.index("engineer")


class HandBack:
    """The part of an engine group that takes answered visits back: to the engineer who had the visit (held for
    them until they are free), or to its old place in the queue."""

    serving: list[int]          # per engineer: the visit in work, or -1
    held: list[deque[int]]      # per engineer: answered visits waiting for them
    strategy: Strategy
    arrive: Callable[[int], None]  # a new visit at the group: the strategy's
    if TYPE_CHECKING:
        def start(self, engineer: int, visit: int, pace: float = 1.0) -> None: ...

    def rejoin_front(self, visit: int) -> None:
        self.strategy.rejoin_front(visit)

    def hand_back(self, engineer: int, visit: int) -> None:
        """The visit goes to the engineer who had it: now if they are free, else as soon as they are."""
        if self.is_free(engineer):
            self.strategy.withdraw(engineer)
            self.start(engineer, visit)
        else:
            self.held[engineer].append(visit)

    def is_free(self, engineer: int) -> bool:
        """On duty and neither at work nor on the way to it."""
        return self.serving[engineer] < 0

    def release_held_first(self, engineer: int) -> None:
        """The engineer is free: a visit held for them first, else what the strategy gives."""
        held = self.held[engineer]
        if held:
            self.start(engineer, held.popleft())
        else:
            self.strategy.release(engineer)


class Engineers(Protocol):
    """Per visit, the engineer who first took it (the engine's column)."""

    def __getitem__(self, index: int, /) -> int: ...


Schedule = Callable[[float, Callable[[Any], None], Any], None]


class Returns:
    """The visits away from their group (waiting on the customer, or resolved until they reopen), and the
    tickets closed unresolved while they waited."""

    def __init__(self, scenario: Scenario, tickets: TicketStream, engineer: Engineers, schedule: Schedule,
                 now: Callable[[], float]):
        assert tickets.gap is not None and tickets.cause is not None, "visits with gaps come from supportsim.lifecycle"
        self.groups: list[HandBack] = []  # the engine's, filled in once they exist
        self.route = tickets.route.tolist()
        self.gap = tickets.gap.tolist()
        self.cause = tickets.cause.tolist()
        ticket = tickets.ticket_of_visit
        self.ticket = ticket.tolist()
        visit_type = tickets.type[ticket] if tickets.type is not None else None
        self.rejoin = rejoin_codes(scenario, tickets.route, visit_type).tolist()
        self.engineer = engineer
        self.schedule, self.now = schedule, now
        rule = scenario.auto_close
        allowed = np.array([s.auto_close for s in scenario.segments.values()], dtype=bool)
        self.closes = (allowed[tickets.segment] if rule is not None else np.zeros(len(tickets), dtype=bool)).tolist()
        self.clock = scenario.calendar(rule.clock if rule is not None else None)
        self.limit = rule.after if rule is not None else None
        # no wait this short can be too long (its on-duty time is at most its length; N working days are at least
        # N calendar days, less an hour of a daylight-saving change): most waits need no calendar
        span = rule.after if rule is not None else None
        self.surely_short = (0.0 if span is None else span.hours if span.hours is not None
                             else 24.0 * (span.working_days or 0) - 2.0)
        self.closed = np.full(len(tickets), math.nan)
        self.cut: dict[int, int] = {}  # closed ticket -> its first visit never reached
        self.away = 0

    def leave(self, visit: int) -> None:
        """The visit before ``visit`` ended: ``visit`` joins its group after its gap, unless the ticket is
        auto-closed first (a wait longer than the limit on its clock)."""
        now, gap = self.now(), self.gap[visit]
        self.away += 1
        if (self.limit is not None and gap > self.surely_short and self.cause[visit] == ANSWERED
                and self.closes[self.ticket[visit]]):
            limit = after_on_duty(self.clock, now, self.limit)
            if now + gap > limit:
                self.schedule(limit - now, self._close, visit)
                return
        self.schedule(gap, self._back, visit)

    def _back(self, visit: int) -> None:
        self.away -= 1
        group = self.groups[self.route[visit]]
        if self.cause[visit] == ANSWERED and self.rejoin[visit] == FRONT:
            group.rejoin_front(visit)
        elif self.cause[visit] == ANSWERED and self.rejoin[visit] == ENGINEER:
            group.hand_back(self.engineer[visit - 1], visit)
        else:
            group.arrive(visit)

    def _close(self, visit: int) -> None:
        self.away -= 1
        ticket = self.ticket[visit]
        self.closed[ticket] = self.now()
        self.cut[ticket] = visit


    def closing(self, record: ReplicationRecord) -> ReplicationRecord:
        """The record with the close times, and without the visits closed tickets never reached."""
        if not self.cut:
            return replace(record, closed=self.closed)
        keep = reached(record.tickets, self.cut)
        renumbered = np.cumsum(keep) - 1
        pieces = record.interruptions.copy()
        pieces[:, 0] = renumbered[pieces[:, 0].astype(np.int64)]
        return replace(record, tickets=reached_tickets(record.tickets, keep), started=record.started[keep],
                       ended=record.ended[keep], resumed=record.resumed[keep], engineer=record.engineer[keep],
                       rank=record.rank[keep], interruptions=pieces, closed=self.closed)


def reached(tickets: TicketStream, cut: dict[int, int]) -> np.ndarray:
    """Per visit, whether it was reached: not one of a closed ticket's visits from its cut on."""
    keep = np.ones(len(tickets.route), dtype=bool)
    for ticket, first in cut.items():
        keep[first:tickets.offset[ticket] + tickets.visits[ticket]] = False
    return keep


def reached_tickets(tickets: TicketStream, keep: np.ndarray) -> TicketStream:
    """The tickets with only the visits in ``keep``."""
    visits = np.add.reduceat(keep.astype(np.int64), tickets.offset) if len(tickets) else tickets.visits
    offset = np.zeros(len(visits), dtype=np.int64)
    np.cumsum(visits[:-1], out=offset[1:])
    return TicketStream(tickets.arrived, tickets.segment, tickets.priority, offset, visits, tickets.route[keep],
                        tickets.work[keep], burst=tickets.burst, customer=tickets.customer,
                        activity=tickets.activity[keep], activities=tickets.activities,
                        call_out={k: v[keep] for k, v in tickets.call_out.items()}, type=tickets.type,
                        gap=None if tickets.gap is None else tickets.gap[keep],
                        cause=None if tickets.cause is None else tickets.cause[keep])
