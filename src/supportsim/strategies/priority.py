"""``priority``: non-preemptive priority. VIP segments first, then ticket priority (P1 first), then arrival.

One FIFO queue per rank; a free engineer takes the head of the best non-empty one. Ranks are few (VIP or not,
times the ticket priorities), so looking through them is cheaper than a heap.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar, Literal

from .base import Group, PolicyConfig, Strategy, register


class PriorityConfig(PolicyConfig):
    kind: Literal["priority"] = "priority"


@register
class Priority(Strategy):
    kind = "priority"
    Config: ClassVar[type[PolicyConfig]] = PriorityConfig

    def __init__(self, config: PolicyConfig, group: Group) -> None:
        super().__init__(config, group)
        self.queues: list[deque[int]] = [deque() for _ in range(group.ranks)]
        self.count = 0
        self._start = group.start
        self._rank = group.rank

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            self.queues[self._rank[visit]].append(visit)
            self.count += 1

    def release(self, engineer: int) -> None:
        if self.count:
            self.count -= 1
            for queue in self.queues:
                if queue:
                    self._start(engineer, queue.popleft())
                    return
        self.idle.append(engineer)

    def waiting(self) -> int:
        return self.count
