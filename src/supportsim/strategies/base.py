"""What a queue strategy is, and the registry that names them.

A strategy decides, for one engineer group, which waiting ticket an engineer takes next and which engineer a
newly arrived ticket goes to. It sees the group through a :class:`Group` (implemented by the engine) and never
touches SimPy, so a strategy is a small class that can be read on one screen.

Strategies work on **visits**: a visit is one ticket's stay at one group (arrive, wait, be worked on,
leave). Visits are small integers; the group gives their attributes (``rank[v]``, ``vip[v]``...) as arrays.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..visits import ExtraVisit

REGISTRY: dict[str, type[Strategy]] = {}


class TargetView(Protocol):
    """One SLA target (see :mod:`supportsim.service_targets`)."""

    @property
    def hours(self) -> float | None: ...  # hours allowed on its clock; None for working days ('5bd')
    @property
    def clock(self) -> str | None: ...


class Targets(Protocol):
    """A segment's SLA targets (None: no target)."""

    @property
    def reaction(self) -> TargetView | None: ...
    @property
    def resolution(self) -> TargetView | None: ...


class PopulationView(Protocol):
    @property
    def count(self) -> int: ...


class SegmentView(Protocol):
    @property
    def vip(self) -> bool: ...
    @property
    def customers(self) -> PopulationView | None: ...  # the segment's customers (see supportsim.customers)


class GroupSettings(Protocol):
    @property
    def headcount(self) -> int: ...
    @property
    def policy(self) -> PolicyConfig | None: ...


class ScenarioView(Protocol):
    """What strategies read of a scenario; :class:`supportsim.scenario.Scenario` is one. The scenario model
    holds the policies' settings (it imports this package), so strategies name it by what they use instead of
    importing it back."""

    @property
    def groups(self) -> Mapping[str, GroupSettings]: ...
    @property
    def segments(self) -> Mapping[str, SegmentView]: ...
    @property
    def sla(self) -> Mapping[str, Targets]: ...
    @property
    def group_names(self) -> list[str]: ...
    @property
    def segment_names(self) -> list[str]: ...
    @property
    def entry_group(self) -> str: ...
    @property
    def segment_shares(self) -> np.ndarray: ...
    @property
    def mean_arrival_rate(self) -> float: ...
    @property
    def vip_segments(self) -> list[str]: ...
    def policy_of(self, group: str) -> PolicyConfig: ...
    def honours_vip(self, group: str) -> bool: ...
    def visits_per_ticket(self) -> np.ndarray: ...
    def mean_work(self, group: str, segments: list[str] | None = None) -> float: ...
    def weekly_hours(self, arrival_rate: float | None = None) -> dict[str, tuple[float, float]]: ...
    def extra_visits(self) -> list[ExtraVisit]: ...


class PolicyConfig(BaseModel):
    """Base of every strategy's settings; each subclass adds ``kind: Literal["name"]`` and its own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    if TYPE_CHECKING:
        kind: str  # every subclass declares it, a Literal field: the policy's name in scenario files

    def problems(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        """Cross-field problems of these settings in this scenario, as (key path, message); ``path`` is where
        the policy sits (``policy`` or ``groups.L2.policy``)."""
        return []

    def load_warnings(self, scenario: ScenarioView, path: str) -> list[tuple[str, str]]:
        """Loads this policy makes too high where the group as a whole would cope, as (key path, message);
        ``validate`` prints them. Pure arithmetic on the scenario, nothing simulated."""
        return []

    def extra_visits(self, scenario: ScenarioView, group: str) -> list[ExtraVisit]:
        """The visits this policy, in force at ``group``, inserts into tickets' routes there (see
        :mod:`supportsim.visits`). The tickets module draws their work, so strategies draw no random numbers."""
        return []


class Group(Protocol):
    """The engine's view of one group, as strategies see it.

    Per-visit attributes are sequences indexed by visit. ``rank`` and ``vip`` are always at hand; the others are
    built on first use (read them once, in ``__init__``), so a strategy that does not need one costs nothing.
    They are what a real desk can know when a visit arrives; see docs/extending.md. Strategies read these, never
    set them.
    """

    @property
    def name(self) -> str: ...
    @property
    def staff(self) -> int: ...
    @property
    def scenario(self) -> ScenarioView:  # the (pure data) Scenario, for targets and group names
        ...
    @property
    def ranks(self) -> int:  # number of distinct ranks
        ...
    @property
    def priorities(self) -> int:  # number of ticket priorities (1 when none are declared)
        ...
    @property
    def vip_privileges(self) -> bool:  # whether this group gives VIP tickets VIP treatment at all
        ...
    @property
    def activities(self) -> tuple[str, ...]:  # activity code names: [0] is "work" (see supportsim.visits)
        ...
    @property
    def rank(self) -> Sequence[int]:  # per visit: 0 is served first (VIP, then ticket priority)
        ...
    @property
    def vip(self) -> Sequence[int]:  # per visit: 1 for a VIP segment's ticket (when VIP privileges apply here)
        ...
    @property
    def priority(self) -> Sequence[int]:  # per visit: its ticket's priority (0 most urgent)
        ...
    @property
    def segment(self) -> Sequence[int]:  # per visit: its ticket's segment index
        ...
    @property
    def customer(self) -> Sequence[float]:  # per visit: which customer wrote the ticket, uniform in [0, 1)
        ...
    @property
    def arrived(self) -> Sequence[float]:  # per visit: when its ticket arrived
        ...
    @property
    def activity(self) -> Sequence[int]:  # per visit: what the visit is, an index into activities (0: work)
        ...
    @property
    def expected_work(self) -> Sequence[float]:  # per visit: mean of the distribution its work is drawn from
        ...
    @property
    def reaction_deadline(self) -> Sequence[float]:  # per visit: when the reaction target falls due (inf: none)
        ...
    @property
    def resolution_deadline(self) -> Sequence[float]:  # per visit: when the resolution target falls due
        ...
    @property
    def oracle_work(self) -> Sequence[float]:
        """Per visit: the work content drawn for it, which no real desk knows in advance; for oracle studies
        (what knowing it would be worth) only."""
        ...
    @property
    def need(self) -> Sequence[int]:  # per visit: the skills its ticket needs (index into skills.need_classes)
        ...
    @property
    def able(self) -> Sequence[Sequence[bool]] | None:
        """Per need, per engineer: whether the engineer carries the skills; None when this group's engineers
        carry no skills (everyone takes everything). See supportsim.skills."""
        ...
    @property
    def serving(self) -> list[int]:  # per engineer: the visit in work, or -1
        ...
    @property
    def now(self) -> float: ...

    def start(self, engineer: int, visit: int, pace: float = 1.0) -> None:
        """Engineer begins, or resumes, work on the visit; the work takes ``pace`` times its content."""

    def interrupt(self, engineer: int) -> int:
        """Stop the engineer's current work; the visit keeps the work already done. Returns the visit."""

    def call_later(self, delay: float, callback: Callable[[Any], None], argument: Any) -> None:
        """Call ``callback(argument)`` after ``delay`` hours of simulated time."""


class Strategy:
    """One group's queue discipline. Subclasses override :meth:`arrive` and :meth:`release` (the whole contract,
    and what the engine has done before each call, is in docs/extending.md).

    ``idle`` holds the engineers that are on duty and free; the engine calls :meth:`release` when an engineer
    becomes free (work done, or shift starts) and :meth:`withdraw` when an idle engineer goes off shift.
    When an engineer's shift ends during work, :meth:`pause` is called: the visit stays with them (the engine
    keeps it) and :meth:`resume` hands it back at their next shift start. Between the two the engineer is neither
    idle nor at work, so a strategy must neither start work with nor interrupt them.
    """

    kind: ClassVar[str]
    Config: ClassVar[type[PolicyConfig]]
    skills: ClassVar[bool] = False
    """Whether the strategy gives a ticket only to an engineer with the skills it needs (see supportsim.skills);
    validation refuses a strategy that does not in a group whose engineers carry skills."""

    def __init__(self, config: PolicyConfig, group: Group):
        self.config = config
        self.group = group
        self.idle: list[int] = []

    @classmethod
    def for_group(cls, config: PolicyConfig, group: Group) -> Strategy:
        """The strategy object for one group. A strategy whose settings leave a group out (no dedicated
        engineers there, say) may return a plainer strategy for it."""
        return cls(config, group)

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
        self.group.start(engineer, visit)

    def waiting(self) -> int:
        """How many visits wait for an engineer (for checks and reports, not the hot path)."""
        raise NotImplementedError

    keeps_place: ClassVar[bool] = False
    """Whether :meth:`rejoin_front` is implemented (a scenario may then say ``waiting.rejoin: front``)."""

    def rejoin_front(self, visit: int) -> None:
        """The visit comes back (its customer answered) and takes its old place: the head of its queue, ahead of
        the visits that came after it; an idle engineer takes it at once."""
        raise NotImplementedError(f"policy {self.kind!r} cannot put a returning visit back in its place")


class RankedQueue:
    """Waiting visits, one FIFO per rank; the head of the best (lowest) non-empty rank comes out first."""

    def __init__(self, ranks: int):
        self.queues: list[deque[int]] = [deque() for _ in range(ranks)]
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def push(self, visit: int, rank: int) -> None:
        self.queues[rank].append(visit)
        self.count += 1

    def push_front(self, visit: int, rank: int) -> None:
        """Back to the head of its rank: an interrupted visit keeps its place."""
        self.queues[rank].appendleft(visit)
        self.count += 1

    def pop(self) -> int:
        """The best waiting visit (the caller checks that one waits)."""
        self.count -= 1
        for queue in self.queues:
            if queue:
                return queue.popleft()
        raise IndexError("pop from an empty RankedQueue")

    def remove(self, visit: int, rank: int) -> None:
        self.queues[rank].remove(visit)
        self.count -= 1


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make a strategy available under ``cls.kind`` in scenario files, in this process.

    For in-process use (a notebook, a test): worker processes that do not inherit this process's memory (a Dask
    cluster, or a pool that spawns) never see it. A strategy meant for runs with workers belongs in a package
    with a ``supportsim.strategies`` entry point, which every process loads itself (see docs/extending.md)."""
    if cls.kind in REGISTRY:
        raise ValueError(f"a strategy named {cls.kind!r} is already registered")
    REGISTRY[cls.kind] = cls
    return cls


def unknown_group(scenario: ScenarioView, group: str) -> str:
    return f"unknown group {group!r}; groups are {', '.join(scenario.group_names)}"


def engineer_counts_problems(scenario: ScenarioView, path: str, engineers: dict[str, int] | None, kind: str,
                             exclusive: bool) -> list[tuple[str, str]]:
    """Checks shared by the policies that set engineers of a group apart for VIP tickets (``dedicated``,
    ``reserve``). ``exclusive``: those engineers serve VIP tickets only, so a group needs others too."""
    problems = []
    counts = engineers if engineers is not None else {scenario.entry_group: 1}
    owner = path.split(".")[1] if path.startswith("groups.") else None  # a group's own policy rules it alone
    for group, count in counts.items():
        key = f"{path}.engineers.{group}" if engineers is not None else path
        if group not in scenario.groups:
            problems.append((key, unknown_group(scenario, group)))
            continue
        if owner is not None and group != owner:
            problems.append((key, f"this is {owner}'s own policy, so it sets apart engineers of {owner} only; "
                                  f"write engineers: {{{owner}: N}}"))
            continue
        staff = scenario.groups[group].headcount  # shift blocks count heads
        own = scenario.groups[group].policy
        if path == "policy" and own is not None and own.kind != kind:
            problems.append((key, f"{group} has its own policy ({own.kind}), so this does not apply there"))
        elif exclusive and count >= staff:
            problems.append((key, f"dedicates {count} of the {staff} engineers of {group} to VIP tickets; "
                                  f"at most {staff - 1}, or non-VIP tickets are never served"))
        elif count > staff:
            problems.append((key, f"reserves {count} engineers but {group} has {staff}"))
        elif exclusive and not scenario.honours_vip(group):
            problems.append((key, f"{group} gives VIP tickets no privileges (vip_in_escalation: false or "
                                  f"groups.{group}.vip_privileges: false), so its dedicated engineers would "
                                  "never work"))
    if exclusive and not scenario.vip_segments:
        problems.append((path, "dedicated engineers need VIP tickets: mark a segment 'vip: true'"))
    return problems
