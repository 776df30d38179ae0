"""Who is working on what rank: the bookkeeping that strategies which interrupt work share."""

from __future__ import annotations

from collections.abc import Sequence


class AtWork:
    """Engineers at work, by the queue rank of their ticket.

    A strategy that interrupts work asks for the engineer on the least urgent work in O(ranks). Dicts keep
    start order, so among equals the engineer who started last (and loses least) is chosen, and they delete in
    O(1) when work ends or pauses.
    """

    def __init__(self, ranks: int, staff: int):
        self.by_rank: list[dict[int, None]] = [{} for _ in range(ranks)]
        self.rank_of: list[int] = [0] * staff

    def add(self, engineer: int, rank: int) -> None:
        self.by_rank[rank][engineer] = None
        self.rank_of[engineer] = rank

    def drop(self, engineer: int) -> None:
        """Work ended or paused (off shift): the engineer is no longer one to interrupt."""
        self.by_rank[self.rank_of[engineer]].pop(engineer, None)

    def take_below(self, rank: int, able: Sequence[bool] | None = None) -> int | None:
        """Remove and return the engineer on the lowest-ranked work, if that rank is below ``rank``; with ``able``
        (per engineer), the lowest-ranked among those it allows."""
        for lower in range(len(self.by_rank) - 1, rank, -1):
            engineers = self.by_rank[lower]
            if not engineers:
                continue
            if able is None:
                engineer, _ = engineers.popitem()
                return engineer
            for engineer in reversed(engineers):
                if able[engineer]:
                    del engineers[engineer]
                    return engineer
        return None
