"""A desk that is not empty when the run begins: the tickets already queued or in work at time 0.

A **backlog** lists, per ticket, the group it is at, whether an engineer has it, how long ago it arrived and how
much work its current visit has had. :func:`with_backlog` puts those tickets in front of a replication's drawn
tickets, as tickets with negative arrival times; the engine lets every such ticket enter at time 0, in stream
order (:func:`supportsim.engine.simulate_tickets`). Tickets in work come first, oldest first, so that the idle
engineers of time 0 take them at once; then the queued ones, oldest first, so a first-come strategy serves them
in the order they came.

What a backlog cannot know is drawn, on random streams of its own (the drawn tickets' streams are untouched):
the rest of each ticket's route, from its current group by the scenario's escalation shares; the work of each
later visit; the work of a queued visit; and the work left on a visit in progress, from the group's work
distribution given that the work already done was not enough (residual life, by rejection).

Nothing here is on the engine's hot path: a run without a backlog draws and simulates exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import Scenario
from .tickets import TicketStream, _routes, _work, entry_groups, index_dtype, stream

RESIDUAL_TRIES = 64
"""Redraws of a visit in progress whose drawn work is not more than the work already done; after that, the
work left is one unconditional draw (a visit far in the tail of its distribution)."""


@dataclass
class Backlog:
    """Tickets in the desk at time 0, one entry each (arrays of equal length)."""

    group: np.ndarray     # int: index into scenario.group_names of the group it is at
    working: np.ndarray   # bool: an engineer has it (else it is queued)
    age: np.ndarray       # float hours since the ticket arrived (>= 0)
    done: np.ndarray      # float hours of work its current visit has had (0 when queued)
    segment: np.ndarray   # int: index into scenario.segment_names
    priority: np.ndarray  # int: index into scenario.priority_names (0 when none are declared)

    def __len__(self) -> int:
        return len(self.group)

    @classmethod
    def empty(cls) -> Backlog:
        z = np.zeros(0)
        return cls(z.astype(np.int64), z.astype(bool), z, z, z.astype(np.int64), z.astype(np.int64))


def backlog_tickets(scenario: Scenario, backlog: Backlog, replication: int, seed: int | None = None) -> TicketStream:
    """The backlog as tickets: in work first, then queued, each oldest first; arrival times are minus the ages."""
    seed = scenario.seed if seed is None else seed
    order = np.lexsort((-backlog.age, ~backlog.working))
    group, working = backlog.group[order], backlog.working[order]
    age, done = backlog.age[order], backlog.done[order]
    segment, priority = backlog.segment[order], backlog.priority[order]
    n = len(order)
    matrix = _routes(scenario, n, stream(seed, replication, "backlog:routing"), group, -age, segment)
    offset, visits, route, work = _visits(scenario, matrix, segment, priority, seed, replication, "backlog:work")
    first = offset[working]
    work[first] = _left(scenario, route[first], segment[working], priority[working], done[working], seed,
                        replication)
    return TicketStream(-age, segment.astype(index_dtype(len(scenario.segments))),
                        priority.astype(index_dtype(len(scenario.priorities or {}))), offset, visits, route, work,
                        customer=stream(seed, replication, "backlog:customers").random(n))


def _left(scenario: Scenario, route: np.ndarray, segment: np.ndarray, priority: np.ndarray, done: np.ndarray, seed: int,
          replication: int) -> np.ndarray:
    """Work left on visits in progress: a draw W of the visit's work given W > done, minus done."""
    total = np.full(len(route), np.nan)
    for attempt in range(RESIDUAL_TRIES):
        need = np.flatnonzero(np.isnan(total))
        if not len(need):
            break
        drawn = _work(scenario, route[need], segment[need], priority[need], seed, replication,
                      f"backlog:residual{attempt}")
        ok = drawn > done[need]
        total[need[ok]] = drawn[ok]
    rest = np.isnan(total)
    if rest.any():
        total[rest] = done[rest] + _work(scenario, route[rest], segment[rest], priority[rest], seed, replication,
                                         "backlog:residual")
    left: np.ndarray = total - done
    return left


def with_backlog(scenario: Scenario, tickets: TicketStream, backlog: Backlog, replication: int,
                 seed: int | None = None) -> TicketStream:
    """The backlog's tickets (first) and the drawn ones, as one stream for
    :func:`supportsim.engine.simulate_tickets`. Ticket i of ``tickets`` is ticket ``len(backlog) + i``."""
    if not len(backlog):
        return tickets
    b = backlog_tickets(scenario, backlog, replication, seed)
    offset = np.concatenate([b.offset, tickets.offset + len(b.route)])
    burst = None
    if tickets.burst is not None:
        burst = np.concatenate([np.full(len(b), -1, dtype=tickets.burst.dtype), tickets.burst])
    assert b.customer is not None and tickets.customer is not None and tickets.activity is not None
    return TicketStream(np.concatenate([b.arrived, tickets.arrived]),
                        np.concatenate([b.segment, tickets.segment]),
                        np.concatenate([b.priority, tickets.priority]), offset,
                        np.concatenate([b.visits, tickets.visits]), np.concatenate([b.route, tickets.route]),
                        np.concatenate([b.work, tickets.work]), burst=burst,
                        customer=np.concatenate([b.customer, tickets.customer]),
                        activity=np.concatenate([np.zeros(len(b.route), dtype=np.int8), tickets.activity]),
                        activities=tickets.activities)


def given_tickets(scenario: Scenario, arrived: np.ndarray, segment: np.ndarray, priority: np.ndarray,
                  replication: int, seed: int | None = None) -> TicketStream:
    """Tickets that arrive when and as given (a history replayed), their routes and work drawn as
    :func:`supportsim.tickets.draw_tickets` draws them, on the same named streams. Visits a policy inserts
    (a first contact) are not added."""
    seed = scenario.seed if seed is None else seed
    n = len(arrived)
    at = np.asarray(arrived, dtype=np.float64)
    matrix = _routes(scenario, n, stream(seed, replication, "routing"), entry_groups(scenario, at, segment), at,
                     segment)
    offset, visits, route, work = _visits(scenario, matrix, segment, priority, seed, replication, "work")
    return TicketStream(np.asarray(arrived, dtype=np.float64), segment.astype(index_dtype(len(scenario.segments))),
                        priority.astype(index_dtype(len(scenario.priorities or {}))), offset, visits, route, work,
                        customer=stream(seed, replication, "customers").random(n))


def _visits(scenario: Scenario, matrix: np.ndarray, segment: np.ndarray, priority: np.ndarray, seed: int,
            replication: int, purpose: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(offset, visits, route, work) of tickets from their route matrix, work drawn on streams ``purpose:group``."""
    present = matrix >= 0
    visits = present.sum(axis=1).astype(np.int64)
    offset = np.zeros(len(matrix), dtype=np.int64)
    np.cumsum(visits[:-1], out=offset[1:])
    route = matrix[present].astype(index_dtype(len(scenario.groups)))
    ticket = np.repeat(np.arange(len(matrix)), visits)
    return offset, visits, route, _work(scenario, route, segment[ticket], priority[ticket], seed, replication, purpose)
