"""Engineer groups at run time, for the engine (:mod:`supportsim.engine`), which alone uses them.

A :class:`StaffedGroup` is a group whose engineers all work around the clock; a :class:`ShiftGroup` has staff
blocks on calendars, each of which gets a :class:`_Roster` of shift-start and shift-end events; an
:class:`OnCallGroup` has engineers at home between calls. A group sees the replication it runs in through the
protocol :class:`Run` (the engine's per-visit state and a few services), so this module does not import the
engine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT, Event, Timeout

from .calendar import Calendar
from .returns import HandBack, Returns
from .scenario import Scenario
from .skills import abilities, need_classes
from .strategies import PolicyConfig, strategy_for
from .tickets import TicketStream


class _Alarm(Event):
    """A SimPy timeout with its one callback given up front, for the two events every ticket makes.

    ``Timeout`` serves arbitrary callers: it checks the delay, then schedules, and the callback is appended
    afterwards. On the hot path those steps cost about a fifth of the run, so this event does the same in one
    step, through SimPy's public ``env.schedule`` with Timeout's priority (NORMAL): events run in the very order
    Timeout would give them and results do not change. Delays come from the engine (work left, time to the
    next arrival), never negative. tests/test_bench.py replays the engine's tickets through a hand-written loop
    and would catch a change of order.
    """

    _ok = True  # an alarm always succeeds, as a Timeout does; SimPy's step() reads this after the callbacks

    def __init__(self, env: simpy.Environment, delay: float, callback: Callable[[Any], None], value: Any = None):
        self.env = env
        self.callbacks = [callback]
        self._value = value
        env.schedule(self, NORMAL, delay)


class _Floats(Protocol):
    """A float64 column through its memoryview: indexed like a list, one float per visit."""

    def __getitem__(self, index: int, /) -> float: ...
    def __setitem__(self, index: int, value: float, /) -> None: ...


class _Ints(Protocol):
    """An integer column through its memoryview: indexed like a list, one int per visit."""

    def __getitem__(self, index: int, /) -> int: ...
    def __setitem__(self, index: int, value: int, /) -> None: ...


class Run(Protocol):
    """What a group sees of the replication it runs in: the per-visit state columns (see :mod:`supportsim.engine`)
    and the services of the run."""

    @property
    def env(self) -> simpy.Environment: ...
    @property
    def scenario(self) -> Scenario: ...
    @property
    def tickets(self) -> TicketStream: ...
    @property
    def rank(self) -> memoryview: ...
    @property
    def ranks(self) -> int: ...
    @property
    def vip(self) -> memoryview: ...
    @property
    def started(self) -> _Floats: ...
    @property
    def resumed(self) -> _Floats: ...
    @property
    def ended(self) -> _Floats: ...
    @property
    def remaining(self) -> _Floats: ...
    @property
    def engineer(self) -> _Ints: ...
    @property
    def interruptions(self) -> list[tuple]: ...
    @property
    def pauses(self) -> list[int]: ...
    @property
    def rosters(self) -> list[_Roster]: ...
    @property
    def returns(self) -> Returns | None: ...
    def advance(self, visit: int) -> None: ...
    def drained(self) -> bool: ...
    def visit_attribute(self, name: str) -> list: ...


class StaffedGroup(HandBack):
    """One engineer group at run time: its engineers and its strategy (what strategies see of it is the
    protocol strategies.Group; what waits on the customer need of it, supportsim.returns.HandBack)."""

    def __init__(self, run: Run, name: str, staff: int, policy: PolicyConfig):
        self.run = run
        self.env = run.env
        self.name = name
        self.staff = staff
        self.scenario = run.scenario
        self.rank = run.rank
        self.ranks = run.ranks
        self.priorities = max(1, len(run.scenario.priorities or {}))
        self.vip = run.vip
        self.vip_privileges = run.scenario.honours_vip(name)
        self.serving = [-1] * staff
        self.pending: list[Event | None] = [None] * staff
        self.pace = [1.0] * staff
        self._started, self._resumed = run.started, run.resumed
        self._remaining, self._engineer = run.remaining, run.engineer
        self._ended = run.ended
        self._advance = run.advance
        self._on_finish = self._finish  # bound once: start() runs for every visit, and binding costs ~5%
        blocks = run.scenario.groups[name].blocks
        self.able = abilities(blocks, need_classes(run.scenario.skills)) if run.scenario.skills else None
        self.paces = [block.pace for block in blocks for _ in range(block.count)]
        if any(pace != 1.0 for pace in self.paces):
            self.start = self._paced_start  # type: ignore[method-assign]  # only groups with a pace pay for it
        self.strategy = strategy_for(policy).for_group(policy, self)
        self.arrive = self.strategy.arrive
        self._free = self.strategy.release
        if run.returns is not None:  # visits may come back to the engineer who had them (supportsim.returns)
            self.held = [deque() for _ in range(staff)]
            self._free = self.release_held_first
        self._release = self._free
        for engineer in reversed(range(staff)):
            self._release(engineer)

    # per-visit attributes few strategies need (see supportsim.visit_attributes): built on first use, shared by the
    # groups of the run
    priority = property(lambda self: self.run.visit_attribute("priority"))
    segment = property(lambda self: self.run.visit_attribute("segment"))
    customer = property(lambda self: self.run.visit_attribute("customer"))
    arrived = property(lambda self: self.run.visit_attribute("arrived"))
    activity = property(lambda self: self.run.visit_attribute("activity"))
    expected_work = property(lambda self: self.run.visit_attribute("expected_work"))
    reaction_deadline = property(lambda self: self.run.visit_attribute("reaction_deadline"))
    resolution_deadline = property(lambda self: self.run.visit_attribute("resolution_deadline"))
    oracle_work = property(lambda self: self.run.visit_attribute("oracle_work"))
    need = property(lambda self: self.run.visit_attribute("need"))

    @property
    def activities(self) -> tuple[str, ...]:
        return self.run.tickets.activities

    @property
    def now(self) -> float:
        return self.env.now

    def start(self, engineer: int, visit: int, pace: float = 1.0) -> None:
        env = self.env
        now = env._now
        if self._started[visit] < 0.0:
            self._started[visit] = now
            self._engineer[visit] = engineer
        self._resumed[visit] = now
        self.serving[engineer] = visit
        self.pace[engineer] = pace
        work = self._remaining[visit] * pace if pace != 1.0 else self._remaining[visit]
        self.pending[engineer] = _Alarm(env, work, self._on_finish, engineer)

    def _paced_start(self, engineer: int, visit: int, pace: float = 1.0) -> None:
        """start() for a group whose staff blocks set a pace: the engineer's own pace times the strategy's."""
        type(self).start(self, engineer, visit, pace * self.paces[engineer])

    def _finish(self, event: Timeout) -> None:
        engineer = event._value
        visit = self.serving[engineer]
        self.serving[engineer] = -1
        self._ended[visit] = self.env._now
        self._release(engineer)
        self._advance(visit)

    def interrupt(self, engineer: int) -> int:
        visit = self.serving[engineer]
        pending = self.pending[engineer]
        assert pending is not None, "an engineer at work has a finish event"
        pending.callbacks.clear()  # the finish event still fires, but does nothing
        now = self.env._now
        done = (now - self._resumed[visit]) / self.pace[engineer]
        self._remaining[visit] = max(0.0, self._remaining[visit] - done)
        self.run.interruptions.append((visit, engineer, self._resumed[visit], now))
        self.serving[engineer] = -1
        return visit

    def call_later(self, delay: float, callback: Callable[[Any], None], argument: Any) -> None:
        timer = Timeout(self.env, delay, argument)
        timer.callbacks.append(lambda event: callback(event._value))

    def quiet(self) -> bool:
        """No visit waits here and no engineer is at work (for ending the run, not the hot path)."""
        held = self.run.returns is not None and any(self.held)
        return self.strategy.waiting() == 0 and all(v < 0 for v in self.serving) and not held


class ShiftGroup(StaffedGroup):
    """A group whose engineers work shifts.

    An engineer takes no new work off shift. Work in progress when a shift ends pauses: the piece of work
    ends there (recorded like an interruption, so busy time stays exact) and the visit waits for the same
    engineer, who resumes it first thing at their next shift start. Work that is done at the very instant the
    shift ends counts as done, not paused. With ``at_shift_end: finish`` the engineer instead finishes the
    ticket in hand before leaving (and takes no new one).
    """

    def __init__(self, run: Run, name: str, shifts: list[tuple[int, Calendar]], policy: PolicyConfig,
                 finish: bool = False):
        super().__init__(run, name, sum(count for count, _ in shifts), policy)
        self.finish = finish
        self.on_shift = [True] * self.staff
        self.paused = [-1] * self.staff
        first = 0
        for count, calendar in shifts:
            team = list(range(first, first + count))
            first += count
            if not calendar.is_always:
                run.rosters.append(_Roster(self, team, calendar))
        self._release = self._release_on_shift  # work done off shift (at its very end) frees no one

    def _release_on_shift(self, engineer: int) -> None:
        if self.on_shift[engineer]:
            self._free(engineer)

    def is_free(self, engineer: int) -> bool:
        return self.on_shift[engineer] and self.paused[engineer] < 0 and self.serving[engineer] < 0

    def shift_start(self, team: list[int]) -> None:
        for engineer in reversed(team):  # like the first release: the lowest-numbered engineer is picked first
            self.on_shift[engineer] = True
            if self.serving[engineer] >= 0:  # still finishing a ticket of the last shift: released when done
                continue
            visit = self.paused[engineer]
            if visit >= 0:
                self.paused[engineer] = -1
                self.strategy.resume(engineer, visit)
            else:
                self._release(engineer)

    def shift_end(self, team: list[int]) -> None:
        now = self.env._now
        for engineer in team:
            self.on_shift[engineer] = False
            visit = self.serving[engineer]
            if visit < 0:
                self.strategy.withdraw(engineer)
                continue
            self.strategy.pause(engineer)
            if self.finish:
                continue
            left = self._remaining[visit] - (now - self._resumed[visit]) / self.pace[engineer]
            if left <= 1e-12 * max(1.0, now):  # a few units of rounding in the last place of `now`
                continue  # done this very instant: its finish event fires next and does not release the engineer
            pending = self.pending[engineer]
            assert pending is not None, "an engineer at work has a finish event"
            pending.callbacks.clear()
            self._remaining[visit] = left
            self.run.pauses.append(len(self.run.interruptions))
            self.run.interruptions.append((visit, engineer, self._resumed[visit], now))
            self.serving[engineer] = -1
            self.paused[engineer] = visit

    def quiet(self) -> bool:
        return super().quiet() and all(v < 0 for v in self.paused)


class OnCallGroup(ShiftGroup):
    """A group with staff on call (see docs/working-time.md): an on-call engineer is at home between calls.
    Work given to one at home starts after the call-out delay (the engineer is taken, the visit not yet
    started: the delay counts in reaction); once there, they take the next waiting visit without another
    call-out, and go home when nothing waits. Shifts work as in :class:`ShiftGroup` (an on-call block's
    calendar is its cover); each call-out is recorded as (time, engineer)."""

    def __init__(self, run: Run, name: str, shifts: list[tuple[int, Calendar]], policy: PolicyConfig,
                 on_call: list[bool], delays: dict[tuple[int, int], np.ndarray]):
        self.index = run.scenario.group_names.index(name)
        self.block_of: list[int] = []
        for block, (count, _) in enumerate(shifts):
            self.block_of += [block] * count
        self.on_call = [on_call[block] for block in self.block_of]
        self.at_home = list(self.on_call)
        self.travelling = [False] * len(self.block_of)
        self.delays = delays
        self.call_outs: list[tuple[float, int]] = []
        super().__init__(run, name, shifts, policy)

    def start(self, engineer: int, visit: int, pace: float = 1.0) -> None:
        if not self.at_home[engineer]:
            super().start(engineer, visit, pace)
            return
        self.at_home[engineer] = False
        self.travelling[engineer] = True
        self.call_outs.append((self.env._now, engineer))
        self.serving[engineer] = visit
        delay = float(self.delays[(self.index, self.block_of[engineer])][visit])
        self.pending[engineer] = _Alarm(self.env, delay, self._on_site, (engineer, visit, pace))

    def _on_site(self, event: Event) -> None:
        engineer, visit, pace = event._value
        self.travelling[engineer] = False
        super().start(engineer, visit, pace)

    def _finish(self, event: Timeout) -> None:
        engineer = event._value
        super()._finish(event)
        if self.on_call[engineer] and self.serving[engineer] < 0:
            self.at_home[engineer] = True  # nothing waits: home until the next call

    def _cancel_call_out(self, engineer: int) -> int:
        """The engineer on the way is stopped (interrupted, or cover ends): the visit was not started."""
        pending = self.pending[engineer]
        assert pending is not None, "a called-out engineer has an arrival event"
        pending.callbacks.clear()
        self.travelling[engineer] = False
        visit = self.serving[engineer]
        self.serving[engineer] = -1
        return visit

    def interrupt(self, engineer: int) -> int:
        if self.travelling[engineer]:
            return self._cancel_call_out(engineer)  # up and about now: no second call-out for the next work
        return super().interrupt(engineer)

    def shift_end(self, team: list[int]) -> None:
        """Cover ends: work in progress pauses as in ShiftGroup, and an engineer on the way turns back (the
        visit waits for their next cover, which begins with a call-out)."""
        on_the_way = [e for e in team if self.travelling[e]]
        for engineer in on_the_way:
            self.on_shift[engineer] = False
            self.strategy.pause(engineer)
            self.paused[engineer] = self._cancel_call_out(engineer)
        super().shift_end([e for e in team if e not in on_the_way])
        for engineer in team:
            self.at_home[engineer] = self.on_call[engineer]


class _Roster:
    """The shift changes of one staff block: one event at each shift start and end, the next scheduled when
    one fires. Shift changes come before anything else at the same instant (a shift is [start, end))."""

    def __init__(self, group: ShiftGroup, team: list[int], calendar: Calendar):
        self.group, self.team = group, team
        self.shifts = calendar.shifts(0.0)
        self.on, self.off = next(self.shifts)
        if self.on <= 0.0:  # on duty at time 0: the group released them already
            self._at(self.off, self._end)
        else:
            for engineer in team:
                group.on_shift[engineer] = False
                group.strategy.withdraw(engineer)
            self._at(self.on, self._start)

    def _at(self, time: float, callback: Callable[[Event], None]) -> None:
        if time == float("inf"):
            return
        event = Event(self.group.env)
        event._ok, event._value = True, None
        event.callbacks.append(callback)
        self.group.env.schedule(event, URGENT, time - self.group.env.now)

    def _start(self, event: Event) -> None:
        self.group.shift_start(self.team)
        self._at(self.off, self._end)

    def _end(self, event: Event) -> None:
        self.group.shift_end(self.team)
        if self.group.run.drained():
            return  # every ticket is resolved and none will come: shifts need not go on forever
        self.on, self.off = next(self.shifts)
        self._at(self.on, self._start)
