"""The simulation engine: with :mod:`supportsim.engine_groups`, its groups at run time, the only code that knows
SimPy.

One replication runs as a set of SimPy events with callbacks rather than a process per ticket: a ticket
arrival, a piece of work ending, a timer a strategy asked for. Each event does O(1) work plus what the
group's strategy does, so the cost per ticket does not grow with staff or queue length.

State lives in flat typed arrays indexed by **visit** (one ticket's stay at one group, see
:mod:`supportsim.tickets`): when work on it first started, last (re)started, ended, by which engineer, and
how much work is left. Times a visit was queued are not stored: the first visit is queued when the ticket
arrives, each later one when the previous ended. Interruptions (preemption, and work paused at the end of a
shift) are rare and kept in a list.

Groups whose engineers all work around the clock run exactly as above. A group with shifts is a
:class:`~supportsim.engine_groups.ShiftGroup`: each staff block that is not 24x7 gets a roster, a chain of
shift-start and shift-end events taken from its calendar (see :mod:`supportsim.calendar` and
docs/working-time.md). The groups live in :mod:`supportsim.engine_groups` and see this run through its
protocol ``Run``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
import simpy
from simpy.events import Event

from . import points
from .engine_groups import OnCallGroup, ShiftGroup, StaffedGroup, _Alarm, _Floats, _Ints, _Roster
from .records import ReplicationRecord
from .returns import Returns
from .scenario import Scenario
from .tickets import TicketStream, call_out_delays, draw_tickets
from .visit_attributes import visit_attribute, visit_ranks


class _Run:
    def __init__(self, scenario: Scenario, tickets: TicketStream, replication: int = 0,
                 contract: points.ContractRecord | None = None, seed: int | None = None):
        self.env = simpy.Environment()
        self.replication = replication
        self.scenario = scenario
        self.tickets = tickets
        self._visit_attributes: dict[str, list] = {}
        n_visits = len(tickets.route)
        # Per-visit state is kept in numpy arrays that become the record as they are (no copy at the end). The
        # hot path reads and writes them through memoryviews, which index as fast as a list and hold no Python
        # object per visit: a million tickets cost 8 bytes per column, not 32 (see docs/performance.md).
        self.columns = {
            "started": np.full(n_visits, -1.0),
            "resumed": np.full(n_visits, -1.0),
            "ended": np.full(n_visits, np.nan),
            "engineer": np.zeros(n_visits, dtype=np.int32),
        }
        self.started = cast(_Floats, self.columns["started"].data)
        self.resumed = cast(_Floats, self.columns["resumed"].data)
        self.ended = cast(_Floats, self.columns["ended"].data)
        self.engineer = cast(_Ints, self.columns["engineer"].data)
        self.remaining = cast(_Floats, np.array(tickets.work, dtype=np.float64).data)
        last = np.zeros(n_visits, dtype=np.int8)
        last[tickets.offset + tickets.visits - 1] = 1
        self.last = last.data
        self.route = np.ascontiguousarray(tickets.route).data  # sized to the groups (tickets.index_dtype)
        rank, self.ranks, vip = visit_ranks(scenario, tickets)
        self.rank_array = rank
        self.rank = rank.data
        self.vip = vip.data
        self.interruptions: list[tuple] = []
        self.pauses: list[int] = []
        self.rosters: list[_Roster] = []
        # a ticket that arrived before time 0 was already in the desk when the run began: it enters at 0 (see
        # supportsim.backlog); for every other stream this is the arrival times as they are
        self.arrived = np.maximum(np.asarray(tickets.arrived, dtype=np.float64), 0.0).data
        self.offset = np.ascontiguousarray(tickets.offset, dtype=np.int64).data
        self.n_tickets = len(tickets)
        self._on_arrival = self._arrival  # bound once, as StaffedGroup._on_finish
        self.returns: Returns | None = None
        if tickets.gap is not None:  # waits on the customer, reopens: only then does advance look at gaps
            self.returns = Returns(scenario, tickets, self.engineer, self._schedule, lambda: self.env._now)
            self.gap = tickets.gap.tolist()
            self.advance = self._advance_after_gap  # type: ignore[method-assign]
        self.ledger = None
        if contract is not None and (contract.plan >= 0).any():  # points plans: the ledger sees arrivals and work
            self.ledger = points.Ledger(scenario, tickets, contract, scenario.seed if seed is None else seed,
                                        replication, self.interruptions)
            self._uncharged_advance = self.advance
            self._on_arrival, self.advance = self._charged_arrival, self._charged_advance  # type: ignore[method-assign]
        self.groups = [self._group(scenario, g) for g in scenario.group_names]
        self.arrive_at: list[Callable[[int], None]] = [g.arrive for g in self.groups]
        if self.returns is not None:
            self.returns.groups = list(self.groups)
        if tickets.call_at.any():
            self._by_appointment(tickets)

    def _by_appointment(self, tickets: TicketStream) -> None:
        """Callbacks (see supportsim.callbacks): the first visit of a ticket whose customer picked a time joins its
        group's queue at that time. Those visits are routed to a stand-in group that waits, then hands them on; the
        ticket path and every other ticket run as before."""
        route = np.array(tickets.route, dtype=np.int64)
        called = tickets.call_at > 0.0
        first = tickets.offset[called]
        self.appointments = dict(zip(first.tolist(), zip(route[first].tolist(), tickets.call_at[called].tolist())))
        route[first] = len(self.arrive_at)
        self.route = route.data
        self.arrive_at.append(self._wait_for_appointment)

    def _wait_for_appointment(self, visit: int) -> None:
        group, delay = self.appointments.pop(visit)
        _Alarm(self.env, delay, lambda _: self.arrive_at[group](visit))

    def _group(self, scenario: Scenario, group: str) -> StaffedGroup:
        shifts = scenario.shifts_of(group)
        on_call = [block.on_call for block in scenario.groups[group].blocks]
        if any(on_call):
            if not self.tickets.call_out:  # tickets made elsewhere (a backlog, a backtest): drawn here
                self.tickets.call_out = call_out_delays(scenario, self.tickets.route, scenario.seed, self.replication)
            return OnCallGroup(self, group, shifts, scenario.policy_of(group), on_call, self.tickets.call_out)
        if all(calendar.is_always for _, calendar in shifts):
            return StaffedGroup(self, group, scenario.groups[group].headcount, scenario.policy_of(group))
        return ShiftGroup(self, group, shifts, scenario.policy_of(group),
                          scenario.groups[group].at_shift_end == "finish")

    def drained(self) -> bool:
        """Every ticket has arrived and is resolved."""
        if self.n_tickets and self.env._now <= self.arrived[self.n_tickets - 1]:
            return False
        if self.returns is not None and self.returns.away:
            return False
        return all(group.quiet() for group in self.groups)

    def _schedule(self, delay: float, callback: Callable[[Any], None], argument: Any) -> None:
        _Alarm(self.env, delay, lambda event: callback(event._value), argument)

    def _advance_after_gap(self, visit: int) -> None:
        """advance, for tickets that wait on the customer or reopen: a visit with a gap before it goes away."""
        if not self.last[visit]:
            visit += 1
            if self.gap[visit] > 0.0 or self.returns.cause[visit]:  # type: ignore[union-attr]
                self.returns.leave(visit)  # type: ignore[union-attr]
            else:
                self.arrive_at[self.route[visit]](visit)

    def visit_attribute(self, name: str) -> list:
        """A per-visit attribute, as a list (which indexes fastest), built on first use."""
        if name not in self._visit_attributes:
            self._visit_attributes[name] = visit_attribute(self.scenario, self.tickets, name).tolist()
        return self._visit_attributes[name]

    def advance(self, visit: int) -> None:
        """The visit's work is done: the ticket goes on to its next group, or is resolved."""
        if not self.last[visit]:
            visit += 1
            self.arrive_at[self.route[visit]](visit)

    def _arrival(self, event: Event) -> None:
        ticket = event._value
        visit = self.offset[ticket]
        self.arrive_at[self.route[visit]](visit)
        ticket += 1
        if ticket < self.n_tickets:
            _Alarm(self.env, self.arrived[ticket] - self.env._now, self._on_arrival, ticket)

    def _charged_arrival(self, event: Event) -> None:
        """An arrival under points plans: the ledger admits the ticket, serves it as a lower segment, or has it
        closed without work at once."""
        assert self.ledger is not None
        ticket = event._value
        outcome = self.ledger.admit(ticket, self.env._now)
        if outcome == points.DOWNGRADED:  # served as a lower segment: its ranks, VIP flags and attributes change
            points.serve_as(self.scenario, self.tickets, ticket, self.ledger.downgrade_to(ticket), self.rank, self.vip,
                            self._visit_attributes)
        if outcome != points.DECLINED and outcome != points.REFUSED:
            self._arrival(event)
            return
        now = self.env._now
        for visit in range(self.offset[ticket], self.offset[ticket] + int(self.tickets.visits[ticket])):
            self.started[visit] = self.resumed[visit] = self.ended[visit] = now
        if ticket + 1 < self.n_tickets:
            _Alarm(self.env, self.arrived[ticket + 1] - now, self._on_arrival, ticket + 1)

    def _charged_advance(self, visit: int) -> None:
        assert self.ledger is not None
        self.ledger.worked(visit, self.ended[visit] - self.resumed[visit], self.env._now)
        self._uncharged_advance(visit)

    def run(self) -> None:
        if self.n_tickets:
            _Alarm(self.env, self.arrived[0], self._on_arrival, 0)
        self.env.run()


def simulate_replication(scenario: Scenario, replication: int, seed: int | None = None) -> ReplicationRecord:
    """Draw the tickets of replication ``replication`` and simulate them until every one is resolved."""
    return simulate_tickets(scenario, replication, draw_tickets(scenario, replication, seed), seed)


def simulate_tickets(scenario: Scenario, replication: int, tickets: TicketStream,
                     seed: int | None = None) -> ReplicationRecord:
    """Simulate the given tickets until every one is resolved. Tickets with a negative arrival time were in the
    desk before the run began (a backlog, see :mod:`supportsim.backlog`): they enter at time 0 in stream order.
    Customers' contracts (cards, points) are settled around the run (see :mod:`supportsim.points`)."""
    tickets, contract = points.prepare(scenario, tickets, scenario.seed if seed is None else seed, replication)
    run = _Run(scenario, tickets, replication, contract, seed)
    run.run()
    call_outs = [(time, group.index, engineer) for group in run.groups if isinstance(group, OnCallGroup)
                 for time, engineer in group.call_outs]
    interruptions = np.array(run.interruptions, dtype=np.float64).reshape(-1, 4)
    pauses = np.zeros(len(interruptions), dtype=bool)
    pauses[run.pauses] = True
    record = ReplicationRecord(
        scenario=scenario,
        replication=replication,
        tickets=tickets,
        started=run.columns["started"],
        ended=run.columns["ended"],
        resumed=run.columns["resumed"],
        engineer=run.columns["engineer"],
        interruptions=interruptions,
        rank=run.rank_array,
        staff={g: scenario.groups[g].headcount for g in scenario.group_names},
        pauses=pauses,
        call_outs=np.array(sorted(call_outs), dtype=np.float64).reshape(-1, 3),
        contract=contract,
    )
    return record if run.returns is None else run.returns.closing(record)
