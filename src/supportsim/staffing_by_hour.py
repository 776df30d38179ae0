"""Staffing by hour of the week: the iterative staffing algorithm (ISA) of Feldman, Mandelbaum, Massey and
Whitt (Management Science 54(2):324-338, 2008), run on the simulator.

Arrivals that change over the day are not served well by staffing each hour for its own arrival rate: work
started in the morning peak is still in progress after it (the load lags the arrivals by about one work
time). The ISA finds the staff per interval of the week (an hour, or a block of a chosen length) for a
time-stable delay probability ``alpha``:

1. simulate the desk with ample staff in the searched groups;
2. from the ticket records, per group and interval of the week, the distribution of L(t), the tickets in the
   group (in work plus waiting), sampled every few minutes over [warm-up, horizon) of every replication;
3. s(t) = min{s : P(L(t) >= s) <= alpha} per interval;
4. simulate with s(t) and repeat from 2 until s(t) stops changing (or a cap of iterations).

With SLA/OLA targets that state ``attain`` (or ``checks:``) and no ``alpha`` given, the targets are turned into
a staffing by a final one-dimensional search: s_c(t) = ceil(c s(t)) for the least scale c (in steps of 0.02)
at which every constraint holds with 95% confidence when simulated, starting from the ISA at
alpha = 1 - the strictest attain. The time-stable shape of s(t) is kept; the level comes from the targets.

L(t) and the delay per interval are pure functions of the ticket records (:func:`presence`, :func:`delays`).
Staff per interval becomes staff blocks on hour-of-week calendars (:func:`staffed_by_interval`): level k of
the staffing is one block working the hours where s(t) >= k, so an engineer stays on duty while the level
holds, and an engineer whose level ends finishes the ticket in hand (``at_shift_end: finish``, the ISA's
model; paused work would wait for that level to come back). Those calendars have no holidays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .calendar import DAY_NAMES, WEEK, week_hour
from .records import ReplicationRecord
from .scenario import Scenario
from .staffing import Constraint, Counts, Evaluator, Judged, Settings, StaffingError, holds
from .workers import run_in_order

SAMPLES_PER_HOUR = 12
"""L(t) is sampled every 5 minutes."""
SCALE_STEP = 0.02
SCALES = tuple(round(0.3 + SCALE_STEP * k, 2) for k in range(136))   # 0.30 ... 3.00
MAX_ITERATIONS = 12
SETTLE = 3
"""Stop once the staffing has moved by at most one engineer in any interval this many times running."""
Staffing = dict[str, np.ndarray]   # per group: engineers per interval of the week


def intervals_per_week(block: int) -> int:
    return int(WEEK) // block


def check_block(block: int) -> None:
    if block < 1 or 24 % block:
        raise StaffingError(f"--interval must be a whole number of hours that divides a day (1h, 2h, 3h, 4h, 6h, "
                            f"8h, 12h, 24h), got {block}h")


def interval_of(times: np.ndarray, phase: float, block: int) -> np.ndarray:
    """The interval of the week (0: Monday from 00:00) of each time, for the scenario's clock at ``phase``."""
    hours = np.floor(np.mod(np.asarray(times, dtype=float) + phase, WEEK) + 1e-9).astype(np.int64) % int(WEEK)
    return hours // block


def interval_label(k: int, block: int) -> str:
    """'Mon 09:00' for interval k."""
    hour = k * block
    return f"{DAY_NAMES[hour // 24].capitalize()} {hour % 24:02d}:00"


def _group_visits(record: ReplicationRecord, group: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mine = record.tickets.route == record.scenario.group_names.index(group)
    return record.queued[mine], record.started[mine], record.ended[mine]


def presence(record: ReplicationRecord, group: str, block: int = 1) -> np.ndarray:
    """[intervals of the week, n + 1]: how many samples of L(t), the group's tickets in work or waiting, were
    n, per interval; sampled every 1/SAMPLES_PER_HOUR hour over [warm-up, horizon)."""
    scenario = record.scenario
    queued, _, ended = _group_visits(record, group)
    ended = np.where(np.isnan(ended), np.inf, ended)
    step = 1.0 / SAMPLES_PER_HOUR
    times = np.arange(scenario.warmup + step / 2, scenario.horizon, step)
    level = (np.searchsorted(np.sort(queued), times, side="right")
             - np.searchsorted(np.sort(ended), times, side="right"))
    where = interval_of(times, week_hour(scenario.origin), block)
    counts = np.zeros((intervals_per_week(block), int(level.max(initial=0)) + 1))
    np.add.at(counts, (where, level), 1.0)
    return counts


def delays(record: ReplicationRecord, group: str, block: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Per interval of the week: visits that joined the group's queue in [warm-up, horizon), and how many of
    them waited (no engineer began work at once)."""
    scenario = record.scenario
    queued, started, _ = _group_visits(record, group)
    counted = (queued >= scenario.warmup) & (queued < scenario.horizon)
    with np.errstate(invalid="ignore"):
        waited = ~(started - queued <= 1e-9)
    where = interval_of(queued[counted], week_hour(scenario.origin), block)
    size = intervals_per_week(block)
    return (np.bincount(where, minlength=size).astype(float),
            np.bincount(where, weights=waited[counted].astype(float), minlength=size))


def pooled(tables: Sequence[np.ndarray]) -> np.ndarray:
    """Histograms of different widths summed (padded with zeros)."""
    width = max(t.shape[1] for t in tables)
    return sum((np.pad(t, ((0, 0), (0, width - t.shape[1]))) for t in tables), np.zeros((len(tables[0]), width)))


def requirement(counts: np.ndarray, alpha: float) -> np.ndarray:
    """Per interval: min{s : P(L >= s) <= alpha} from histograms of L (rows: intervals)."""
    total = counts.sum(axis=1, keepdims=True)
    at_least = np.concatenate([counts[:, ::-1].cumsum(axis=1)[:, ::-1], np.zeros((len(counts), 1))], axis=1)
    return np.argmax(at_least / np.maximum(total, 1.0) <= alpha + 1e-12, axis=1).astype(np.int64)


def week_table(on: np.ndarray) -> dict[str, str]:
    """An hour-of-week calendar table from 168 on/off flags."""
    return {day: "".join("1" if x else "0" for x in on[24 * d:24 * d + 24]) for d, day in enumerate(DAY_NAMES)}


def staffed_by_interval(scenario: Scenario, staffing: Mapping[str, np.ndarray], block: int) -> Scenario:
    """The scenario with each group's staff following ``staffing`` (engineers per interval): level k is a block
    of engineers on duty in the hours where the staffing is at least k (levels on the same hours share one)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    calendars = data.setdefault("calendars", {})
    for group, levels in staffing.items():
        hourly = np.repeat(np.asarray(levels, dtype=np.int64), block)
        same: dict[bytes, list[Any]] = {}
        for k in range(1, int(hourly.max(initial=0)) + 1):
            on = hourly >= k
            same.setdefault(on.tobytes(), [on, 0])[1] += 1
        blocks = []
        for i, (on, count) in enumerate(same.values(), 1):
            name = "always" if on.all() else f"{group}-by-hour-{i}"
            if name != "always":
                calendars[name] = {"week": week_table(on)}
            blocks.append({"count": count, "calendar": name})
        data["groups"][group]["staff"] = blocks or [{"count": 1, "calendar": "always"}]
        data["groups"][group]["at_shift_end"] = "finish"   # as in the ISA's model: no ticket waits for a level
    return Scenario.model_validate(data)


def peak_load(scenario: Scenario, group: str) -> float:
    """Work in progress at the busiest hour if every ticket were served at once: peak rate x visits x work,
    plus the tickets of an incident burst."""
    from .tickets import arrival_plan

    _, rates, growth = arrival_plan(scenario)
    peak = float(np.max(rates, initial=scenario.total_rate)) * math.exp(max(growth, 0.0) * scenario.horizon)
    visits = float(scenario.visits_per_ticket()[scenario.group_names.index(group)])
    burst = max((b.tickets for b in scenario.arrivals.bursts), default=0) * visits
    return peak * visits * scenario.mean_work(group) + burst


def ample(scenario: Scenario, groups: Sequence[str], block: int) -> Staffing:
    """Staff so ample that hardly a ticket waits: the peak load plus five of its standard deviations and five."""
    out = {}
    for g in groups:
        load = peak_load(scenario, g)
        out[g] = np.full(intervals_per_week(block), math.ceil(load + 5 * math.sqrt(load) + 5), dtype=np.int64)
    return out


@dataclass
class Iteration:
    """One step of the ISA: the staffing simulated and how the next one differs from it."""

    staffing: Staffing
    changed: int = 0       # intervals whose staff changed in the next step
    largest: int = 0       # the largest change, in engineers


@dataclass
class ByHour:
    """The answer of ``staff --by-hour``."""

    groups: list[str]
    block: int
    alpha: float                       # the ISA's target delay probability
    isa: Staffing                      # the ISA's staffing at alpha
    staffing: Staffing                 # the answer (the ISA's, scaled when targets set the level)
    iterations: list[Iteration]
    converged: bool
    scale: float = 1.0                 # c of s_c(t) = ceil(c s(t)); 1 without a search
    searched: bool = False             # whether targets set the level (the 1-D search ran)
    judged: list[Judged] = field(default_factory=list)         # the constraints at the answer
    fewer: list[Judged] = field(default_factory=list)          # at the next lower scale (what binds)
    tried: list[tuple[float, bool, bool]] = field(default_factory=list)  # (scale, all hold, keeps up with work)
    delay: dict[str, np.ndarray] = field(default_factory=dict)  # per group and interval: share of visits that waited
    arrivals: dict[str, np.ndarray] = field(default_factory=dict)  # per group and interval: visits counted
    simulations: int = 0

    def engineer_hours(self, staffing: Staffing | None = None) -> float:
        return float(sum(np.sum(s) for s in (staffing or self.staffing).values()) * self.block)


class ScenarioEvaluator(Evaluator):
    """Judges staffings given as counts by any rule ``build(counts) -> Scenario`` (same batches and common
    random numbers as :class:`supportsim.staffing.Evaluator`)."""

    def __init__(self, build: Any, constraints: list[Constraint], settings: Settings, scenario: Scenario,
                 before: int = 0):
        told = settings.progress   # progress counts on from the ``before`` simulations already run
        if told is not None and before:
            settings = replace(settings, progress=lambda done, total: told(before + done, before + total))
        super().__init__(scenario, [], constraints, settings)
        self.build = build

    def scenario_for(self, counts: Counts) -> Scenario:
        scenario: Scenario = self.build(counts)
        return scenario


def flat(staffing: Staffing) -> Counts:
    return tuple(int(x) for s in staffing.values() for x in s)


def simulate_records(scenario: Scenario, settings: Settings, done: int) -> list[ReplicationRecord]:
    tasks = [(scenario, r, settings.seed) for r in range(settings.batch)]
    told = settings.progress
    progress = None if told is None else (lambda d, t: told(done + d, done + t))
    records: list[ReplicationRecord] = run_in_order(tasks, settings.jobs, settings.scheduler, keep="records",
                                                    progress=progress)
    return records


def isa(scenario: Scenario, groups: Sequence[str], alpha: float, block: int, settings: Settings,
        max_iterations: int = MAX_ITERATIONS) -> tuple[Staffing, list[Iteration], bool, int]:
    """The ISA at ``alpha``: (staffing, iterations, converged, simulations). Replication r of every iteration
    runs on the same tickets, so the map from one staffing to the next is deterministic."""
    current = ample(scenario, groups, block)
    iterations: list[Iteration] = []
    simulations = 0
    for _ in range(max_iterations):
        records = simulate_records(staffed_by_interval(scenario, current, block), settings, simulations)
        simulations += len(records)
        nxt = {g: requirement(pooled([presence(r, g, block) for r in records]), alpha) for g in groups}
        step = Iteration(current)
        iterations.append(step)
        changes = np.concatenate([np.abs(nxt[g] - current[g]) for g in groups])
        step.changed, step.largest = int(np.count_nonzero(changes)), int(changes.max(initial=0))
        current = nxt
        if not step.changed:
            return current, iterations, True, simulations
        if len(iterations) >= SETTLE and all(i.largest <= 1 for i in iterations[-SETTLE:]):
            break  # what still moves is sampling noise of one engineer, back and forth
    return current, iterations, False, simulations


def scaled(staffing: Staffing, scale: float) -> Staffing:
    """s_c(t) = ceil(c s(t)) (an interval with no staff keeps none)."""
    return {g: np.ceil(scale * s - 1e-9).astype(np.int64) for g, s in staffing.items()}


def keeps_up(scenario: Scenario, staffing: Staffing, block: int) -> bool:
    """Whether every group's engineer-hours over the week exceed the work offered to it."""
    offered = {g: work for g, (work, _) in scenario.weekly_hours().items()}
    return all(float(np.sum(s)) * block > offered[g] for g, s in staffing.items())


def starting_alpha(constraints: Sequence[Constraint]) -> float:
    """1 - the strictest attain among the targets (between 0.02 and 0.5); 0.2 with checks only."""
    shares = [1.0 - c.bound for c in constraints if c.key[-1].endswith("_met") and 0 < c.bound < 1]
    return min(max(min(shares, default=0.2), 0.02), 0.5)


Tried = list[tuple[float, bool, bool]]   # (scale, every constraint holds, the engineer-hours cover the work)


def search_scale(scenario: Scenario, base: Staffing, block: int, constraints: list[Constraint],
                 settings: Settings, before: int = 0) -> tuple[int, Tried, ScenarioEvaluator, list[Counts]]:
    """The least scale (index into SCALES) at which every constraint holds; -1 when none up to the largest."""
    staffings = [scaled(base, c) for c in SCALES]
    keys = [flat(s) for s in staffings]
    groups = list(base)

    def build(counts: Counts) -> Scenario:
        size = intervals_per_week(block)
        return staffed_by_interval(scenario, {g: np.array(counts[i * size:(i + 1) * size])
                                              for i, g in enumerate(groups)}, block)

    ev = ScenarioEvaluator(build, constraints, settings, scenario, before)
    tried: Tried = []

    def ok(i: int) -> bool:
        if not keeps_up(scenario, staffings[i], block):
            tried.append((SCALES[i], False, False))
            return False
        verdict = holds(ev.evaluate([keys[i]])[keys[i]])
        tried.append((SCALES[i], verdict, True))
        return verdict

    one = SCALES.index(1.0)
    if ok(one):
        low, high = -1, one
    else:
        low, high, step = one, -1, 5
        while high < 0 and low < len(SCALES) - 1:
            i = min(low + step, len(SCALES) - 1)
            if ok(i):
                high = i
            else:
                low, step = i, 2 * step
        if high < 0:
            return -1, tried, ev, keys
    while high - low > 1:
        mid = (low + high) // 2
        if keys[mid] == keys[high] or ok(mid):
            high = mid
        else:
            low = mid
    return high, tried, ev, keys


def by_hour(scenario: Scenario, constraints: list[Constraint], settings: Settings, block: int = 1,
            alpha: float | None = None, max_iterations: int = MAX_ITERATIONS) -> ByHour:
    """Staff per interval of the week for the searched groups (see the module docstring)."""
    check_block(block)
    if scenario.horizon - scenario.warmup < WEEK:
        raise StaffingError("--by-hour needs at least a week after the warm-up (horizon - warmup >= 1w) to see "
                            "every hour of the week")
    if alpha is None and not constraints:
        raise StaffingError("nothing sets the staffing level: give --alpha (a delay probability, e.g. 0.2) or add "
                            "checks: lines or an SLA/OLA target with attain")
    if alpha is not None and not 0 < alpha < 1:
        raise StaffingError(f"--alpha must be a probability above 0 and below 1, got {alpha:g}")
    groups = settings.groups
    start = starting_alpha(constraints) if alpha is None else alpha
    base, iterations, converged, simulations = isa(scenario, groups, start, block, settings, max_iterations)
    answer = ByHour(list(groups), block, start, base, base, iterations, converged, simulations=simulations)
    if alpha is None:
        index, answer.tried, ev, keys = search_scale(scenario, base, block, constraints, settings,
                                                          simulations)
        answer.searched = True
        answer.simulations += ev.simulations
        if index < 0:
            raise StaffingError(f"even {SCALES[-1]:g} x the ISA staffing at alpha {start:g} does not meet every "
                                "constraint: " + ", ".join(j.constraint.name for j in ev.judged(keys[-1])
                                                           if j.status != "holds"))
        answer.scale = SCALES[index]
        answer.staffing = scaled(base, answer.scale)
        answer.judged = ev.judged(keys[index])
        lower = [i for i in range(index) if keys[i] in ev.figures and keys[i] != keys[index]]
        if lower:
            answer.fewer = ev.judged(keys[lower[-1]])
    elif constraints:
        ev = ScenarioEvaluator(lambda _: staffed_by_interval(scenario, base, block), constraints, settings, scenario,
                               simulations)
        answer.judged = ev.evaluate([()])[()]
        answer.simulations += ev.simulations
    records = simulate_records(staffed_by_interval(scenario, answer.staffing, block), settings, answer.simulations)
    answer.simulations += len(records)
    for g in groups:
        counted = [delays(r, g, block) for r in records]
        answer.arrivals[g] = sum((c[0] for c in counted), np.zeros(intervals_per_week(block)))
        waited = sum((c[1] for c in counted), np.zeros(intervals_per_week(block)))
        with np.errstate(invalid="ignore", divide="ignore"):
            answer.delay[g] = waited / answer.arrivals[g]
    return answer


def lagged_offered_load(rates: np.ndarray, mean_work: float, cycles: int = 20) -> np.ndarray:
    """m(t) = E[lambda(t - S_e)] E[S] for exponential work, at the middle of each hour of a periodic rate
    profile (``rates`` per hour, constant within the hour): m solves m'(t) = lambda(t) - m(t)/E[S], run
    over ``cycles`` periods to forget the start, then averaged over each hour exactly."""
    mu = 1.0 / mean_work
    decay = math.exp(-mu)
    m = float(np.mean(rates)) * mean_work
    out = np.zeros(len(rates))
    for cycle in range(cycles):
        for h, lam in enumerate(rates):
            steady = lam * mean_work
            if cycle == cycles - 1:   # the hour's mean of steady + (m - steady) e^{-mu t}
                out[h] = steady + (m - steady) * (1 - decay) / mu
            m = steady + (m - steady) * decay
    return out
