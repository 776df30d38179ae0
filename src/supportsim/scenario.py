"""The scenario: a support desk described as data.

Pure data, validated by pydantic (unknown keys are errors), with no simulation code. Times are hours inside;
in files they are strings with units. What one field cannot check alone (shares summing to 1, groups that
exist, escalation that ends) is checked in :mod:`supportsim.consistency`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BeforeValidator, Discriminator, Field, PlainSerializer, Tag, WithJsonSchema

from . import calendar as cal
from . import formats, zones
from .arrival_calendar import PerWorkingDay, parse_arrival_rate, parse_growth, per_hour
from .callbacks import CALLBACK, Callbacks
from .contracts import Contracts
from .customer_waits import AutoClose, CustomerWait, Reopen
from .customers import Customers, Population, customers_of
from .distributions import Distribution, Duration
from .limits import MAX_GROUPS, MAX_LIST, MAX_PRIORITIES, MAX_REPLICATIONS, MAX_SEGMENTS
from .model import Model, QuietModel
from .priorities import PriorityValue, confusion, shares
from .roster_spec import Roster
from .routing import EntryRule, EscalationRule, in_hours, match_shares
from .service_targets import TargetValue, placed_targets
from .skills import Dimension
from .strategies import PolicyConfig, PolicySpec
from .ticket_types import TicketType, type_shares
from .triage import TRIAGE, Triage
from .units import format_rate, parse_rate
from .visits import ExtraVisit
from .working_time import OLA, Burst, CalendarValue, Profile, Staff, StaffBlock, Start, listed

Rate = Annotated[float, BeforeValidator(parse_rate), PlainSerializer(format_rate, return_type=str)]
"""A rate per hour, read from strings such as '9/h' or '40/d'."""

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
"""Names of segments, priorities and groups: they become key paths ('groups.L1'), paths ('L1>L2') and columns."""




class Segment(QuietModel):
    quiet_defaults: ClassVar[dict[str, Any]] = {"auto_close": True}

    share: float | None = Field(None, gt=0, le=1, description="Fraction of all tickets from this segment.")
    rate: Rate | None = Field(None, gt=0, description="This segment's own arrival rate, instead of a share.")
    vip: bool = Field(False, description="VIP segments are served first by the VIP policies.")
    types: dict[Name, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="This segment's own mix of ticket types (type -> share), where it differs from types.")
    auto_close: bool = Field(True, description="false: this segment's tickets are never auto-closed (a contract "
                                               "that forbids it).")
    description: str = Field("", description="Free text for people; not used by the simulation.")
    customers: Population | None = Field(None, description="The segment's customers, as labels on its tickets "
                                                           "(see docs/contracts.md).")


ArrivalRate = Annotated[Any, BeforeValidator(parse_arrival_rate),
                        PlainSerializer(lambda v: str(v) if isinstance(v, PerWorkingDay) else format_rate(v),
                                        return_type=str),
                        WithJsonSchema({"type": "string", "examples": ["9/h", "200/d", "120/working_day"]})]
"""A rate per hour ('9/h', '40/d'), or per working day of arrivals.calendar ('120/working_day')."""
Growth = Annotated[float, BeforeValidator(parse_growth),
                   PlainSerializer(lambda v: f"{100 * v:+.10g}%/y", return_type=str),
                   WithJsonSchema({"type": "string", "examples": ["+15%/y", "-2%/month"]})]


class Arrivals(Model):
    rate: ArrivalRate | None = Field(None, description="Poisson arrival rate over all segments (mean over an "
                                                          "ordinary week), e.g. '9/h', or '120/working_day'.")
    profile: Profile | None = Field(None, description="Weekly pattern of the arrival rate.")
    calendar: str | None = Field(None, description="The customers' calendar: the profile's clock, holidays and "
                                                      "special days that shape arrivals, the days of '/working_day'.")
    growth: Growth | None = Field(None, description="Trend of the rate over the run, e.g. '+15%/y' (compounded).")
    bursts: Annotated[list[Burst], BeforeValidator(listed)] = Field(
        default_factory=list, max_length=MAX_LIST,
        description="Incident bursts on top of the arrivals (one mapping or a list).")
    trace: str | None = Field(None, description="CSV of real tickets to replay instead of a rate "
                                                   "(relative to the scenario file).")


class WorkByClass(Model):
    """Work time that depends on the ticket: by segment first, then by priority, else the default."""

    default: Distribution = Field(description="Work time of tickets that no other entry matches.")
    by_segment: dict[str, Distribution] = Field(default_factory=dict, description="Work time per customer segment.")
    by_priority: dict[str, Distribution] = Field(default_factory=dict, description="Work time per ticket priority.")

    def for_ticket(self, segment: str, priority: str) -> Distribution:
        """The work time of a ticket of this segment and priority: the one rule, by segment first, then by
        priority, else the default."""
        return self.by_segment.get(segment) or self.by_priority.get(priority) or self.default


def _work_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "by_class" if "default" in value else "dist"
    return "by_class" if isinstance(value, WorkByClass) else "dist"


Work = Annotated[
    Annotated[Distribution, Tag("dist")] | Annotated[WorkByClass, Tag("by_class")],
    Discriminator(_work_kind),
]


class Group(QuietModel):
    quiet_defaults: ClassVar[dict[str, Any]] = {"work_by_type": {}, "escalate_by_type": {}, "waiting_by_type": {}}

    staff: Staff = Field(description="Engineers in the group: a number (around the clock) or blocks "
                                     "{count, calendar}.")
    work: Work | None = Field(None, description="Work time of one ticket's visit to this group (required unless "
                                                "work_by_type gives the work of every type that comes here).")
    work_by_type: dict[str, Distribution] = Field(
        default_factory=dict, description="Work time per ticket type, instead of work.")
    escalate: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="After work here, probability of going on to each group."
    )
    escalate_by_type: dict[str, dict[str, Annotated[float, Field(ge=0, le=1)]]] = Field(
        default_factory=dict, description="Per ticket type, escalation instead of escalate (escalate_when rules "
                                          "come first).")
    waiting: CustomerWait | None = Field(None, description="Visits here that stop to wait on the customer.")
    waiting_by_type: dict[str, CustomerWait] = Field(
        default_factory=dict, description="Per ticket type, waiting on the customer instead of waiting.")
    escalate_when: list[EscalationRule] = Field(
        default_factory=list, max_length=MAX_LIST,
        description="Escalation by segment and arrival time: the first rule a ticket matches replaces escalate.")
    policy: PolicySpec | None = Field(None, description="This group's queue policy (default: the scenario's).")
    ola: OLA | None = Field(None, description="Pickup target for tickets escalated to this group.")
    cost: float | None = Field(None, ge=0, description="Cost per engineer-hour on duty (default 1: costs are then "
                                                       "engineer-hours); a staff block's own cost wins.")
    shrinkage: float = Field(0.0, ge=0, lt=1, description="Share of paid time not on tickets (breaks, training, "
                                                          "leave): headcount = engineers on duty / (1 - shrinkage).")
    at_shift_end: Literal["pause", "finish"] = Field(
        "pause", description="Work in hand when a shift ends: 'pause' (the same engineer resumes it next shift) or "
                             "'finish' (the engineer finishes it before leaving).")
    vip_privileges: bool | None = Field(
        None, description="Whether VIP tickets get VIP treatment here (default: yes at the entry group, "
                          "the scenario's vip_in_escalation elsewhere)."
    )

    @property
    def blocks(self) -> list[StaffBlock]:
        return self.staff if isinstance(self.staff, list) else [StaffBlock(count=self.staff)]

    @property
    def headcount(self) -> int:
        """Engineers in the group, on duty or not."""
        return sum(b.count for b in self.blocks)


class SLATargets(Model):
    reaction: TargetValue | None = Field(None, description="Target for the time to first response: "
                                                               "{within, clock, attain}, or a duration ('15m').")
    resolution: TargetValue | None = Field(None, description="Target for the time to resolution: "
                                                                 "{within, clock, attain}, or a duration ('5bd').")
    clock: str | None = Field(None, description="Calendar of the targets that name none (default: around the clock).")


class SLA(SLATargets, QuietModel):
    quiet_defaults: ClassVar[dict[str, Any]] = {"by_type": {}}

    by_type: dict[str, SLATargets] = Field(
        default_factory=dict, description="Per ticket type, targets instead of this segment's (a type's targets "
                                          "without a clock count on the segment's).")


class Sweep(Model):
    """A parameter sweep: every combination of the grid's values is one point (see docs/sweeps.md)."""

    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(
        min_length=1, description="Dotted key path into the scenario (e.g. 'groups.L1.staff') -> values to try."
    )
    replications: int | None = Field(None, ge=1, le=MAX_REPLICATIONS,
                                     description="Replications per point (default: the scenario's).")
    tickets: Literal["common", "independent"] = Field(
        "common", description="'common': every point sees the same tickets (common random numbers); "
                              "'independent': each point draws its own."
    )


CheckSpec = str | dict[str, str]
"""'vip.reaction.p90 <= 1h', or {variant: '...'} for a check on one variant (YAML reads '- v: ...' that way)."""


def _zone_name(value: Any) -> Any:
    zones.zone(value)
    return value


def _scenario_format(value: Any) -> Any:
    try:
        formats.check("scenario", value, formats.SCENARIO)
    except formats.FormatError as exc:
        raise ValueError(str(exc)) from None
    return value


class Scenario(Model):
    format: Annotated[int | None, BeforeValidator(_scenario_format)] = Field(
        None, description="Format the file is written in (1 or 2; absent: 1, which reads the same).")
    name: str = Field(pattern=NAME_PATTERN, description="Used for the output folder.")
    description: str = Field("", description="Free text for people; not used by the simulation.")
    start: Start | None = Field(
        None, description="Wall-clock time of simulated time 0, the calendars' origin (default: a Monday 00:00).")
    tz: Annotated[str, BeforeValidator(_zone_name)] | None = Field(
        None, description="IANA time zone of start (needed when a calendar names a tz and start has no offset), "
                          "e.g. 'Europe/Moscow'.")
    calendars: dict[Name, CalendarValue] = Field(
        default_factory=dict, description="Named working-time calendars; 'always' and '24x7' are built in.")
    horizon: Duration = Field(gt=0, description="Arrivals stop here; the run then drains.")
    warmup: Duration = Field(0.0, ge=0, description="Tickets arriving before this are not counted.")
    replications: int = Field(10, ge=1, le=MAX_REPLICATIONS,
                              description="Independent runs; figures are means over them with 95% CIs.")
    seed: int = Field(1, ge=0, description="Seed of every random stream; the same seed gives the same results.")
    segments: dict[Name, Segment] = Field(min_length=1, max_length=MAX_SEGMENTS,
                                          description="Customer segments by name.")
    priorities: dict[Name, PriorityValue] | None = Field(
        None, max_length=MAX_PRIORITIES, description="Share of tickets at each priority, most urgent first, or "
                                                     "{share, declared}: how customers declare them.")
    types: dict[Name, TicketType] | None = Field(
        None, min_length=1, max_length=MAX_PRIORITIES,
        description="Ticket types (incident, request...) and their shares.")
    triage: Triage | None = Field(None, description="A first visit that re-labels tickets with their true priority.")
    callbacks: Callbacks | None = Field(
        None, description="VIP customers pick a time to be called back; the call is the first response.")
    skills: dict[Name, Dimension] | None = Field(
        None, min_length=1, max_length=MAX_LIST,
        description="Skills tickets need, by dimension (product, language...): the shares of each dimension's "
                    "skills, for every ticket or by segment.")
    arrivals: Arrivals = Field(default_factory=Arrivals, description="How tickets arrive.")
    groups: dict[Name, Group] = Field(min_length=1, max_length=MAX_GROUPS, description="Engineer groups by name.")
    entry: str | list[EntryRule] | None = Field(
        None, max_length=MAX_LIST, description="The group where tickets arrive, or rules by segment and arrival time "
                                               "(first match; the last matches every ticket).")
    policy: PolicySpec = Field(default_factory=lambda: {"kind": "fifo"}, validate_default=True,
                               description="Queue policy of every group without its own.")
    auto_close: AutoClose | None = Field(
        None, description="Close a ticket unresolved when it waits on the customer longer than this.")
    reopen: Reopen | None = Field(None, description="Resolved tickets that reopen and need more work.")
    vip_in_escalation: bool = Field(
        True, description="Whether VIP privileges carry into the groups a ticket is escalated to; with false "
                          "those groups treat every ticket alike (no OLA honours VIP)."
    )
    sla: dict[str, SLA] = Field(default_factory=dict, description="Targets per segment.")
    variants: dict[Name, dict[str, Any]] = Field(
        default_factory=dict, description="Named alternatives: the base scenario with these keys replaced (deep merge)."
    )
    baseline: str | None = Field(None, description="Variant that ratios are reported against (default: the first).")
    sweep: Sweep | None = Field(None, description="A parameter sweep over this scenario, run by `supportsim sweep`.")
    checks: list[CheckSpec] = Field(
        default_factory=list, max_length=MAX_LIST,
        description="Service targets `supportsim check` judges, e.g. 'vip.reaction.p90 <= 1h'."
    )
    contracts: Contracts | None = Field(None, description="Prepaid points plans and loyalty cards of the segments' "
                                                          "customers (see docs/contracts.md).")
    roster: Roster | None = Field(None, description="Shifts a least-cost roster may use (`supportsim staff "
                                                    "--by-hour`): {shifts: {name: {calendar, cost, groups}}}.")

    # ---- derived values (plain functions of the data) -------------------------------------------------
    @property
    def segment_names(self) -> list[str]:
        return list(self.segments)

    def customers(self) -> Customers | None:
        """The segments' customers, numbered across segments (None when no segment declares any)."""
        return customers_of({name: s.customers for name, s in self.segments.items()})

    @property
    def priority_names(self) -> list[str]:
        return list(self.priorities or {})

    @property
    def priority_shares(self) -> dict[str, float]:
        """Each priority's share among tickets (true priority); empty when none are declared."""
        return shares(self.priorities)

    @property
    def misdeclares(self) -> bool:
        """Whether the priority queues see can differ from the true one (a confusion matrix, or triage): then
        figures are also reported by true priority."""
        return confusion(self.priorities) is not None or self.triage is not None

    @property
    def group_names(self) -> list[str]:
        return list(self.groups)

    @property
    def type_names(self) -> list[str]:
        return list(self.types or {})

    def type_mixes(self) -> np.ndarray:
        """[segments, types]: each segment's mix of ticket types (see :mod:`supportsim.ticket_types`)."""
        return np.array([type_shares(self.types or {}, seg.types) for seg in self.segments.values()])

    def wait_of(self, group: str, ticket_type: str | None) -> CustomerWait | None:
        """How visits of tickets of this type (None: without types) wait on the customer at the group."""
        spec = self.groups[group]
        return spec.waiting_by_type.get(ticket_type or "", spec.waiting)

    def has_lifecycle(self) -> bool:
        """Whether tickets may wait on the customer or reopen (see supportsim.customer_waits)."""
        return (self.reopen is not None or any(t.reopen is not None for t in (self.types or {}).values())
                or any(g.waiting is not None or g.waiting_by_type for g in self.groups.values()))

    def reopen_for(self, ticket_type: str | None) -> Reopen | None:
        """How tickets of this type (None: without types) reopen."""
        own = (self.types or {}).get(ticket_type or "")
        return own.reopen if own is not None and own.reopen is not None else self.reopen

    def overall_type_shares(self) -> dict[str, float]:
        """Expected share of all tickets of each type, over the segments' mixes; {"": 1} without types."""
        if not self.types:
            return {"": 1.0}
        shares = self.segment_shares / (self.segment_shares.sum() or 1.0)
        return dict(zip(self.type_names, (shares @ self.type_mixes()).tolist()))

    @property
    def entry_group(self) -> str:
        """The default entry: the one entry group, or the group of the last entry rule (which matches all)."""
        if isinstance(self.entry, list):
            return self.entry[-1].group
        return self.entry or next(iter(self.groups))

    @property
    def entry_rules(self) -> list[EntryRule]:
        """The entry rules; one catch-all rule when every ticket enters at one group."""
        return self.entry if isinstance(self.entry, list) else [EntryRule(group=self.entry_group)]

    @property
    def routes_by_entry(self) -> bool:
        """Whether tickets may enter at more than one group."""
        return len({rule.group for rule in self.entry_rules}) > 1

    @property
    def total_rate(self) -> float:
        """Tickets per hour at start over all segments, the mean over an ordinary week."""
        rate = self.arrivals.rate
        if isinstance(rate, PerWorkingDay):
            from .workdays import working_days_per_week

            profile = self.arrivals.profile
            table = profile.table() if profile is not None else np.ones(int(cal.WEEK))
            return per_hour(rate.count, working_days_per_week(self.calendar(self.arrivals.calendar)), table)
        if rate is not None:
            return rate
        return sum(s.rate or 0.0 for s in self.segments.values())

    @property
    def segment_shares(self) -> np.ndarray:
        rates = np.array([s.rate or 0.0 for s in self.segments.values()])
        if self.arrivals.rate is not None or not rates.any():
            shares = np.array([s.share or 0.0 for s in self.segments.values()])
            return shares if shares.any() or len(shares) > 1 else np.ones(1)
        return rates / rates.sum()

    @property
    def mean_arrival_rate(self) -> float:
        """Tickets per hour over a long run: the rate plus the incident bursts (a trace's rate is its own)."""
        return self.total_rate + sum(b.tickets / b.every for b in self.arrivals.bursts)

    # ---- working time ---------------------------------------------------------------------------------
    @property
    def origin(self) -> datetime:
        """Wall-clock time of simulated time 0 (in zone ``tz`` when given)."""
        start = self.start or cal.DEFAULT_START
        if self.tz is not None and start.tzinfo is None:
            return start.replace(tzinfo=zones.zone(self.tz))
        return start

    def calendar(self, name: str | None) -> cal.Calendar:
        """The named calendar, built against ``start`` (None and the built-in names are around the clock)."""
        spec = self.calendars.get(name) if name is not None else None
        if spec is None or isinstance(spec, str):
            return cal.ALWAYS
        return spec.build(self.origin, name or "")

    def shifts_of(self, group: str) -> list[tuple[int, cal.Calendar]]:
        """The group's staff blocks as (engineers, calendar), in the order engineers are numbered."""
        return [(b.count, self.calendar(b.calendar)) for b in self.groups[group].blocks]

    def uses_working_time(self) -> bool:
        """Whether anything here is not the stationary 24x7 model (a calendar, profile, burst, trace, arrival
        calendar or growth)."""
        clocks: list[str | None] = [b.calendar for g in self.groups.values() for b in g.blocks]
        clocks += [p.clock for p in placed_targets(self)] + [s.clock for s in self.sla.values()]
        a = self.arrivals
        return (any(not self.calendar(c).is_always for c in clocks) or a.profile is not None or bool(a.bursts)
                or a.trace is not None or a.calendar is not None or a.growth is not None)

    @property
    def vip_segments(self) -> list[str]:
        return [n for n, s in self.segments.items() if s.vip]

    def policy_of(self, group: str) -> PolicyConfig:
        return self.groups[group].policy or self.policy

    def honours_vip(self, group: str) -> bool:
        """Whether the group gives VIP tickets VIP treatment (rank, lanes, dedicated engineers)."""
        own = self.groups[group].vip_privileges
        if own is not None:
            return own
        return any(group == rule.group for rule in self.entry_rules) or self.vip_in_escalation

    def routing_matrix(self, ticket_type: str | None = None) -> np.ndarray:
        """Escalation probabilities between groups; a group's rules by segment and time (``escalate_when``)
        weighted by the share of tickets each takes. With ticket types: of the tickets of ``ticket_type``, or
        (None) of all tickets, the types weighted by their shares."""
        if ticket_type is None and any(g.escalate_by_type for g in self.groups.values()):
            return sum((share * self.routing_matrix(t) for t, share in self.overall_type_shares().items()),
                       np.zeros((len(self.groups), len(self.groups))))
        names = self.group_names
        matrix = np.zeros((len(names), len(names)))
        for i, g in enumerate(names):
            group = self.groups[g]
            own = group.escalate_by_type.get(ticket_type or "")
            tables = [rule.escalate for rule in group.escalate_when] + [group.escalate if own is None else own]
            weights = self.rule_shares(group.escalate_when) if group.escalate_when else [1.0]
            for weight, table in zip(weights, tables):
                for target, p in table.items():
                    if target in self.groups:
                        matrix[i, names.index(target)] += weight * p
        return matrix

    def visits_per_ticket(self, ticket_type: str | None = None) -> np.ndarray:
        """Expected visits of one ticket (of ``ticket_type``, if given) to each group (traffic equations
        v = e + v P)."""
        entry = self.entry_shares()
        return np.linalg.solve((np.eye(len(entry)) - self.routing_matrix(ticket_type)).T, entry)

    def entry_shares(self) -> np.ndarray:
        """Expected share of tickets entering at each group (see :func:`supportsim.routing.entry_shares`)."""
        entry = np.zeros(len(self.groups))
        if not self.routes_by_entry:
            entry[self.group_names.index(self.entry_group)] = 1.0
            return entry
        for rule, share in zip(self.entry_rules, self.rule_shares(self.entry_rules)):
            entry[self.group_names.index(rule.group)] += share
        return entry

    def rule_shares(self, rules: list[EntryRule] | list[EscalationRule]) -> list[float]:
        """Expected share of tickets each rule takes first, and (last) the share none takes."""
        clocks = {rule.clock for rule in rules if rule.clock is not None}
        return match_shares(rules, self.segment_names, self.segment_shares,
                            {c: self.arrivals_in_hours(c) for c in clocks}).tolist()

    def arrivals_in_hours(self, clock: str) -> float:
        """Share of arrivals that fall within the calendar's working time over an ordinary week (the arrival
        profile's weight on each quarter hour of the week)."""
        profile = self.arrivals.profile
        table = profile.table() if profile is not None else np.ones(int(cal.WEEK))
        times = np.arange(0.0, cal.WEEK, 0.25) + 0.125  # mid-points of the first week's quarter hours
        weights = table[((times + cal.week_hour(self.origin)) // 1).astype(int) % int(cal.WEEK)]
        return float(np.sum(weights * in_hours(self.calendar(clock), times)) / (np.sum(weights) or 1.0))

    def mean_work(self, group: str, segments: list[str] | None = None, ticket_type: str | None = None) -> float:
        """Mean work of a visit to the group, averaged over the ticket mix (of ``segments`` only, and of
        ``ticket_type`` only, if given). With types, each type's visits to the group weigh by how many there are."""
        spec = self.groups[group]
        if ticket_type is not None and ticket_type in spec.work_by_type:
            return spec.work_by_type[ticket_type].mean_hours
        if ticket_type is None and self.types and (spec.work_by_type or spec.work is None):
            index = self.group_names.index(group)
            weights = {t: share * self.visits_per_ticket(t)[index] for t, share in self.overall_type_shares().items()}
            total = sum(weights.values())
            return sum(w * self.mean_work(group, segments, t) for t, w in weights.items()) / total if total else 0.0
        work = spec.work
        if work is None:  # a type that never comes here (validation makes sure of it)
            return 0.0
        if not isinstance(work, WorkByClass):
            return work.mean_hours
        shares = {seg: share for seg, share in zip(self.segment_names, self.segment_shares)
                  if segments is None or seg in segments}
        norm = sum(shares.values()) or 1.0
        shares = {seg: share / norm for seg, share in shares.items()}
        priorities = self.priority_shares or {"": 1.0}
        total = 0.0
        for seg, sshare in shares.items():
            for pri, pshare in priorities.items():
                total += sshare * pshare * work.for_ticket(seg, pri).mean_hours
        return total

    def weekly_hours(self, arrival_rate: float | None = None) -> dict[str, tuple[float, float]]:
        """Per group: (offered work, available engineer-hours) in hours per week. ``arrival_rate`` replaces
        the scenario's mean rate (e.g. a trace's). Visits the policies insert count as offered work."""
        rate = self.mean_arrival_rate if arrival_rate is None else arrival_rate
        visits = self.visits_per_ticket()
        extra = self.extra_visits()
        out = {}
        for i, g in enumerate(self.group_names):
            work = rate * visits[i] * self.mean_work(g)
            work += rate * self.reopen_work(g)
            for visit in extra:
                if visit.group == g:
                    share = sum(share for share, seg in zip(self.segment_shares, self.segment_names)
                                if seg in visit.segments)
                    work += rate * share * visit.work.mean_hours
            available = sum(count * calendar.hours_per_week for count, calendar in self.shifts_of(g))
            out[g] = (cal.WEEK * work, available)
        return out

    def reopen_work(self, group: str) -> float:
        """Mean hours of work per ticket that reopens bring to the group: a ticket of a type that reopens with
        probability r reopens r / (1 - r) times on average, each time at the group that resolved it."""
        index, total = self.group_names.index(group), 0.0
        for name, share in self.overall_type_shares().items():
            spec = self.reopen_for(name or None)
            if spec is not None:
                ends = self.visits_per_ticket(name or None) * (1 - self.routing_matrix(name or None).sum(axis=1))
                mean = spec.work.mean_hours if spec.work is not None else self.mean_work(group, None, name or None)
                total += share * spec.probability / (1 - spec.probability) * ends[index] * mean
        return total

    def offered_load(self, arrival_rate: float | None = None) -> dict[str, float]:
        """rho per group: offered work divided by the engineer-hours on duty, over a week."""
        return {g: offered / available for g, (offered, available) in self.weekly_hours(arrival_rate).items()}

    def extra_visits(self) -> list[ExtraVisit]:
        """The visits the policies in force insert into tickets' routes, in order (see supportsim.visits)."""
        visits = [visit for g in self.group_names for visit in self.policy_of(g).extra_visits(self, g)]
        calls = self.callbacks
        if calls is not None:  # first of all: the call is the first response
            segments = calls.segments if calls.segments is not None else self.vip_segments
            visits.insert(0, ExtraVisit(CALLBACK, calls.group or self.entry_group, calls.work, tuple(segments),
                                        calls.share))
        if self.triage is not None:
            segments = self.triage.segments if self.triage.segments is not None else self.segment_names
            visits.append(ExtraVisit(TRIAGE, self.triage.group, self.triage.work, tuple(segments)))
        return visits
