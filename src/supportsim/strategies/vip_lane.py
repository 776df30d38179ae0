"""``vip_lane``: a separate VIP queue that every engineer pulls from first, and must within ``pickup_within``.

A free engineer takes VIP work first (within each lane: ticket priority, then arrival). A VIP ticket still
waiting ``pickup_within`` after it joined the group makes an engineer interrupt non-VIP work for it: the one on
the least urgent non-VIP ticket, among equals the one who started last. The interrupted ticket keeps its
progress and goes back to the head of its queue. ``pickup_within: 0`` is plain preemption of non-VIP work by
VIP work; a very large value is plain non-preemptive priority (the ``priority`` policy).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..distributions import Duration
from .at_work import AtWork
from .base import Group, PolicyConfig, RankedQueue, Strategy, register


class VipLaneConfig(PolicyConfig):
    kind: Literal["vip_lane"] = "vip_lane"
    pickup_within: Duration = Field(1.0, ge=0, description="Longest a VIP ticket waits before non-VIP work is "
                                                            "interrupted for it.")


@register
class VipLane(Strategy):
    kind = "vip_lane"
    Config = VipLaneConfig

    def __init__(self, config: VipLaneConfig, group: Group) -> None:
        super().__init__(config, group)
        self.queue = RankedQueue(group.ranks)
        self.waiting_vip: set[int] = set()
        # engineers on non-VIP work, by rank (VIP work is never interrupted); start order kept, O(1) deletes
        self.on_plain = AtWork(group.ranks, group.staff)
        self._rank, self._vip, self._start = group.rank, group.vip, group.start
        self.limit = config.pickup_within

    def _begin(self, engineer: int, visit: int) -> None:
        if not self._vip[visit]:
            self.on_plain.add(engineer, self._rank[visit])
        self._start(engineer, visit)

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._begin(self.idle.pop(), visit)
            return
        self.queue.push(visit, self._rank[visit])
        if self._vip[visit]:
            self.waiting_vip.add(visit)
            if self.limit > 0:
                self.group.call_later(self.limit, self._overdue, visit)
            else:
                self._overdue(visit)

    def _overdue(self, visit: int) -> None:
        if visit not in self.waiting_vip:
            return  # already taken
        engineer = self.on_plain.take_below(-1)
        if engineer is None:
            return  # every engineer is on VIP work: the ticket is taken when one becomes free
        interrupted = self.group.interrupt(engineer)
        self.queue.push_front(interrupted, self._rank[interrupted])
        self.queue.remove(visit, self._rank[visit])
        self.waiting_vip.discard(visit)
        self._begin(engineer, visit)

    def release(self, engineer: int) -> None:
        self.on_plain.drop(engineer)
        if self.queue.count:
            visit = self.queue.pop()
            if self._vip[visit]:
                self.waiting_vip.discard(visit)
            self._begin(engineer, visit)
        else:
            self.idle.append(engineer)

    def pause(self, engineer: int) -> None:
        """Off shift during work (working-time calendars): not to be interrupted until resumed."""
        self.on_plain.drop(engineer)

    def resume(self, engineer: int, visit: int) -> None:
        self._begin(engineer, visit)

    def waiting(self) -> int:
        return self.queue.count
