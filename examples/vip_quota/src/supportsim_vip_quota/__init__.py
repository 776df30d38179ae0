"""``vip_quota``: VIP tickets first, but only while at most ``quota`` of the busy engineers work on VIP tickets.

A free engineer takes the best waiting ticket (ticket priority, then arrival), a VIP one before the others as
long as, with it, no more than ``quota`` of the engineers at work are on VIP tickets; past that, the best
non-VIP ticket goes first. No engineer idles while a ticket waits: with only VIP tickets waiting, a VIP ticket
is taken whatever the quota. ``quota: 1`` is the ``priority`` policy; ``quota: 0`` serves non-VIP tickets
first. Non-preemptive. A group that gives VIP no privileges serves every ticket alike, by priority.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from pydantic import Field

from supportsim.strategies import PolicyConfig, Strategy


class VipQuotaConfig(PolicyConfig):
    kind: Literal["vip_quota"] = "vip_quota"
    quota: float = Field(0.5, ge=0, le=1, description="Largest share of the busy engineers on VIP tickets "
                                                      "before non-VIP tickets go first.")

    def problems(self, scenario, path):
        if not scenario.vip_segments:
            return [(path, "vip_quota needs VIP tickets: mark a segment 'vip: true'")]
        return []


class VipQuota(Strategy):
    kind = "vip_quota"
    Config = VipQuotaConfig

    def __init__(self, config, group):
        super().__init__(config, group)
        # waiting visits by side (0 non-VIP, 1 VIP), one FIFO per ticket priority within each side
        self.queues = ([deque() for _ in range(group.priorities)], [deque() for _ in range(group.priorities)])
        self.count = [0, 0]
        self.at_work = [0] * group.staff  # per engineer: 0 not at work, 1 on a non-VIP ticket, 2 on a VIP one
        self.busy = self.busy_vip = 0
        self.quota = config.quota
        self._vip, self._priority, self._start = group.vip, group.priority, group.start

    def _begin(self, engineer, visit):
        vip = self._vip[visit]
        self.at_work[engineer] = 1 + vip
        self.busy += 1
        self.busy_vip += vip
        self._start(engineer, visit)

    def _stop(self, engineer):
        """The engineer is no longer at work: work done, or their shift ended during it (``pause``)."""
        if self.at_work[engineer]:
            self.busy -= 1
            self.busy_vip -= self.at_work[engineer] - 1
            self.at_work[engineer] = 0

    def arrive(self, visit):
        if self.idle:
            self._begin(self.idle.pop(), visit)
            return
        side = self._vip[visit]
        self.queues[side][self._priority[visit]].append(visit)
        self.count[side] += 1

    def release(self, engineer):
        self._stop(engineer)
        vip_first = self.busy_vip + 1 <= self.quota * (self.busy + 1)  # the quota holds with one more on VIP
        for side in (1, 0) if vip_first else (0, 1):
            if self.count[side]:
                self.count[side] -= 1
                waiting = next(queue for queue in self.queues[side] if queue)
                self._begin(engineer, waiting.popleft())
                return
        self.idle.append(engineer)

    def pause(self, engineer):
        self._stop(engineer)

    def resume(self, engineer, visit):
        self._begin(engineer, visit)

    def waiting(self):
        return self.count[0] + self.count[1]
