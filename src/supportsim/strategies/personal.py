"""``personal``: each VIP customer has a named engineer of the entry group who knows the history.

The VIP segments have ``customers`` customers, or the customers their population declares
(``segments.<vip>.customers``, see docs/contracts.md; giving both is an error); customer k (of the ticket's
uniform ``customer`` draw, k = floor(customer * customers)) belongs to engineer k mod staff of the entry group.
A VIP ticket waits for its own engineer, who takes it before any other work and needs ``speedup`` times the usual
work time. If it has not been started ``fallback_after`` after it arrived, it joins the shared queue ahead of
non-VIP work, where any engineer takes it (at the usual pace, unless it is its own engineer). Non-VIP tickets go to
any free engineer, in ``priority`` order. Other groups than the entry group keep one shared queue in ``priority``
order.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from pydantic import Field

from ..distributions import Duration
from .base import Group, PolicyConfig, RankedQueue, ScenarioView, Strategy, register
from .priority import Priority

DEFAULT_CUSTOMERS = 20
"""VIP customers when neither the policy nor the VIP segments say how many."""


class PersonalConfig(PolicyConfig):
    kind: Literal["personal"] = "personal"
    customers: int | None = Field(None, ge=1, description="VIP customers, each with a named engineer of the entry "
                                                          "group (default 20; not when the VIP segments declare "
                                                          "their own customers).")
    fallback_after: Duration = Field(2.0, ge=0, description="A VIP ticket not started by its own engineer "
                                                             "this long after arrival goes to the shared queue.")
    speedup: float = Field(0.8, gt=0, description="Work time of the personal engineer relative to anyone else's "
                                                  "(0.8: 20% faster, since they know the history).")

    def problems(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        declared = [name for name, seg in scenario.segments.items() if seg.vip and seg.customers is not None]
        if declared and self.customers is not None:
            return [(f"{path}.customers", f"the VIP customers are declared at segments.{declared[0]}.customers; "
                                          "give them there or here, not both")]
        entry = scenario.entry_group
        own = scenario.groups[entry].policy
        if path == "policy" and own is not None and own.kind != self.kind:
            return [(path, f"personal engineers belong to the entry group {entry}, which has its own policy "
                           f"({own.kind})")]
        if path != "policy" and not path.startswith(f"groups.{entry}."):
            return [(path, f"personal engineers belong to the entry group ({entry}); set this policy there")]
        return []


@register
class Personal(Strategy):
    kind = "personal"
    Config = PersonalConfig

    @classmethod
    def for_group(cls, config: PolicyConfig, group: Group) -> Strategy:
        personal = group.name == group.scenario.entry_group and group.vip_privileges
        if not personal:
            return Priority(config, group)
        assert isinstance(config, PersonalConfig)
        return cls(config, group)

    def __init__(self, config: PersonalConfig, group: Group) -> None:
        super().__init__(config, group)
        self.own: list[deque[int]] = [deque() for _ in range(group.staff)]  # per engineer: own customers' tickets
        self.waiting_own: set[int] = set()
        self.shared = RankedQueue(group.ranks)
        self.free = [False] * group.staff
        self._rank, self._vip, self._start, self._customer = group.rank, group.vip, group.start, group.customer
        self.customers = DEFAULT_CUSTOMERS if config.customers is None else config.customers
        self.speedup, self.fallback_after = config.speedup, config.fallback_after
        segments = list(group.scenario.segments.values())
        counts = [seg.customers.count if seg.customers is not None else self.customers for seg in segments]
        declared = any(seg.vip and seg.customers is not None for seg in segments)
        self._population = counts if declared else None
        self._segment = group.segment if declared else []

    def _named(self, visit: int) -> int:
        if self._population is not None:  # the VIP segments' own customers: segment index -> count
            return int(self._customer[visit] * self._population[self._segment[visit]]) % self.group.staff
        return int(self._customer[visit] * self.customers) % self.group.staff

    def _begin(self, engineer: int, visit: int) -> None:
        own = self._vip[visit] and engineer == self._named(visit)
        self._start(engineer, visit, self.speedup if own else 1.0)

    def _take_free(self, engineer: int) -> None:
        self.free[engineer] = False
        self.idle.remove(engineer)

    def arrive(self, visit: int) -> None:
        if self._vip[visit]:
            engineer = self._named(visit)
            if self.free[engineer]:
                self._take_free(engineer)
                self._begin(engineer, visit)
            elif self.fallback_after > 0:
                self.own[engineer].append(visit)
                self.waiting_own.add(visit)
                self.group.call_later(self.fallback_after, self._fall_back, visit)
            else:
                self._to_shared(visit)
        else:
            self._to_shared(visit)

    def _to_shared(self, visit: int) -> None:
        if self.idle:
            engineer = self.idle.pop()
            self.free[engineer] = False
            self._begin(engineer, visit)
        else:
            self.shared.push(visit, self._rank[visit])

    def _fall_back(self, visit: int) -> None:
        if visit in self.waiting_own:
            self.waiting_own.discard(visit)
            self.own[self._named(visit)].remove(visit)
            self._to_shared(visit)

    def release(self, engineer: int) -> None:
        if self.own[engineer]:
            visit = self.own[engineer].popleft()
            self.waiting_own.discard(visit)
            self._begin(engineer, visit)
        elif self.shared.count:
            self._begin(engineer, self.shared.pop())
        else:
            self.free[engineer] = True
            self.idle.append(engineer)

    def resume(self, engineer: int, visit: int) -> None:
        """Back on shift (working-time calendars): the paused work goes on at the same pace."""
        self._begin(engineer, visit)

    def withdraw(self, engineer: int) -> None:
        self.free[engineer] = False
        self.idle.remove(engineer)

    def waiting(self) -> int:
        return self.shared.count + len(self.waiting_own)
