"""Engineers set apart for VIP work: the bookkeeping ``dedicated`` and ``reserve`` share.

Engineers 0..n-1 of a group are set apart, n from the policy's ``engineers`` map (default: one engineer of the
entry group). A group the map leaves out keeps one shared queue in ``priority`` order.
"""

from __future__ import annotations

from .base import Group, PolicyConfig, Strategy
from .priority import Priority


def set_apart(config: PolicyConfig, group: Group) -> int:
    """How many engineers of this group the policy sets apart for VIP tickets."""
    engineers: dict[str, int] | None = getattr(config, "engineers", None)  # dedicated's and reserve's key
    if engineers is None:
        engineers = {group.scenario.entry_group: 1}
    return engineers.get(group.name, 0)


class SetApart(Strategy):
    """Free engineers kept by side (1: set apart, 0: the others) instead of in ``idle``, so a ticket finds a free
    engineer of the side it needs in O(1)."""

    @classmethod
    def for_group(cls, config: PolicyConfig, group: Group) -> Strategy:
        return cls(config, group) if set_apart(config, group) else Priority(config, group)

    def __init__(self, config: PolicyConfig, group: Group) -> None:
        super().__init__(config, group)
        self.set_apart = set_apart(config, group)
        self.free: tuple[list[int], list[int]] = ([], [])
        self._rank, self._vip, self._start = group.rank, group.vip, group.start

    def side(self, engineer: int) -> int:
        return 1 if engineer < self.set_apart else 0

    def start_free(self, side: int, visit: int) -> bool:
        """Start the visit with a free engineer of that side, if there is one."""
        if self.free[side]:
            self._start(self.free[side].pop(), visit)
            return True
        return False

    def make_free(self, engineer: int) -> None:
        self.free[self.side(engineer)].append(engineer)

    def withdraw(self, engineer: int) -> None:
        self.free[self.side(engineer)].remove(engineer)
