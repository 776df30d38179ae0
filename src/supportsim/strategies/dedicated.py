"""``dedicated``: some engineers of a group serve VIP tickets only; the others serve non-VIP tickets only.

The group splits into two independent desks, each with its own queue (ticket priority, then arrival). An
engineer of one side idles rather than help the other: that is the price of the guarantee, and what makes
each side an M/M/c queue of its own. Engineers 0..n-1 of the group are the dedicated ones. A group the
``engineers`` map leaves out keeps one shared queue in ``priority`` order (VIP first where the group honours
VIP).
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field

from .base import PolicyConfig, RankedQueue, Strategy, engineer_counts_problems, register
from .priority import Priority


class DedicatedConfig(PolicyConfig):
    kind: Literal["dedicated"] = "dedicated"
    engineers: Optional[dict[str, Annotated[int, Field(ge=1)]]] = Field(
        None, description="Engineers per group who serve VIP tickets only, e.g. {L1: 2} (default: one engineer "
                          "of the entry group)."
    )

    def problems(self, scenario, path):
        return engineer_counts_problems(scenario, path, self.engineers, self.kind, exclusive=True)


def set_apart(config, desk) -> int:
    """How many engineers of this desk the policy sets apart for VIP tickets."""
    engineers = config.engineers if config.engineers is not None else {desk.scenario.entry_group: 1}
    return engineers.get(desk.name, 0)


@register
class Dedicated(Strategy):
    kind = "dedicated"
    Config = DedicatedConfig

    @classmethod
    def for_desk(cls, config, desk):
        return cls(config, desk) if set_apart(config, desk) else Priority(config, desk)

    def __init__(self, config, desk):
        super().__init__(config, desk)
        self.dedicated = set_apart(config, desk)
        self.queues = (RankedQueue(desk.ranks), RankedQueue(desk.ranks))  # by side: 0 non-VIP, 1 VIP
        self.free: tuple[list[int], list[int]] = ([], [])
        self._rank, self._vip, self._start = desk.rank, desk.vip, desk.start

    def _side(self, engineer: int) -> int:
        return 1 if engineer < self.dedicated else 0

    def arrive(self, visit):
        side = self._vip[visit]
        if self.free[side]:
            engineer = self.free[side].pop()
            self.idle.remove(engineer)
            self._start(engineer, visit)
        else:
            self.queues[side].push(visit, self._rank[visit])

    def release(self, engineer):
        queue = self.queues[self._side(engineer)]
        if queue.count:
            self._start(engineer, queue.pop())
        else:
            self.free[self._side(engineer)].append(engineer)
            self.idle.append(engineer)

    def withdraw(self, engineer):
        self.idle.remove(engineer)
        self.free[self._side(engineer)].remove(engineer)

    def waiting(self):
        return self.queues[0].count + self.queues[1].count
