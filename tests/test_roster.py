"""Least-cost rosters: the integer program against brute force, and the verification loop against simulation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from supportsim.admit import admit
from supportsim.roster import Shift, coverage_of, least_cost, rostered, shifts_for, verified_roster
from supportsim.scenario import Scenario
from supportsim.staffing import StaffingError, constraints_of, settings_for
from supportsim.stats import estimate
from supportsim.workers import run_in_order


def _shift(name: str, cost: float, on: list[int], size: int = 12) -> Shift:
    coverage = np.zeros(size)
    coverage[on] = 1.0
    return Shift(name, name, cost, float(len(on)), coverage)


SHIFTS = [_shift("early", 1.0, list(range(0, 6))), _shift("mid", 1.1, list(range(3, 9))),
          _shift("late", 1.2, list(range(6, 12))), _shift("long", 0.9, list(range(1, 11)))]


def _brute_force(requirement: np.ndarray, shifts: list[Shift]) -> float:
    top = int(requirement.max())
    best = np.inf
    for counts in itertools.product(range(top + 1), repeat=len(shifts)):
        if np.all(coverage_of(shifts, np.array(counts)) >= requirement):
            best = min(best, sum(s.weekly_cost * n for s, n in zip(shifts, counts)))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_least_cost_covers_every_interval_and_nothing_cheaper_exists(seed: int) -> None:
    requirement = np.random.default_rng(seed).integers(0, 5, size=12)
    counts = least_cost(requirement, SHIFTS)
    assert np.all(coverage_of(SHIFTS, counts) >= requirement)
    cost = sum(s.weekly_cost * n for s, n in zip(SHIFTS, counts))
    assert cost == pytest.approx(_brute_force(requirement, SHIFTS))


def test_intervals_no_shift_covers_are_left_out() -> None:
    shifts = [_shift("day", 1.0, list(range(0, 6)))]
    counts = least_cost(np.array([2] * 12), shifts)
    assert counts.tolist() == [2]


def desk(**roster: dict) -> Scenario:
    hours = {"00-08": 0.3, "08-20": 1.6, "20-24": 0.5}
    return admit({"name": "rostered", "horizon": "5w", "warmup": "1w", "replications": 5, "seed": 3,
                  "calendars": {"day": {"hours": "08:00-20:00"}, "night": {"hours": "20:00-08:00"},
                                "weekdays": {"days": "mon-fri", "hours": "08:00-20:00"}},
                  "segments": {"std": {"share": 1}},
                  "arrivals": {"rate": "6/h", "profile": {"hours": hours}},
                  "groups": {"desk": {"staff": 6, "work": {"dist": "exponential", "mean": "30m"}, "shrinkage": 0.2}},
                  "sla": {"std": {"reaction": {"within": "15m", "attain": "90%"}}},
                  "roster": {"shifts": roster or {"day": {"calendar": "day", "cost": 1.0},
                                                  "night": {"calendar": "night", "cost": 1.3}}}}).scenario


def test_shifts_cover_the_whole_hours_of_their_calendar() -> None:
    day, night = shifts_for(desk(), "desk", 1)
    assert day.coverage.reshape(7, 24)[:, 8:20].all() and not day.coverage.reshape(7, 24)[:, :8].any()
    assert night.coverage.sum() == 7 * 12 and night.cost == 1.3 and day.hours == 84
    # in blocks of 4 hours, the day shift covers 08-12, 12-16 and 16-20 of every day
    assert shifts_for(desk(), "desk", 4)[0].coverage.reshape(7, 6)[:, 2:5].all()


def test_verification_raises_a_roster_that_fails_until_its_targets_hold() -> None:
    scenario = desk()
    settings = settings_for(scenario)
    constraints = constraints_of(scenario, [], "base")
    answer = verified_roster(scenario, {"desk": np.ones(168, dtype=np.int64)}, constraints, settings, 1, 0.1)
    assert answer.holds, answer.reason
    assert len(answer.rounds) > 1                            # one engineer a shift cannot answer in 15 minutes
    assert not all(j.status == "holds" for j in answer.rounds[0].judged)
    assert answer.rounds[0].raised["desk"]                    # raised where the target failed
    assert np.all(answer.coverage("desk") >= answer.requirement["desk"])
    assert answer.binding("desk")
    # the rostered scenario, simulated on other tickets, meets the target
    staffed = rostered(scenario, {"desk": (answer.shifts["desk"], answer.counts["desk"])})
    key = constraints[0].key
    values = [f[key] for f in run_in_order([(staffed, r, 1000 + scenario.seed) for r in range(10)])]
    found = estimate(values)
    assert found["value"] >= constraints[0].bound - (found["ci95"][1] - found["ci95"][0])


def test_a_group_no_shift_may_staff_is_refused_in_one_line() -> None:
    scenario = desk(day={"calendar": "day", "groups": []})
    with pytest.raises(StaffingError, match="no shift may staff group desk"):
        verified_roster(scenario, {"desk": np.ones(168, dtype=np.int64)}, [], settings_for(scenario), 1, 0.1)
