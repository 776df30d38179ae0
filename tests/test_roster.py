"""Least-cost rosters: the integer program against brute force, and the verification loop against simulation."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

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


def _desk_file(tmp_path: Path, **changes: object) -> Path:
    data = desk().model_dump(mode="json", exclude_none=True)
    data.update(changes)
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_staff_by_hour_writes_a_verified_ready_to_run_roster(tmp_path: Path) -> None:
    from cli_runner import run_cli

    out = tmp_path / "out"
    done = run_cli("staff", _desk_file(tmp_path), "--by-hour", "--interval", "4h", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "roster (" in done.stdout and "every constraint holds" in done.stdout
    doc = json.loads((out / "by-hour.json").read_text())
    assert doc["interval_hours"] == 4 and doc["searched"] and doc["roster"]["holds"]
    # the least scale: every constraint holds there, and the nearest lower scale tried fails or cannot keep up
    assert all(c["at_answer"]["status"] == "holds" for c in doc["constraints"].values())
    lower = [t for t in doc["scales_tried"] if t["scale"] < doc["scale"]]
    assert lower and not max(lower, key=lambda t: t["scale"])["holds"]
    entry = doc["groups_by_interval"]["desk"]
    assert len(entry["requirement"]) == 42
    assert all(r >= n for r, n in zip(entry["rostered"], entry["requirement"]))
    rows = (out / "by-hour.csv").read_text().splitlines()
    assert rows[0].startswith("group,interval,day,start,requirement") and len(rows) == 43
    assert "<svg" in (out / "by-hour.html").read_text()
    # roster.yaml is a scenario as people write them: staff blocks on the shifts' calendars, headcount in comments
    written = (out / "roster.yaml").read_text()
    assert "headcount" in written.splitlines()[2]
    staffed = admit(yaml.safe_load(written)).scenario
    shifts = doc["roster"]["groups"]["desk"]
    assert {b.calendar: b.count for b in staffed.groups["desk"].blocks} == {
        s["calendar"]: s["engineers"] for s in shifts.values() if s["engineers"]}
    assert json.loads((out / "manifest.json").read_text())["kind"] == "staff-by-hour"
    # `supportsim report` on the folder builds the same page from by-hour.json
    assert run_cli("report", out).returncode == 0
    assert (out / "report.html").read_text() == (out / "by-hour.html").read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["--by-hour", "--interval", "5h"], "--interval must be a whole number of hours that divides a day"),
    (["--by-hour", "--interval", "soon"], "--interval 'soon'"),
    (["--by-hour", "--alpha", "1.5"], "--alpha must be a probability"),
    (["--alpha", "0.2"], "--alpha is for --by-hour"),
])
def test_bad_by_hour_options_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    from cli_runner import run_cli

    done = run_cli("staff", _desk_file(tmp_path), *args, "--out", tmp_path / "out")
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_a_roster_on_an_unknown_calendar_is_refused_by_validate(tmp_path: Path) -> None:
    from cli_runner import run_cli

    path = _desk_file(tmp_path, roster={"shifts": {"day": {"calendar": "dya"}}})
    for command in (["validate", path], ["staff", path, "--by-hour"]):
        done = run_cli(*command)
        assert done.returncode == 2 and "roster.shifts.day.calendar" in done.stderr and "'dya'" in done.stderr


def test_nothing_to_set_the_level_is_refused(tmp_path: Path) -> None:
    from cli_runner import run_cli

    done = run_cli("staff", _desk_file(tmp_path, sla={}), "--by-hour", "--out", tmp_path / "out")
    assert done.returncode == 2 and "nothing sets the staffing level: give --alpha" in done.stderr


def test_python_api_gives_the_rows_of_by_hour_csv() -> None:
    import supportsim

    pytest.importorskip("pandas")
    frame = supportsim.staff_by_hour(desk(), alpha=0.2, interval=4)   # both shifts cover whole 4h blocks
    assert len(frame) == 42 and set(frame["group"]) == {"desk"}
    assert (frame["rostered"] >= frame["requirement"]).all()
    assert frame.loc[frame["start"] == "12:00", "requirement"].min() > frame.loc[frame["start"] == "00:00",
                                                                                 "requirement"].max()
