"""``priority``: non-preemptive priority. VIP segments first, then ticket priority (P1 first), then arrival.

One FIFO queue per rank (a :class:`~supportsim.strategies.base.RankedQueue`); a free engineer takes the head of the
best non-empty one. Ranks are few (VIP or not, times the ticket priorities), so looking through them is cheaper
than a heap.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from .base import Group, PolicyConfig, RankedQueue, Strategy, register


class PriorityConfig(PolicyConfig):
    kind: Literal["priority"] = "priority"


@register
class Priority(Strategy):
    kind = "priority"
    Config: ClassVar[type[PolicyConfig]] = PriorityConfig

    def __init__(self, config: PolicyConfig, group: Group) -> None:
        super().__init__(config, group)
        self.queue = RankedQueue(group.ranks)
        self._push, self._pop = self.queue.push, self.queue.pop
        self._start = group.start
        self._rank = group.rank

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            self._push(visit, self._rank[visit])

    keeps_place = True

    def rejoin_front(self, visit: int) -> None:
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            self.queue.push_front(visit, self._rank[visit])

    def release(self, engineer: int) -> None:
        if self.queue.count:
            self._start(engineer, self._pop())
        else:
            self.idle.append(engineer)

    def waiting(self) -> int:
        return self.queue.count
