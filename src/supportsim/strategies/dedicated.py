"""``dedicated``: some engineers of a group serve VIP tickets only; the others serve non-VIP tickets only.

The group splits into two independent parts, each with its own queue (ticket priority, then arrival). An
engineer of one side idles rather than help the other: that is the price of the guarantee, and what makes
each side an M/M/c queue of its own. Engineers 0..n-1 of the group are the dedicated ones. A group the
``engineers`` map leaves out keeps one shared queue in ``priority`` order (VIP first where the group honours
VIP).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..units import WEEK
from .base import Group, PolicyConfig, RankedQueue, ScenarioView, engineer_counts_problems, register
from .set_apart import SetApart


class DedicatedConfig(PolicyConfig):
    kind: Literal["dedicated"] = "dedicated"
    engineers: dict[str, Annotated[int, Field(ge=1)]] | None = Field(
        None, description="Engineers per group who serve VIP tickets only, e.g. {L1: 2} (default: one engineer "
                          "of the entry group)."
    )

    def problems(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        return engineer_counts_problems(scenario, path, self.engineers, self.kind, exclusive=True)

    def load_warnings(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        """Each side of the split is a queue of its own: warn when either side's offered load is 1 or more."""
        warnings = []
        engineers = self.engineers if self.engineers is not None else {scenario.entry_group: 1}
        visits = dict(zip(scenario.group_names, scenario.visits_per_ticket()))
        vip = scenario.vip_segments
        others = [s for s in scenario.segment_names if s not in vip]
        vip_share = sum(share for s, share in zip(scenario.segment_names, scenario.segment_shares) if s in vip)
        for group, dedicated in engineers.items():
            if group not in scenario.groups or not scenario.honours_vip(group):
                continue
            offered, available = scenario.weekly_hours()[group]
            on_duty = available / (WEEK * scenario.groups[group].headcount)  # share of the week on duty
            rate = scenario.mean_arrival_rate * visits[group]
            sides = (("VIP", vip_share, vip, dedicated), ("non-VIP", 1 - vip_share, others,
                                                          scenario.groups[group].headcount - dedicated))
            for name, share, segments, staff in sides:
                if not segments or staff <= 0:
                    continue
                load = rate * share * scenario.mean_work(group, segments) / (staff * on_duty)
                if load >= 1:
                    warnings.append((f"{path}.engineers.{group}", f"{name} tickets offer load {load:.2f} to the "
                                     f"{staff} engineers of their side of {group}: that queue grows without bound"))
        return warnings


@register
class Dedicated(SetApart):
    kind = "dedicated"
    Config = DedicatedConfig

    def __init__(self, config: DedicatedConfig, group: Group) -> None:
        super().__init__(config, group)
        self.queues = (RankedQueue(group.ranks), RankedQueue(group.ranks))  # by side: 0 non-VIP, 1 VIP

    def arrive(self, visit: int) -> None:
        side = self._vip[visit]
        if not self.start_free(side, visit):
            self.queues[side].push(visit, self._rank[visit])

    def release(self, engineer: int) -> None:
        queue = self.queues[self.side(engineer)]
        if queue.count:
            self._start(engineer, queue.pop())
        else:
            self.make_free(engineer)

    def waiting(self) -> int:
        return self.queues[0].count + self.queues[1].count
