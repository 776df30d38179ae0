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

from .base import PolicyConfig, RankedQueue, engineer_counts_problems, register
from .set_apart import SetApart


class DedicatedConfig(PolicyConfig):
    kind: Literal["dedicated"] = "dedicated"
    engineers: Optional[dict[str, Annotated[int, Field(ge=1)]]] = Field(
        None, description="Engineers per group who serve VIP tickets only, e.g. {L1: 2} (default: one engineer "
                          "of the entry group)."
    )

    def problems(self, scenario, path):
        return engineer_counts_problems(scenario, path, self.engineers, self.kind, exclusive=True)


@register
class Dedicated(SetApart):
    kind = "dedicated"
    Config = DedicatedConfig

    def __init__(self, config, desk):
        super().__init__(config, desk)
        self.queues = (RankedQueue(desk.ranks), RankedQueue(desk.ranks))  # by side: 0 non-VIP, 1 VIP

    def arrive(self, visit):
        side = self._vip[visit]
        if not self.start_free(side, visit):
            self.queues[side].push(visit, self._rank[visit])

    def release(self, engineer):
        queue = self.queues[self.side(engineer)]
        if queue.count:
            self._start(engineer, queue.pop())
        else:
            self.make_free(engineer)

    def waiting(self):
        return self.queues[0].count + self.queues[1].count
