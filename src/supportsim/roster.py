"""Least-cost rosters: how many engineers of each group work each shift so that every interval of the week has
the staff ``staff --by-hour`` requires, at least cost; then verified by simulating the rostered desk.

A shift is a named calendar with a cost per engineer-hour (the scenario's ``roster:``). Per group, with x_j
engineers on shift j, the integer program is

    minimise   sum_j cost_j x hours_j x x_j          (cost per week)
    subject to sum_j a_kj x_j >= r_k                 for every interval k a shift covers
               x_j >= 0 integer

where a_kj is 1 when shift j is on duty for the whole of interval k (a shift on duty for part of an interval
does not count towards it) and r_k the requirement; it is solved by ``scipy.optimize.milp`` (HiGHS). Intervals no
shift of the group covers cannot be staffed: they are reported, and the simulation decides whether the
constraints hold without them.

The roster is then simulated (the scenario's own shift semantics, holidays and all). While a constraint does
not hold with 95% confidence, the requirement is raised by one engineer in the intervals where it fails (for an
SLA target: the intervals whose tickets miss it, in the groups where tickets wait; otherwise: the intervals
where a group's tickets wait with probability above alpha), and the program is solved again; the number of
rounds is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .calendar import week_hour
from .records import ReplicationRecord
from .scenario import Scenario
from .staffing import Constraint, Counts, Judged, Settings, StaffingError, holds
from .staffing_by_hour import ScenarioEvaluator, Staffing, delays, interval_of, intervals_per_week, simulate_records
from .stats import sla_met, ticket_table

MAX_ROUNDS = 10


@dataclass(frozen=True)
class Shift:
    """A shift one group may be rostered on."""

    name: str
    calendar: str
    cost: float               # per engineer-hour on duty
    hours: float              # on-duty hours per week (holidays aside)
    coverage: np.ndarray      # [intervals]: 1 where on duty for the whole interval

    @property
    def weekly_cost(self) -> float:
        return self.cost * self.hours


def shifts_for(scenario: Scenario, group: str, block: int) -> list[Shift]:
    """The roster's shifts open to ``group``, with their coverage of the intervals of the scenario's week."""
    if scenario.roster is None:
        return []
    spec = scenario.groups[group]
    out = []
    for name, shift in scenario.roster.shifts.items():
        if shift.groups is not None and group not in shift.groups:
            continue
        calendar = scenario.calendar(shift.calendar)
        # the calendar's week is on its own clock: turn it to the scenario's (whole hours)
        ahead = int(round(float(calendar.phase) - week_hour(scenario.origin))) if calendar.monday else 0
        share = np.roll(calendar.hour_of_week_share(), -ahead)
        full = (share >= 1.0 - 1e-9).reshape(-1, block).all(axis=1).astype(float)
        cost = shift.cost if shift.cost is not None else (spec.cost if spec.cost is not None else 1.0)
        out.append(Shift(name, shift.calendar, cost, calendar.hours_per_week, full))
    return out


def least_cost(requirement: np.ndarray, shifts: Sequence[Shift]) -> np.ndarray:
    """Engineers per shift covering ``requirement`` in every interval some shift covers, at least cost per week
    (an integer program, HiGHS). Ties go to the solver's first optimum."""
    if not shifts:
        raise StaffingError("the roster has no shift for this group")
    coverage = np.array([s.coverage for s in shifts]).T          # [intervals, shifts]
    need = (np.asarray(requirement) > 0) & (coverage.sum(axis=1) > 0)
    if not need.any():
        return np.zeros(len(shifts), dtype=np.int64)
    result = milp(np.array([s.weekly_cost for s in shifts]) + 1e-9,  # + a hair: no idle engineer at zero cost
                  constraints=LinearConstraint(coverage[need], lb=np.asarray(requirement)[need], ub=np.inf),
                  integrality=np.ones(len(shifts)), bounds=Bounds(0, np.inf))
    if result.x is None:
        raise StaffingError(f"the roster's integer program found no solution: {result.message}")
    return np.round(result.x).astype(np.int64)


def coverage_of(shifts: Sequence[Shift], counts: np.ndarray) -> np.ndarray:
    """Engineers on duty for the whole of each interval."""
    return np.array([s.coverage for s in shifts]).T @ np.asarray(counts)


def rostered(scenario: Scenario, roster: Mapping[str, tuple[list[Shift], np.ndarray]]) -> Scenario:
    """The scenario with each group's staff on the roster's shifts (blocks {count, calendar, cost})."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    for group, (shifts, counts) in roster.items():
        blocks = [{"count": int(n), "calendar": s.calendar, "cost": s.cost} for s, n in zip(shifts, counts) if n > 0]
        data["groups"][group]["staff"] = blocks
    return Scenario.model_validate(data)


@dataclass
class Round:
    """One solve of the integer program and the simulation of its roster."""

    counts: dict[str, list[int]]
    cost: float
    judged: list[Judged]
    raised: dict[str, list[int]] = field(default_factory=dict)   # intervals whose requirement went up after it


@dataclass
class Roster:
    """The verified least-cost roster (or the last one tried, when ``holds`` is false)."""

    shifts: dict[str, list[Shift]]
    requirement: Staffing          # as raised by the verification
    counts: dict[str, np.ndarray]
    rounds: list[Round]
    holds: bool
    uncovered: dict[str, list[int]]    # intervals with a requirement no shift of the group covers
    simulations: int = 0
    reason: str = ""

    def coverage(self, group: str) -> np.ndarray:
        return coverage_of(self.shifts[group], self.counts[group])

    def binding(self, group: str) -> list[int]:
        """Intervals where the roster has exactly the staff required (one fewer would fall short)."""
        need = self.requirement[group]
        return [int(k) for k in np.flatnonzero((self.coverage(group) == need) & (need > 0))]

    def cost_per_week(self) -> float:
        return float(sum(s.weekly_cost * n for g in self.shifts for s, n in zip(self.shifts[g], self.counts[g])))


def _failing_intervals(records: Sequence[ReplicationRecord], judged: Sequence[Judged], groups: Sequence[str],
                       block: int, alpha: float) -> dict[str, set[int]]:
    """Per group, the intervals where the failing constraints fail (see the module docstring)."""
    scenario = records[0].scenario
    size = intervals_per_week(block)
    waits = {}
    for g in groups:
        counted = [delays(r, g, block) for r in records]
        arrived = sum((c[0] for c in counted), np.zeros(size))
        with np.errstate(invalid="ignore", divide="ignore"):
            waits[g] = np.nan_to_num(sum((c[1] for c in counted), np.zeros(size)) / arrived)
    out: dict[str, set[int]] = {g: set() for g in groups}
    for j in judged:
        if j.status == "holds":
            continue
        key = j.constraint.key
        if key[0] == "segments" and key[2] == "sla":
            where = _missed_intervals(records, key[1], key[3], j.constraint.bound, block)
            chosen = [scenario.entry_group] if key[3] == "reaction_met" else list(groups)
            for k in where:
                waiting = [g for g in chosen if g in waits and waits[g][k] > alpha]
                worst = max((g for g in chosen if g in waits), key=lambda g: waits[g][k], default=None)
                for g in waiting or ([worst] if worst else []):
                    out[g].add(k)
        else:
            chosen = [key[1]] if key[0] == "groups" and key[1] in waits else list(groups)
            for g in chosen:
                out[g] |= {int(k) for k in np.flatnonzero(waits[g] > alpha)}
    return out


def _missed_intervals(records: Sequence[ReplicationRecord], segment: str, measure: str, bound: float,
                      block: int) -> list[int]:
    """Intervals of the week whose tickets (of ``segment``, or all) meet the target less often than ``bound``."""
    size = intervals_per_week(block)
    met_sum, count = np.zeros(size), np.zeros(size)
    for record in records:
        table = ticket_table(record)
        met = sla_met(record, table)[measure]
        mine = table["counted"] & ~np.isnan(met)
        if segment != "all":
            mine &= table["segment"] == record.scenario.segment_names.index(segment)
        where = interval_of(table["arrived"][mine], week_hour(record.scenario.origin), block)
        met_sum += np.bincount(where, weights=met[mine], minlength=size)
        count += np.bincount(where, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return [int(k) for k in np.flatnonzero((count > 0) & (met_sum / np.maximum(count, 1) < bound))]


def verified_roster(scenario: Scenario, requirement: Staffing, constraints: list[Constraint], settings: Settings,
                    block: int, alpha: float, max_rounds: int = MAX_ROUNDS, before: int = 0) -> Roster:
    """The least-cost roster for ``requirement``, raised where a constraint fails until every one holds."""
    groups = list(requirement)
    shifts = {g: shifts_for(scenario, g, block) for g in groups}
    for g, open_to in shifts.items():
        if not open_to:
            raise StaffingError(f"roster: no shift may staff group {g}; add one to roster.shifts (or name {g} in a "
                                "shift's groups)")
        if not coverage_of(open_to, np.ones(len(open_to))).any():
            raise StaffingError(f"roster: no shift of group {g} is on duty for a whole interval of the week")
    need = {g: np.array(r, dtype=np.int64) for g, r in requirement.items()}
    uncovered = {g: [int(k) for k in np.flatnonzero((need[g] > 0) & (coverage_of(shifts[g], np.ones(len(shifts[g])))
                                                                     == 0))] for g in groups}

    def build(key: Counts) -> Scenario:
        counts, at = {}, 0
        for g in groups:
            counts[g] = (shifts[g], np.array(key[at:at + len(shifts[g])]))
            at += len(shifts[g])
        return rostered(scenario, counts)

    ev = ScenarioEvaluator(build, constraints, settings, scenario, before)
    rounds: list[Round] = []
    simulations = 0
    while True:
        counts = {g: least_cost(need[g], shifts[g]) for g in groups}
        key = tuple(int(n) for g in groups for n in counts[g])
        judged = ev.evaluate([key])[key] if constraints else []
        cost = float(sum(s.weekly_cost * n for g in groups for s, n in zip(shifts[g], counts[g])))
        rounds.append(Round({g: [int(n) for n in counts[g]] for g in groups}, cost, judged))
        answer = Roster(shifts, {g: n.copy() for g, n in need.items()}, counts, rounds, holds(judged), uncovered)
        if answer.holds or len(rounds) >= max_rounds:
            answer.simulations = ev.simulations + simulations
            if not answer.holds:
                answer.reason = f"constraints still fail after {max_rounds} rounds"
            return answer
        records = simulate_records(build(key), settings, before + ev.simulations + simulations)
        simulations += len(records)
        failing = _failing_intervals(records, judged, groups, block, alpha)
        raised = {}
        for g in groups:
            covered = coverage_of(shifts[g], np.ones(len(shifts[g]))) > 0
            where = sorted(k for k in failing[g] if covered[k])
            if where:
                need[g][where] = np.maximum(need[g][where], coverage_of(shifts[g], counts[g])[where]) + 1
                raised[g] = where
        rounds[-1].raised = raised
        if not raised:
            answer.simulations = ev.simulations + simulations
            answer.reason = ("the constraints fail in intervals no shift covers: "
                             + ", ".join(j.constraint.name for j in judged if j.status != "holds"))
            return answer
