"""Drawing the tickets of one replication before the simulation runs.

Everything random about a ticket — when it arrives, its segment and priority, the groups it will visit and the
work each visit takes — is drawn here, in bulk, from numpy streams that depend only on (seed, replication,
purpose). The queue strategy never consumes random numbers, so every strategy sees the very same tickets
(common random numbers), and replication r of seed s is the same whatever else runs or on which worker.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from .calendar import WEEK, Calendar, week_hour
from .distributions import Distribution
from .limits import MAX_VISITS
from .routing import TicketMatch, first_match
from .scenario import Scenario, WorkByClass
from .trace import Trace
from .visits import activity_names


def stream(seed: int, replication: int, purpose: str) -> np.random.Generator:
    """The random stream for one purpose of one replication; purposes are named, so adding one shifts none."""
    key = (replication, zlib.crc32(purpose.encode()))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=key)))


@dataclass
class TicketStream:
    """Tickets of one replication, sorted by arrival, and their visits in one flat array.

    Visit ``offset[t] + k`` is the k-th group visit of ticket ``t``; ``route`` holds its group index and
    ``work`` its work content in hours.
    """

    arrived: np.ndarray    # float64 [tickets]
    segment: np.ndarray    # int [tickets] (index_dtype), index into scenario.segment_names
    priority: np.ndarray   # int [tickets] (index_dtype), index into scenario.priority_names (0 when none are declared)
    offset: np.ndarray     # int64 [tickets]
    visits: np.ndarray     # int64 [tickets], number of visits
    route: np.ndarray      # int [visits] (index_dtype), index into scenario.group_names
    work: np.ndarray       # float64 [visits]
    burst: np.ndarray | None = None  # int64 [tickets]: incident number of a burst's ticket, -1 otherwise
    # float64 [tickets]: which customer of its segment, uniform in [0, 1) (zeros unless given)
    customer: np.ndarray = cast(np.ndarray, None)
    # int8 [visits]: index into activities (0, work, unless a policy inserted it); zeros unless given
    activity: np.ndarray = cast(np.ndarray, None)
    activities: tuple[str, ...] = ("work",)  # names of the activity codes (see supportsim.visits)
    # (group, staff block) -> float64 [visits]: the call-out delay if that on-call block is called out for the
    # visit (drawn for visits to the group, 0 elsewhere); empty unless the scenario has on-call staff
    call_out: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        customer: np.ndarray | None = self.customer  # left out (None): filled in here
        if customer is None:
            self.customer = np.zeros(len(self.arrived))
        activity: np.ndarray | None = self.activity
        if activity is None:
            self.activity = np.zeros(len(self.route), dtype=np.int8)

    def __len__(self) -> int:
        return len(self.arrived)

    @property
    def ticket_of_visit(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.arrived)), self.visits)


def draw_tickets(scenario: Scenario, replication: int, seed: int | None = None) -> TicketStream:
    seed = scenario.seed if seed is None else seed
    trace = None
    if scenario.arrivals.trace is not None:
        from .trace import load_trace  # reads a file: only scenarios that replay one pay for it

        trace = load_trace(scenario)
        arrived, segment, priority = trace.arrived, trace.segment, trace.priority
    else:
        arrived = _arrival_times(scenario, stream(seed, replication, "arrivals"))
        segment, priority = _classes(scenario, len(arrived), stream(seed, replication, "segments"),
                                     stream(seed, replication, "priorities"))
    burst = None
    source = np.arange(len(arrived))  # row of the trace (or regular arrival) each ticket came from
    if scenario.arrivals.bursts:
        arrived, segment, priority, burst, source = _with_bursts(
            scenario, arrived, segment, priority, stream(seed, replication, "bursts"))
    n = len(arrived)
    matrix = _routes(scenario, n, stream(seed, replication, "routing"), entry_groups(scenario, arrived, segment),
                     arrived, segment)
    if trace is not None:
        matrix = _replayed_routes(matrix, trace, source)
    present = matrix >= 0
    visits = present.sum(axis=1)
    offset = np.zeros(n, dtype=np.int64)
    np.cumsum(visits[:-1], out=offset[1:])
    route = matrix[present].astype(index_dtype(len(scenario.groups)))
    ticket = np.repeat(np.arange(n), visits)
    work = _work(scenario, route, segment[ticket], priority[ticket], seed, replication)
    if trace is not None:
        row = source[ticket]
        for g, given in trace.work.items():
            use = (route == g) & (row >= 0)
            use[use] = ~np.isnan(given[row[use]])
            work[use] = given[row[use]]
    # Drawn for every ticket whatever the policy, so that a policy that looks at customers changes no other draw.
    customer = stream(seed, replication, "customers").random(n)
    extra = scenario.extra_visits()
    tickets = TicketStream(arrived, segment.astype(index_dtype(len(scenario.segments))),
                           priority.astype(index_dtype(len(scenario.priorities or {}))), offset,
                           visits.astype(np.int64), route, work, burst=burst, customer=customer,
                           activities=activity_names(extra))
    purposes: set[str] = set()
    for visit in reversed(extra):  # each goes in front: the first listed ends up first
        purpose = visit.activity if visit.activity not in purposes else f"{visit.activity}:{visit.group}"
        purposes.add(purpose)
        selected = np.isin(tickets.segment, [scenario.segment_names.index(s) for s in visit.segments])
        tickets = _with_extra_visit(tickets, selected, scenario.group_names.index(visit.group),
                                    tickets.activities.index(visit.activity), visit.work,
                                    stream(seed, replication, purpose))
    tickets.call_out = call_out_delays(scenario, tickets.route, seed, replication)
    return tickets


def call_out_delays(scenario: Scenario, route: np.ndarray, seed: int, replication: int) -> dict[tuple[int, int],
                                                                                                 np.ndarray]:
    """For each on-call staff block, the call-out delay of each visit to its group, from the block's own stream."""
    out = {}
    for g, name in enumerate(scenario.group_names):
        for b, block in enumerate(scenario.groups[name].blocks):
            if block.on_call:
                delay = np.zeros(len(route))
                here = route == g
                delay[here] = block.call_out_delay.sample(stream(seed, replication, f"call_out:{name}:{b}"),
                                                          int(here.sum()))
                out[(g, b)] = delay
    return out


def index_dtype(count: int) -> np.dtype:
    """The smallest integer type that numbers ``count`` things (segments, priorities, groups): int8 up to 127
    keeps the ticket table small, and a scenario that declares more gets a type that holds them all."""
    for dtype in (np.int8, np.int16, np.int32):
        if count <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _classes(scenario: Scenario, n: int, segments_rng: np.random.Generator,
             priorities_rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Segment and priority of n tickets, drawn by their shares."""
    shares = scenario.segment_shares
    segment = segments_rng.choice(len(shares), size=n, p=shares / shares.sum())
    if scenario.priorities:
        p = np.array(list(scenario.priorities.values()))
        priority = priorities_rng.choice(len(p), size=n, p=p / p.sum())
    else:
        priority = np.zeros(n, dtype=np.int64)
    return segment, priority


def _with_extra_visit(t: TicketStream, selected: np.ndarray, group: int, activity: int, dist: Distribution,
                      rng: np.random.Generator) -> TicketStream:
    """The same tickets with a visit of ``activity`` to ``group`` inserted before the first visit of each
    selected ticket, its work drawn from ``dist``. The other visits keep their work, so variants with and
    without the inserted visits stay paired."""
    added = selected.astype(np.int64)
    visits = t.visits + added
    offset = np.zeros(len(visits), dtype=np.int64)
    np.cumsum(visits[:-1], out=offset[1:])
    shift = np.repeat(np.cumsum(added), t.visits)  # visit k of ticket i moves by the insertions up to i
    n_visits = len(t.route) + int(added.sum())
    route = np.empty(n_visits, dtype=t.route.dtype)
    work = np.empty(n_visits)
    codes = np.empty(n_visits, dtype=np.int8)
    route[np.arange(len(t.route)) + shift] = t.route
    work[np.arange(len(t.route)) + shift] = t.work
    codes[np.arange(len(t.route)) + shift] = t.activity
    first = offset[selected]
    route[first] = group
    work[first] = dist.sample(rng, len(first))
    codes[first] = activity
    return TicketStream(t.arrived, t.segment, t.priority, offset, visits, route, work,
                        burst=t.burst, customer=t.customer, activity=codes, activities=t.activities)


def _arrival_times(scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    profile = scenario.arrivals.profile
    table = profile.table() if profile is not None else None
    if scenario.arrivals.calendar is not None or scenario.arrivals.growth:
        from . import arrival_calendar  # the customers' calendar: holidays, special days, zones, growth

        return arrival_calendar.sample(*arrival_plan(scenario), rng)
    if table is None or np.ptp(table) == 0:
        # A homogeneous Poisson process on [0, horizon): a Poisson count, then uniform order statistics.
        count = rng.poisson(scenario.total_rate * scenario.horizon)
        return np.sort(rng.uniform(0.0, scenario.horizon, count))
    return profiled_arrivals(scenario.total_rate * table, week_hour(scenario.origin), scenario.horizon, rng)


def arrival_plan(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, float]:
    """(bin edges, rate per bin before growth, growth exponent per hour) of the arrivals over [0, horizon) on
    the customers' calendar (see :mod:`supportsim.arrival_calendar`)."""
    from . import arrival_calendar
    from .special_days import arrival_days

    profile = scenario.arrivals.profile
    table = profile.table() if profile is not None else np.ones(int(WEEK))
    name = scenario.arrivals.calendar
    calendar = scenario.calendar(name)
    if calendar.monday is None:  # built in (24x7): on the scenario's clock
        origin = scenario.origin
        from datetime import timedelta

        calendar = type(calendar)(week=calendar.week, phase=week_hour(origin), name=calendar.name,
                                  monday=origin.date() - timedelta(days=origin.weekday()))
    spec = scenario.calendars.get(name) if name is not None else None
    days = arrival_days(spec.holidays, spec.special_days) if spec is not None and not isinstance(spec, str) else {}
    edges, rates = arrival_calendar.hourly_rates(calendar, scenario.total_rate, table, days, scenario.horizon)
    return edges, rates, arrival_calendar.growth_rate(scenario.arrivals.growth)


def profiled_arrivals(rates: np.ndarray, phase: float, horizon: float, rng: np.random.Generator) -> np.ndarray:
    """A non-homogeneous Poisson process on [0, horizon), sampled exactly: ``rates[h]`` is the rate during
    hour h of the week (0 = Monday 00-01) and time 0 is week hour ``phase``. The rate is constant within each
    clock hour, so each hour gets a Poisson count of arrivals at uniform positions; no peak is skipped."""
    first, last = math.floor(phase), math.ceil(phase + horizon)
    edges = np.arange(first, last + 1, dtype=float)
    low = np.maximum(edges[:-1], phase) - phase
    high = np.minimum(edges[1:], phase + horizon) - phase
    length = np.maximum(high - low, 0.0)
    counts = rng.poisson(rates[np.arange(first, last) % int(WEEK)] * length)
    times = np.repeat(low, counts) + rng.random(int(counts.sum())) * np.repeat(length, counts)
    return np.sort(times)


def burst_times(every: float, tickets: int, within: float, horizon: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Incidents as a Poisson process on [0, horizon) with mean gap ``every``; each brings ``tickets``
    arrivals uniform in [incident, incident + within), cut at the horizon (arrivals stop there).
    Returns (incident times, arrival times grouped by incident)."""
    count = rng.poisson(horizon / every)
    starts = np.sort(rng.uniform(0.0, horizon, count))
    spans = np.minimum(starts + within, horizon) - starts
    times = np.repeat(starts, tickets) + rng.random(count * tickets) * np.repeat(spans, tickets)
    return starts, times


def _with_bursts(scenario: Scenario, arrived: np.ndarray, segment: np.ndarray, priority: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Add every burst's tickets to the arrivals, in order of time; returns the tickets' arrays, their
    incident numbers (-1 for regular tickets) and source rows (index of the regular arrival, or -1)."""
    parts_time, parts_segment, parts_priority = [arrived], [segment], [priority]
    parts_burst = [np.full(len(arrived), -1)]
    incidents = 0
    for spec in scenario.arrivals.bursts:
        starts, times = burst_times(spec.every, spec.tickets, spec.within, scenario.horizon, rng)
        n = len(times)
        drawn_segment, drawn_priority = _classes(scenario, n, rng, rng)
        if spec.segment is not None:
            drawn_segment = np.full(n, scenario.segment_names.index(spec.segment))
        if spec.priority is not None:
            drawn_priority = np.full(n, scenario.priority_names.index(spec.priority))
        parts_time.append(times)
        parts_segment.append(drawn_segment)
        parts_priority.append(drawn_priority)
        parts_burst.append(incidents + np.repeat(np.arange(len(starts)), spec.tickets))
        incidents += len(starts)
    order = np.argsort(np.concatenate(parts_time), kind="stable")
    source = np.concatenate([np.arange(len(arrived)), np.full(sum(map(len, parts_time[1:])), -1)])
    return (np.concatenate(parts_time)[order], np.concatenate(parts_segment)[order],
            np.concatenate(parts_priority)[order], np.concatenate(parts_burst)[order], source[order])


def _replayed_routes(matrix: np.ndarray, trace: Trace, source: np.ndarray) -> np.ndarray:
    """The drawn route matrix with the paths the trace gives put in their tickets' rows."""
    rows = np.flatnonzero(source >= 0)
    rows = rows[trace.has_route[source[rows]]]
    if not len(rows):
        return matrix
    width = max(matrix.shape[1], trace.route.shape[1])
    out = np.full((len(matrix), width), -1, dtype=np.int64)
    out[:, :matrix.shape[1]] = matrix
    out[rows] = -1
    out[rows, :trace.route.shape[1]] = trace.route[source[rows]]
    return out


def entry_groups(scenario: Scenario, arrived: np.ndarray, segment: np.ndarray) -> np.ndarray | None:
    """Each ticket's entry group by the entry rules (decided at arrival, by segment and time); None when every
    ticket enters at one group."""
    if not scenario.routes_by_entry:
        return None
    rules = scenario.entry_rules
    rule = first_match(rules, scenario.segment_names, _clocks(scenario, rules), arrived, segment)
    return np.array([scenario.group_names.index(r.group) for r in rules], dtype=np.int64)[rule]


def _clocks(scenario: Scenario, rules: Sequence[TicketMatch]) -> dict[str, Calendar]:
    return {rule.clock: scenario.calendar(rule.clock) for rule in rules if rule.clock is not None}


def _escalation(scenario: Scenario, table: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    names = scenario.group_names
    return (np.array([names.index(t) for t in table], dtype=np.int64), np.cumsum(list(table.values())))


def _routes(scenario: Scenario, n: int, rng: np.random.Generator, start: np.ndarray | None = None,
            arrived: np.ndarray | None = None, segment: np.ndarray | None = None) -> np.ndarray:
    """Matrix [tickets, visits] of group indices, -1 after the ticket is resolved; ``start``: each ticket's first
    group (default: the entry group). A group's escalation rules (``escalate_when``) match on ``arrived`` and
    ``segment``: a ticket's route is decided at its arrival."""
    names = scenario.group_names
    tables = [_escalation(scenario, scenario.groups[g].escalate) for g in names]
    by_rule: dict[int, tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]] = {}
    for index, g in enumerate(names):
        rules = scenario.groups[g].escalate_when
        if rules:
            assert arrived is not None and segment is not None, "escalation rules match on arrival and segment"
            rule = first_match(rules, scenario.segment_names, _clocks(scenario, rules), arrived, segment)
            by_rule[index] = (rule, [_escalation(scenario, r.escalate) for r in rules])
    current = np.full(n, names.index(scenario.entry_group), dtype=np.int64) if start is None else start.astype(np.int64)
    columns = [current]
    alive = np.arange(n)
    while len(columns) < MAX_VISITS and len(alive):
        u = rng.random(len(alive))
        where = current[alive]
        following = np.full(len(alive), -1, dtype=np.int64)
        for index, (to, cumulative) in enumerate(tables):
            at_group = where == index
            if index in by_rule:
                rule, rule_tables = by_rule[index]
                which = rule[alive]
                for k, (rule_to, rule_cumulative) in enumerate(rule_tables):
                    _pick(following, at_group & (which == k), u, rule_to, rule_cumulative)
                at_group &= which < 0
            _pick(following, at_group, u, to, cumulative)
        current = np.full(n, -1, dtype=np.int64)
        current[alive] = following
        alive = alive[following >= 0]
        if len(alive):
            columns.append(current)
    return np.stack(columns, axis=1)


def _pick(following: np.ndarray, mask: np.ndarray, u: np.ndarray, to: np.ndarray, cumulative: np.ndarray) -> None:
    """The next group of the masked tickets, by their uniforms ``u`` against the cumulative probabilities."""
    if not len(to):
        return
    pick = np.searchsorted(cumulative, u[mask], side="right")
    following[mask] = np.where(pick < len(to), to[np.minimum(pick, len(to) - 1)], -1)


def _work(scenario: Scenario, route: np.ndarray, segment: np.ndarray, priority: np.ndarray, seed: int,
          replication: int, purpose: str = "work") -> np.ndarray:
    work = np.empty(len(route))
    segments, priorities = scenario.segment_names, scenario.priority_names
    for g, name in enumerate(scenario.group_names):
        rng = stream(seed, replication, f"{purpose}:{name}")
        spec = scenario.groups[name].work
        in_group = route == g
        if not isinstance(spec, WorkByClass):
            work[in_group] = spec.sample(rng, int(in_group.sum()))
            continue
        # each class's distribution by the one rule (WorkByClass.for_ticket); drawn in a fixed order: the default,
        # then the priorities' own, then the segments' own, so a stream's draws never depend on the tickets
        dists = ([spec.default] + [spec.by_priority[p] for p in priorities if p in spec.by_priority]
                 + [spec.by_segment[s] for s in segments if s in spec.by_segment])
        position = {id(dist): i for i, dist in enumerate(dists)}
        chosen = np.zeros(len(route), dtype=np.int64)
        for s_index, s_name in enumerate(segments):
            for p_index, p_name in enumerate(priorities or [""]):
                here = in_group & (segment == s_index) & (priority == p_index)
                chosen[here] = position[id(spec.for_ticket(s_name, p_name))]
        for d_index, dist in enumerate(dists):
            mask = in_group & (chosen == d_index)
            work[mask] = dist.sample(rng, int(mask.sum()))
    return work
