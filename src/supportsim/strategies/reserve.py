"""``reserve``: some engineers take VIP work first and other work only when no VIP ticket waits.

The reserved engineers (0..n-1 of the group) take the oldest waiting VIP ticket, else the oldest waiting
ticket; the others take tickets in arrival order, VIP or not (ticket priority plays no part, as in ``fifo``).
An arriving VIP ticket goes to a free reserved engineer if there is one, a non-VIP ticket to a free other
engineer, so the reserve stays free for VIP tickets as long as possible. Unlike ``dedicated``, no engineer
idles while a ticket waits. A group the ``engineers`` map leaves out keeps one shared queue in ``priority``
order (VIP first where the group honours VIP).
"""

from __future__ import annotations

from collections import deque
from itertools import count
from typing import Annotated, Literal

from pydantic import Field

from .base import Group, PolicyConfig, ScenarioView, engineer_counts_problems, register
from .set_apart import SetApart


class ReserveConfig(PolicyConfig):
    kind: Literal["reserve"] = "reserve"
    engineers: dict[str, Annotated[int, Field(ge=1)]] | None = Field(
        None, description="Engineers per group who take VIP work first, e.g. {L1: 2} (default: one engineer "
                          "of the entry group)."
    )

    def problems(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        return engineer_counts_problems(scenario, path, self.engineers, self.kind, exclusive=False)


@register
class Reserve(SetApart):
    kind = "reserve"
    Config = ReserveConfig

    def __init__(self, config: ReserveConfig, group: Group) -> None:
        super().__init__(config, group)
        # waiting (arrival number, visit), VIP and non-VIP apart so the reserve finds VIP tickets at once
        self.queues: tuple[deque, deque] = (deque(), deque())
        self.arrivals = count()

    def arrive(self, visit: int) -> None:
        vip = self._vip[visit]
        if not any(self.start_free(side, visit) for side in ((1, 0) if vip else (0, 1))):
            self.queues[vip].append((next(self.arrivals), visit))

    def release(self, engineer: int) -> None:
        plain, vip = self.queues
        if vip and (self.side(engineer) or not plain or vip[0][0] < plain[0][0]):
            self._start(engineer, vip.popleft()[1])
        elif plain:
            self._start(engineer, plain.popleft()[1])
        else:
            self.make_free(engineer)

    def waiting(self) -> int:
        return len(self.queues[0]) + len(self.queues[1])
