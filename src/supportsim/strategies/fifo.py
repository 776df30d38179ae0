"""``fifo``: one queue per group, in order of arrival at the group; every ticket is alike."""

from __future__ import annotations

from collections import deque
from typing import Literal

from .base import Group, PolicyConfig, Strategy, register


class FifoConfig(PolicyConfig):
    kind: Literal["fifo"] = "fifo"


@register
class Fifo(Strategy):
    kind = "fifo"
    Config = FifoConfig

    def __init__(self, config: FifoConfig, group: Group) -> None:
        super().__init__(config, group)
        self.queue: deque[int] = deque()
        self._start = group.start

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            self.queue.append(visit)

    keeps_place = True

    def rejoin_front(self, visit: int) -> None:
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            self.queue.appendleft(visit)

    def release(self, engineer: int) -> None:
        if self.queue:
            self._start(engineer, self.queue.popleft())
        else:
            self.idle.append(engineer)

    def waiting(self) -> int:
        return len(self.queue)
