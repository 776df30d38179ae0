"""A ticket's life beyond its route, drawn up front: reopens and waits on the customer (see
:mod:`supportsim.customer_waits` for what they mean).

Both become visits. A reopen adds a visit after the ticket's last one, at the group that resolved it; a wait
splits a visit in two, the work before the question and the rest after the answer. Each added visit carries
its **gap** (the time between the end of the visit before it and its joining the group's queue: the reopen's
delay, the customer's answer) and its **cause** (``ANSWERED``, ``REOPENED``; ``ROUTED`` for the rest). Visits
are flat arrays as in :class:`supportsim.tickets.TicketStream`; the functions here take and give those arrays
(``Visits``), and draw on random streams named after what they draw (``rng(purpose)``), so a scenario without
reopens and waits draws nothing here and its tickets are as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .customer_waits import REJOIN, CustomerWait, Reopen
from .limits import MAX_VISITS
from .scenario import Scenario
from .visits import WORK

ROUTED, ANSWERED, REOPENED = 0, 1, 2
"""Causes of a visit: routing (entry, escalation), the customer's answer after a wait, a reopen."""

Streams = Callable[[str], np.random.Generator]


@dataclass
class Visits:
    """Tickets' visits as flat arrays: ``visits[t]`` per ticket; per visit ``route``, ``work``, ``activity``,
    ``gap`` and ``cause`` (in ticket order, each ticket's visits in order)."""

    visits: np.ndarray
    route: np.ndarray
    work: np.ndarray
    activity: np.ndarray
    gap: np.ndarray
    cause: np.ndarray

    @property
    def offset(self) -> np.ndarray:
        offset = np.zeros(len(self.visits), dtype=np.int64)
        np.cumsum(self.visits[:-1], out=offset[1:])
        return offset

    @property
    def ticket(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.visits)), self.visits)


def insert_after(v: Visits, where: np.ndarray, route: np.ndarray, work: np.ndarray, gap: np.ndarray,
                 cause: int) -> Visits:
    """The visits with one new visit right after each visit in ``where`` (distinct indices), of activity
    ``work``; the others keep their order."""
    added = np.zeros(len(v.route), dtype=np.int64)
    added[where] = 1
    old = np.arange(len(v.route)) + np.cumsum(added) - added  # new index of each old visit
    new = old[where] + 1
    total = len(v.route) + len(where)

    def merged(column: np.ndarray, values: np.ndarray | int | float) -> np.ndarray:
        out = np.empty(total, dtype=column.dtype)
        out[old] = column
        out[new] = values
        return out

    visits = v.visits + np.bincount(v.ticket[where], minlength=len(v.visits))
    return Visits(visits, merged(v.route, route), merged(v.work, work), merged(v.activity, WORK),
                  merged(v.gap, gap), merged(v.cause, cause))


def with_reopens(scenario: Scenario, v: Visits, ticket_type: np.ndarray | None, rng: Streams,
                 work_of: Callable[[np.ndarray, np.ndarray, str], np.ndarray]) -> Visits:
    """Each ticket reopens with its probability (its type's ``reopen``, else the scenario's) after each
    resolution: a geometric number of reopens, each a visit at the group of the ticket's last visit after a
    delay. ``work_of(route, tickets, purpose)`` draws a group's own work for visits of those tickets."""
    names: list[str | None] = [*scenario.type_names] or [None]
    specs: list[Reopen | None] = [scenario.reopen_for(t) for t in names]
    if not any(specs):
        return v
    kind = ticket_type if ticket_type is not None else np.zeros(len(v.visits), dtype=np.int64)
    probability = np.array([s.probability if s is not None else 0.0 for s in specs])[kind]
    u = rng("reopen").random(len(v.visits))
    with np.errstate(divide="ignore"):
        count = np.where(probability > 0, np.floor(np.log(u) / np.log(np.maximum(probability, 1e-300))), 0)
    count = np.minimum(count, MAX_VISITS).astype(np.int64)  # a reopen is one visit, never cut short by routing
    for round_ in range(1, int(count.max(initial=0)) + 1):
        tickets = np.flatnonzero(count >= round_)
        last = v.offset[tickets] + v.visits[tickets] - 1
        route = v.route[last]
        work = work_of(route, tickets, f"reopen{round_}")
        gap = np.empty(len(tickets))
        for index, spec in enumerate(specs):
            mine = kind[tickets] == index
            if spec is None or not mine.any():
                continue
            gap[mine] = spec.delay.sample(rng(f"reopen{round_}:delay:{index}"), int(mine.sum()))
            if spec.work is not None:
                work[mine] = spec.work.sample(rng(f"reopen{round_}:work:{index}"), int(mine.sum()))
        v = insert_after(v, last, route, work, gap, REOPENED)
    return v


def with_waits(scenario: Scenario, v: Visits, ticket_type: np.ndarray | None, rng: Streams) -> Visits:
    """Visits that stop to wait on the customer, each split in two: the work before the question, then (after
    the customer's answer, the gap) the rest."""
    names: list[str | None] = [*scenario.type_names] or [None]
    if not any(scenario.wait_of(g, t) for g in scenario.group_names for t in names):
        return v
    visit_type = (ticket_type if ticket_type is not None else np.zeros(len(v.visits), dtype=np.int64))[v.ticket]
    u = rng("waiting").random(len(v.route))
    chosen = np.zeros(len(v.route), dtype=bool)
    after = np.zeros(len(v.route))
    duration = np.zeros(len(v.route))
    for g, group in enumerate(scenario.group_names):
        for index, t in enumerate(names):
            spec = scenario.wait_of(group, t)
            here = (v.route == g) & (visit_type == index) & (v.activity == WORK)
            if spec is None or not here.any():
                continue
            duration[here] = spec.duration.sample(rng(f"waiting:{group}:{t or ''}"), int(here.sum()))
            after[here] = spec.after
            chosen |= here & (u < spec.probability)
    where = np.flatnonzero(chosen & (np.repeat(v.visits, v.visits) < MAX_VISITS))
    rest = v.work[where] * (1.0 - after[where])
    v.work[where] = v.work[where] * after[where]
    return insert_after(v, where, v.route[where], rest, duration[where], ANSWERED)


def rejoin_codes(scenario: Scenario, route: np.ndarray, visit_type: np.ndarray | None) -> np.ndarray:
    """Per visit, where it goes when the customer answers (an index into customer_waits.REJOIN)."""
    out = np.zeros(len(route), dtype=np.int8)
    names: list[str | None] = [*scenario.type_names] or [None]
    for g, group in enumerate(scenario.group_names):
        for index, t in enumerate(names):
            spec: CustomerWait | None = scenario.wait_of(group, t)
            if spec is not None:
                here = route == g
                if visit_type is not None:
                    here &= visit_type == index
                out[here] = REJOIN.index(spec.rejoin)
    return out
