"""The ``fifo`` and ``priority`` orders in a group whose engineers carry skills (see :mod:`supportsim.skills`).

A visit is taken only by an engineer with every skill its ticket needs. Waiting visits are kept per need (the
combination of skills a ticket needs) and per rank, each a FIFO of (number, visit), numbered in order of arrival
at the group. A free engineer looks at the heads of the queues of the needs they can take, best rank first,
and takes the one that came first; an arriving visit goes to the free engineer the plain strategy would have
picked (the one freed last) among those who can take it. So no engineer idles while a visit they could take
waits (the strategy is work-conserving), and with every engineer able to take every need the order is exactly
that of ``fifo`` or ``priority``, ticket by ticket.
"""

from __future__ import annotations

from collections import deque

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
        for i in range(len(idle) - 1, -1, -1):
            if can[idle[i]]:
                self._start(idle.pop(i), visit)
                return
        rank = self._rank[visit] if self._rank is not None else 0
        self.queues[need][rank].append((self.number, visit))
        self.number += 1
        self.count += 1

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
                    self._start(engineer, best.popleft()[1])
                    return
        self.idle.append(engineer)

    def waiting(self) -> int:
        return self.count
