"""``preemptive``: the priority order, and an arriving ticket of higher rank interrupts work of lower rank.

When no engineer is free, the arriving ticket takes the engineer working on the lowest-ranked ticket, if that
rank is lower than its own (among equals, the one started last, which loses least). The interrupted ticket keeps
the work already done (preemptive-resume) and goes back to the head of its rank's queue.
"""

from __future__ import annotations

from typing import Literal

from .at_work import AtWork
from .base import Group, PolicyConfig, register
from .priority import Priority


class PreemptiveConfig(PolicyConfig):
    kind: Literal["preemptive"] = "preemptive"


@register
class Preemptive(Priority):
    kind = "preemptive"
    Config = PreemptiveConfig

    def __init__(self, config: PreemptiveConfig, group: Group) -> None:
        super().__init__(config, group)
        self.at_work = AtWork(group.ranks, group.staff)

    def _begin(self, engineer: int, visit: int) -> None:
        self.at_work.add(engineer, self._rank[visit])
        self._start(engineer, visit)

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._begin(self.idle.pop(), visit)
            return
        rank = self._rank[visit]
        engineer = self.at_work.take_below(rank)
        if engineer is not None:
            interrupted = self.group.interrupt(engineer)
            self.queue.push_front(interrupted, self._rank[interrupted])
            self._begin(engineer, visit)
            return
        self._push(visit, rank)

    def rejoin_front(self, visit: int) -> None:
        if self.idle:
            self._begin(self.idle.pop(), visit)
        else:
            self.queue.push_front(visit, self._rank[visit])

    def pause(self, engineer: int) -> None:
        self.at_work.drop(engineer)  # off shift: not to be interrupted

    def resume(self, engineer: int, visit: int) -> None:
        self._begin(engineer, visit)

    def release(self, engineer: int) -> None:
        self.at_work.drop(engineer)
        if self.queue.count:
            self._begin(engineer, self._pop())
        else:
            self.idle.append(engineer)
