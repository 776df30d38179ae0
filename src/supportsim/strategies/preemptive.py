"""``preemptive``: the priority order, and an arriving ticket of higher rank interrupts work of lower rank.

When no engineer is free, the arriving ticket takes the engineer working on the lowest-ranked ticket, if that
rank is lower than its own (among equals, the one started last, which loses least). The interrupted ticket keeps
the work already done (preemptive-resume) and goes back to the head of its rank's queue.
"""

from __future__ import annotations

from typing import Literal

from .base import PolicyConfig, register
from .priority import Priority


class PreemptiveConfig(PolicyConfig):
    kind: Literal["preemptive"] = "preemptive"


@register
class Preemptive(Priority):
    kind = "preemptive"
    Config = PreemptiveConfig

    def __init__(self, config, desk):
        super().__init__(config, desk)
        # engineers at work, by the rank of their ticket; dicts keep start order and delete in O(1)
        self.working: list[dict[int, None]] = [{} for _ in range(desk.ranks)]
        self.rank_of: list[int] = [0] * desk.staff

    def _begin(self, engineer, visit):
        rank = self._rank[visit]
        self.working[rank][engineer] = None
        self.rank_of[engineer] = rank
        self._start(engineer, visit)

    def arrive(self, visit):
        if self.idle:
            self._begin(self.idle.pop(), visit)
            return
        rank = self._rank[visit]
        for lower in range(len(self.working) - 1, rank, -1):
            if self.working[lower]:
                engineer, _ = self.working[lower].popitem()
                self.queues[lower].appendleft(self.desk.interrupt(engineer))
                self.count += 1
                self._begin(engineer, visit)
                return
        self.queues[rank].append(visit)
        self.count += 1

    def pause(self, engineer):
        self.working[self.rank_of[engineer]].pop(engineer, None)  # off shift: not to be interrupted

    def resume(self, engineer, visit):
        self._begin(engineer, visit)

    def release(self, engineer):
        self.working[self.rank_of[engineer]].pop(engineer, None)
        if self.count:
            self.count -= 1
            for queue in self.queues:
                if queue:
                    self._begin(engineer, queue.popleft())
                    return
        self.idle.append(engineer)
