"""``deadline``: earliest deadline first. Engineers take the ticket whose reaction target falls due first.

A visit's deadline is the time it joined the group plus its segment's reaction target (``sla.<segment>.
reaction``). At the entry group that is the ticket's own reaction deadline; at a group the ticket was
escalated to it acts as an operational level agreement (OLA) of the same length, counted from the
escalation, since the ticket's reaction is long past by then. So VIP and other tight-target tickets move ahead
exactly as far as their targets require, and a ticket that waited long enough goes ahead of a fresh VIP one.
In a group that gives VIP no privileges (``vip_in_escalation: false``) every ticket is alike: arrival order.
Non-preemptive.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import Literal

from .base import Group, PolicyConfig, ScenarioView, Strategy, register


class DeadlineConfig(PolicyConfig):
    kind: Literal["deadline"] = "deadline"

    def problems(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        missing = [seg for seg in scenario.segment_names
                   if scenario.sla.get(seg) is None or scenario.sla[seg].reaction is None]
        in_days = [seg for seg in scenario.segment_names
                   if seg not in missing and _reaction_hours(scenario, seg) is None]
        return [(f"sla.{seg}.reaction" if seg in scenario.sla else f"sla.{seg}",
                 f"is missing: the deadline policy ({path}) orders tickets by their segment's reaction target")
                for seg in missing] + [
                (f"sla.{seg}.reaction.within", f"the deadline policy ({path}) needs a reaction target in hours, "
                                               "not working days") for seg in in_days]


def _reaction_hours(scenario: ScenarioView, segment: str) -> float | None:
    """The segment's reaction target in hours; None without one, or for working days ('5bd')."""
    sla = scenario.sla.get(segment)
    reaction = sla.reaction if sla is not None else None
    return reaction.hours if reaction is not None else None


@register
class Deadline(Strategy):
    kind = "deadline"
    Config = DeadlineConfig

    def __init__(self, config: DeadlineConfig, group: Group) -> None:
        super().__init__(config, group)
        scenario = group.scenario
        # every segment has a reaction target here (DeadlineConfig.problems refuses a scenario without one)
        targets = [_reaction_hours(scenario, seg) or 0.0 for seg in scenario.segment_names]
        self.target = targets if group.vip_privileges else [0.0] * len(targets)
        self.heap: list[tuple[float, int, int]] = []
        self.arrivals = count()  # ties (equal deadlines) go in arrival order
        self._segment, self._start = group.segment, group.start

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            due = self.group.now + self.target[self._segment[visit]]
            heapq.heappush(self.heap, (due, next(self.arrivals), visit))

    def release(self, engineer: int) -> None:
        if self.heap:
            self._start(engineer, heapq.heappop(self.heap)[2])
        else:
            self.idle.append(engineer)

    def waiting(self) -> int:
        return len(self.heap)
