"""What a queue strategy is, and the registry that names them.

A strategy decides, for one engineer group, which waiting ticket an engineer takes next and which engineer a
newly arrived ticket goes to. It sees the group through a :class:`Desk` (implemented by the engine) and never
touches SimPy, so a strategy is a small class that can be read on one screen.

Strategies work on **visits**: a visit is one ticket's stay at one group (arrive, wait, be worked on,
leave). Visits are small integers; the desk gives their attributes (``rank[v]``, ``vip[v]``...) as arrays.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, Sequence

from pydantic import BaseModel, ConfigDict

REGISTRY: dict[str, type["Strategy"]] = {}


class PolicyConfig(BaseModel):
    """Base of every strategy's settings; each subclass adds ``kind: Literal["name"]`` and its own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Desk(Protocol):
    """The engine's view of one group, as strategies see it."""

    name: str
    staff: int
    rank: Sequence[int]       # per visit: 0 is served first (VIP, then ticket priority)
    vip: Sequence[int]        # per visit: 1 for a VIP segment's ticket (when VIP privileges apply here)
    serving: list[int]        # per engineer: the visit in work, or -1

    @property
    def now(self) -> float: ...

    def start(self, engineer: int, visit: int) -> None:
        """Engineer begins, or resumes, work on the visit."""

    def interrupt(self, engineer: int) -> int:
        """Stop the engineer's current work; the visit keeps the work already done. Returns the visit."""

    def call_later(self, delay: float, callback, argument) -> None:
        """Call ``callback(argument)`` after ``delay`` hours of simulated time."""


class Strategy:
    """One group's queue discipline. Subclasses override :meth:`arrive` and :meth:`release`.

    ``idle`` holds the engineers that are on duty and free; the engine calls :meth:`release` when an engineer
    becomes free (work done, or shift starts) and :meth:`withdraw` when an idle engineer goes off shift.
    When an engineer's shift ends during work, :meth:`pause` is called: the visit stays with them (the engine
    keeps it) and :meth:`resume` hands it back at their next shift start. Between the two the engineer is neither
    idle nor at work, so a strategy must neither start work with nor interrupt them.
    """

    kind: ClassVar[str]
    Config: ClassVar[type[PolicyConfig]]

    def __init__(self, config: PolicyConfig, desk: Desk):
        self.config = config
        self.desk = desk
        self.idle: list[int] = []

    def arrive(self, visit: int) -> None:
        raise NotImplementedError

    def release(self, engineer: int) -> None:
        raise NotImplementedError

    def withdraw(self, engineer: int) -> None:
        self.idle.remove(engineer)

    def pause(self, engineer: int) -> None:
        """The engineer's shift ends during work. Strategies that keep track of engineers at work (to
        interrupt one, say) forget this one here; the others need do nothing."""

    def resume(self, engineer: int, visit: int) -> None:
        """The engineer's shift starts again and they take up the visit they paused."""
        self.desk.start(engineer, visit)

    def waiting(self) -> int:
        """How many visits wait for an engineer (for checks and reports, not the hot path)."""
        raise NotImplementedError


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make a strategy available under ``cls.kind`` in scenario files."""
    if cls.kind in REGISTRY:
        raise ValueError(f"a strategy named {cls.kind!r} is already registered")
    REGISTRY[cls.kind] = cls
    return cls
