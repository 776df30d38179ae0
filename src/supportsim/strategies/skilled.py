"""The ``fifo`` and ``priority`` orders in a group whose engineers carry skills (see :mod:`supportsim.skills`).

A visit is taken only by an engineer with every skill its ticket needs. Waiting visits are kept per need (the
combination of skills a ticket needs) and per rank, each a FIFO of (number, visit), numbered in order of arrival
at the group. A free engineer looks at the heads of the queues of the needs they can take, best rank first,
and takes the one that came first; an arriving visit goes to the free engineer the plain strategy would have
picked (the one freed last) among those who can take it. So no engineer idles while a visit they could take
waits (the strategy is work-conserving), and with every engineer able to take every need the order is exactly
that of ``fifo`` or ``priority``, ticket by ticket. :class:`PreemptiveSkilledQueue` adds ``preemptive``'s
interruptions: an arriving visit that finds no free engineer able to take it interrupts, among the engineers
able to, the one on the lowest-ranked work below its own (the one started last among equals).
"""

from __future__ import annotations

from collections import deque

from .at_work import AtWork
from .base import Group, PolicyConfig, Strategy


class SkilledQueue(Strategy):
    """fifo (``ranked`` false) or priority (``ranked`` true) with skills; made by those strategies' for_group."""

    skills = True

    def __init__(self, config: PolicyConfig, group: Group, ranked: bool) -> None:
        super().__init__(config, group)
        able = group.able
        assert able is not None, "a group whose engineers carry skills"
        self.able = able
        self.ranks = group.ranks if ranked else 1
        self.queues: list[list[deque[tuple[int, int]]]] = [[deque() for _ in range(self.ranks)] for _ in able]
        self.takes = [[need for need, engineers in enumerate(able) if engineers[e]] for e in range(group.staff)]
        self.count = 0
        self.number = 0
        self._rank = group.rank if ranked else None
        self._need, self._start = group.need, group.start

    def arrive(self, visit: int) -> None:
        need = self._need[visit]
        can = self.able[need]
        idle = self.idle
        number = self.number
        self.number += 1
        for i in range(len(idle) - 1, -1, -1):
            if can[idle[i]]:
                self._begin(idle.pop(i), visit, number)
                return
        rank = self._rank[visit] if self._rank is not None else 0
        if not self._preempt(visit, rank, number):
            self.queues[need][rank].append((number, visit))
            self.count += 1

    def _begin(self, engineer: int, visit: int, number: int) -> None:
        """Start work; ``number`` is the visit's place in the order of arrival."""
        self._start(engineer, visit)

    def _preempt(self, visit: int, rank: int, number: int) -> bool:
        """Whether the arriving visit took an engineer from other work (never, but in the preemptive order)."""
        return False

    def release(self, engineer: int) -> None:
        if self.count:
            for rank in range(self.ranks):
                best: deque[tuple[int, int]] | None = None
                for need in self.takes[engineer]:
                    queue = self.queues[need][rank]
                    if queue and (best is None or queue[0][0] < best[0][0]):
                        best = queue
                if best is not None:
                    self.count -= 1
                    number, visit = best.popleft()
                    self._begin(engineer, visit, number)
                    return
        self.idle.append(engineer)

    def waiting(self) -> int:
        return self.count


class PreemptiveSkilledQueue(SkilledQueue):
    """``preemptive`` with skills; made by that strategy's for_group."""

    def __init__(self, config: PolicyConfig, group: Group) -> None:
        super().__init__(config, group, ranked=True)
        self.at_work = AtWork(group.ranks, group.staff)
        self.front = 0  # interrupted visits go before every other of their rank: numbered -1, -2, ...
        assert self._rank is not None
        self._ranks = self._rank

    def _begin(self, engineer: int, visit: int, number: int) -> None:
        self.at_work.add(engineer, self._ranks[visit])
        self._start(engineer, visit)

    def _preempt(self, visit: int, rank: int, number: int) -> bool:
        engineer = self.at_work.take_below(rank, self.able[self._need[visit]])
        if engineer is None:
            return False
        interrupted = self.group.interrupt(engineer)
        self.front -= 1  # at the head of its rank, as preemptive's push_front: it keeps its place
        self.queues[self._need[interrupted]][self._ranks[interrupted]].appendleft((self.front, interrupted))
        self.count += 1
        self._begin(engineer, visit, number)
        return True

    def release(self, engineer: int) -> None:
        self.at_work.drop(engineer)
        super().release(engineer)

    def pause(self, engineer: int) -> None:
        self.at_work.drop(engineer)  # off shift: not to be interrupted

    def resume(self, engineer: int, visit: int) -> None:
        self._begin(engineer, visit, 0)
