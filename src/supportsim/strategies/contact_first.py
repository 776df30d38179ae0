"""``contact_first``: care, not quality. A VIP ticket is first contacted within ``within``; its resolution work
then waits in the normal queue like everyone's.

The contact is modelled as an extra, short visit to ``group`` of activity ``contact``, inserted before the
ticket's first visit (see :mod:`supportsim.visits`: its work is drawn from ``contact`` in the tickets module,
on a stream of its own). So the contact's start is the
ticket's reaction, the contact's work counts in the group's utilization, and after the contact the ticket
joins the queue of its first group as if it had just arrived. Waiting contacts come before all other work; a
contact still waiting ``within`` after it arrived makes an engineer interrupt other work for it (non-VIP work
first, the piece started last among equals; the interrupted ticket keeps its progress and goes back to the
head of its queue). Everything else, in every group, is served in order of ticket priority, then arrival:
VIP or not makes no difference there.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from pydantic import Field

from ..distributions import Deterministic, Distribution, Duration
from ..visits import ExtraVisit
from .at_work import AtWork
from .base import Group, PolicyConfig, RankedQueue, ScenarioView, Strategy, register, unknown_group

CONTACT = "contact"
"""The activity of the contact visits this policy inserts."""


class ContactFirstConfig(PolicyConfig):
    kind: Literal["contact_first"] = "contact_first"
    within: Duration = Field(0.25, ge=0, description="Longest a VIP ticket waits for its first contact before "
                                                      "other work is interrupted for it.")
    contact: Distribution = Field(default_factory=lambda: Deterministic(mean="5m"),
                                  description="Work time of the first contact.")
    group: str | None = Field(None, description="Group whose engineers make the contact (default: entry).")

    def extra_visits(self, scenario: ScenarioView, group: str) -> list[ExtraVisit]:
        """The contact: a visit to the contact group before the first visit of every VIP ticket."""
        if group != (self.group or scenario.entry_group) or not scenario.honours_vip(group):
            return []
        return [ExtraVisit(CONTACT, group, self.contact, tuple(scenario.vip_segments))]

    def problems(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        group = self.group or scenario.entry_group
        key = f"{path}.group" if self.group else path
        if group not in scenario.groups:
            return [(key, unknown_group(scenario, group))]
        policy = scenario.policy_of(group)
        if policy.kind != self.kind:
            return [(key, f"{group} has its own policy ({policy.kind}), which would not make first contacts")]
        points = [visit.group for visit in scenario.extra_visits() if visit.activity == CONTACT]
        if policy is self and points and points[0] != group:
            return [(key, f"a ticket gets one first contact, and {points[0]} already makes it")]
        if not scenario.honours_vip(group):
            return [(key, f"{group} gives VIP tickets no privileges (groups.{group}.vip_privileges: false), "
                          f"so it would make no first contacts")]
        return []


@register
class ContactFirst(Strategy):
    kind = "contact_first"
    Config = ContactFirstConfig

    def __init__(self, config: ContactFirstConfig, group: Group) -> None:
        super().__init__(config, group)
        self.contacts: deque[int] = deque()
        self.waiting_contacts: set[int] = set()
        self.normal = RankedQueue(group.priorities)
        # engineers on non-contact work by rank: VIP 0, non-VIP 1 (interrupted first)
        self.on_work = AtWork(2, group.staff)
        self._activity, self._priority, self._start = group.activity, group.priority, group.start
        self._contact = group.activities.index(CONTACT) if CONTACT in group.activities else -1
        self._segment_vip = [int(s.vip) for s in group.scenario.segments.values()]
        self._segment = group.segment
        self.within = config.within

    def _begin(self, engineer: int, visit: int) -> None:
        if self._activity[visit] != self._contact:
            self.on_work.add(engineer, 1 - self._segment_vip[self._segment[visit]])
        self._start(engineer, visit)

    def arrive(self, visit: int) -> None:
        if self.idle:
            self._begin(self.idle.pop(), visit)
        elif self._activity[visit] == self._contact:
            self.contacts.append(visit)
            self.waiting_contacts.add(visit)
            if self.within > 0:
                self.group.call_later(self.within, self._due, visit)
            else:
                self._due(visit)
        else:
            self.normal.push(visit, self._priority[visit])

    def _due(self, visit: int) -> None:
        if visit not in self.waiting_contacts:
            return
        engineer = self.on_work.take_below(-1)
        if engineer is None:
            return  # every engineer is making a contact: this one is next
        interrupted = self.group.interrupt(engineer)
        self.normal.push_front(interrupted, self._priority[interrupted])
        self.contacts.remove(visit)
        self.waiting_contacts.discard(visit)
        self._start(engineer, visit)

    def release(self, engineer: int) -> None:
        self.on_work.drop(engineer)
        if self.contacts:
            visit = self.contacts.popleft()
            self.waiting_contacts.discard(visit)
            self._start(engineer, visit)
        elif self.normal.count:
            self._begin(engineer, self.normal.pop())
        else:
            self.idle.append(engineer)

    def pause(self, engineer: int) -> None:
        """Off shift during work (working-time calendars): not to be interrupted until resumed."""
        self.on_work.drop(engineer)

    def resume(self, engineer: int, visit: int) -> None:
        self._begin(engineer, visit)

    def waiting(self) -> int:
        return len(self.contacts) + self.normal.count
