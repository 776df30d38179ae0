"""`supportsim staff` against truth: the least staff of an M/M/c FIFO group for "P% of reaction within t" is
the Erlang C required number, the smallest c with 1 - C(c, a) exp(-(c mu - lam) t) >= P.

The cases are chosen so that the service level one engineer short, SL(c-1), and at the answer, SL(c), are each
at least 0.035 from P: about five half-widths of the 95% interval of the attainment over 10 replications of
2000 hours (half-width under 0.01 at these rates), so a correct search always lands on c.

=====  ========  ======  =====  ===  ========  ======
 lam   mean work    t      P     c   SL(c-1)   SL(c)
=====  ========  ======  =====  ===  ========  ======
 9/h     1h       15m     80%   12    0.739    0.874
 4/h     30m      6m      93%    5    0.883    0.967
 20/h    1h       10m     80%   24    0.748    0.847
 2/h     2h       1h      78%    6    0.664    0.895
=====  ========  ======  =====  ===  ========  ======

The tandem case (L1 -> L2 with probability 0.4, exponential work, FIFO): departures of a stable M/M/c queue are
Poisson (Burke), so L2 is M/M/c at 0.4 x 9 = 3.6/h, and its OLA pickup (escalation to first work) is L2's
queue wait: each group's answer is Erlang C at its own arrival rate (L1: 12; L2 with 2h work, pickup within
30m for 80%: 10, where SL(9) = 0.724 and SL(10) = 0.874).
"""

from __future__ import annotations

from typing import Any

import pytest

from supportsim.admit import admit
from supportsim.staffing import Settings, StaffingError, staff
from supportsim.theory import mmc_wait_exceeds

CASES = [(9.0, 1.0, 0.25, 0.80), (4.0, 0.5, 0.1, 0.93), (20.0, 1.0, 1 / 6, 0.80), (2.0, 2.0, 1.0, 0.78)]


def service_level(lam: float, mean: float, c: int, t: float) -> float:
    return 1 - mmc_wait_exceeds(lam, 1 / mean, c, t) if lam * mean < c else 0.0


def erlang_c_required(lam: float, mean: float, t: float, share: float) -> int:
    c = 1
    while service_level(lam, mean, c, t) < share:
        c += 1
    return c


def one_group(lam: float, mean: float, t: float, share: float) -> dict[str, Any]:
    return {"name": "mmc", "horizon": "2000h", "warmup": "100h", "replications": 10, "seed": 3,
            "segments": {"std": {"share": 1}}, "arrivals": {"rate": f"{lam}/h"}, "policy": "fifo",
            "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": f"{mean}h"}}},
            "sla": {"std": {"reaction": {"within": f"{t * 60:g}m", "attain": share}}}}


@pytest.mark.parametrize("lam, mean, t, share", CASES)
def test_one_group_needs_the_erlang_c_number(lam: float, mean: float, t: float, share: float) -> None:
    c = erlang_c_required(lam, mean, t, share)
    # the case is well separated (see the module docstring), so the test cannot flake on a correct search
    assert service_level(lam, mean, c - 1, t) <= share - 0.035 and service_level(lam, mean, c, t) >= share + 0.035
    checked = admit(one_group(lam, mean, t, share))
    answer, = staff(checked.variants, checked.checks, Settings(groups=["L1"], jobs=2))
    assert answer.staff() == {"L1": c}
    assert answer.binding == {"L1": ["sla.std.reaction"]}
    assert all(j.status == "holds" for j in answer.judged)


def tandem() -> dict[str, Any]:
    data = one_group(9.0, 1.0, 0.25, 0.80)
    data["groups"]["L1"]["escalate"] = {"L2": 0.4}
    data["entry"] = "L1"
    data["groups"]["L2"] = {"staff": 1, "work": {"dist": "exponential", "mean": "2h"},
                            "ola": {"pickup": {"within": "30m", "attain": "80%"}}}
    return data


def test_tandem_groups_each_need_erlang_c_at_their_own_rate() -> None:
    assert erlang_c_required(9.0, 1.0, 0.25, 0.8) == 12 and erlang_c_required(3.6, 2.0, 0.5, 0.8) == 10
    checked = admit(tandem())
    answer, = staff(checked.variants, checked.checks, Settings(groups=["L1", "L2"], jobs=2))
    assert answer.staff() == {"L1": 12, "L2": 10}
    assert answer.binding == {"L1": ["sla.std.reaction"], "L2": ["groups.L2.ola.pickup"]}


def test_the_answer_does_not_depend_on_the_workers() -> None:
    checked = admit(one_group(9.0, 1.0, 0.25, 0.80))
    one, = staff(checked.variants, checked.checks, Settings(groups=["L1"], jobs=1))
    two, = staff(checked.variants, checked.checks, Settings(groups=["L1"], jobs=2))
    assert one.counts == two.counts and one.simulations == two.simulations
    assert [j.as_dict() for j in one.judged] == [j.as_dict() for j in two.judged]
    assert {k: [j.as_dict() for j in v] for k, v in one.fewer.items()} == \
           {k: [j.as_dict() for j in v] for k, v in two.fewer.items()}


def test_a_target_below_the_work_time_is_unreachable() -> None:
    data = tandem()
    data["sla"]["std"]["resolution"] = {"within": "30m", "attain": "90%"}
    checked = admit(data)
    answer, = staff(checked.variants, checked.checks, Settings(groups=["L1", "L2"], jobs=2))
    assert not answer.reachable
    assert answer.reason.startswith("sla.std.resolution: even with ample staff")


def test_no_constraints_is_an_error() -> None:
    data = one_group(9.0, 1.0, 0.25, 0.80)
    del data["sla"]
    checked = admit(data)
    with pytest.raises(StaffingError, match="no constraints"):
        staff(checked.variants, checked.checks, Settings(groups=["L1"]))


def _write(tmp_path: Any, data: dict[str, Any]) -> Any:
    import yaml

    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_command_writes_the_answer_as_one_run(tmp_path: Any) -> None:
    import csv
    import json

    from cli_runner import run_cli

    out = tmp_path / "out"
    done = run_cli("staff", _write(tmp_path, tandem()), "--groups", "L1,L2", "--jobs", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    document = json.loads((out / "staffing.json").read_text())
    entry = document["variants"]["base"]
    assert {g: v["staff"] for g, v in entry["groups"].items()} == {"L1": 12, "L2": 10}
    reaction = entry["constraints"]["sla.std.reaction"]
    assert reaction["at_answer"]["status"] == "holds" and reaction["one_fewer"]["L1"]["status"] != "holds"
    rows = list(csv.DictReader((out / "staffing.csv").open()))
    answer = [r for r in rows if r["answer"] == "True"]
    assert {r["staffing"] for r in answer} == {"L1=12 L2=10"} and len(answer) == 2
    assert (out / "manifest.json").exists()


def test_the_command_reports_the_unreachable_with_exit_2_and_a_whole_run(tmp_path: Any) -> None:
    import json

    from cli_runner import run_cli

    data = tandem()
    data["sla"]["std"]["resolution"] = {"within": "30m", "attain": "90%"}
    out = tmp_path / "out"
    done = run_cli("staff", _write(tmp_path, data), "--out", out, "--jobs", "2")
    assert done.returncode == 2
    assert "unreachable: sla.std.resolution: even with ample staff" in done.stderr
    assert "Traceback" not in done.stderr
    entry = json.loads((out / "staffing.json").read_text())["variants"]["base"]
    assert entry["reachable"] is False and entry["reason"].startswith("sla.std.resolution")


def test_the_command_refuses_a_scenario_without_constraints(tmp_path: Any) -> None:
    from cli_runner import run_cli

    data = one_group(9.0, 1.0, 0.25, 0.80)
    del data["sla"]
    done = run_cli("staff", _write(tmp_path, data), "--out", tmp_path / "out")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no constraints" in done.stderr
    bad = run_cli("staff", _write(tmp_path, one_group(9.0, 1.0, 0.25, 0.80)), "--groups", "L9")
    assert bad.returncode == 2 and "unknown group 'L9'" in bad.stderr


def test_shrinkage_and_cost_turn_engineers_into_headcount_and_money() -> None:
    from supportsim.workforce import workforce

    data = tandem()
    data["calendars"] = {"day": {"hours": "09:00-17:00", "days": "mon-fri"}}
    data["groups"]["L1"].update(staff=[{"count": 4}, {"count": 2, "calendar": "day", "cost": 30}], cost=20,
                                shrinkage=0.25)
    figures = workforce(admit(data).scenario)
    assert figures["L1"]["engineers"] == 6 and figures["L1"]["headcount"] == pytest.approx(6 / 0.75)
    assert figures["L1"]["engineer_hours_per_week"] == pytest.approx(4 * 168 + 2 * 40)
    assert figures["L1"]["cost_per_week"] == pytest.approx(20 * 4 * 168 + 30 * 2 * 40)
    assert figures["L2"]["cost_per_week"] == pytest.approx(168)  # no cost: engineer-hours
    assert figures["all"]["headcount"] == pytest.approx(6 / 0.75 + 1)


def test_vary_scales_numbers_durations_and_rates_where_the_file_sets_them() -> None:
    from supportsim.sensitivity import parse_vary, varied

    assert parse_vary("groups.L1.work.mean=-10%,+10%") == ("groups.L1.work.mean", [-0.1, 0.1])
    data = admit(tandem()).scenario.model_dump(mode="json", exclude_none=True)
    slower = admit(varied(data, "groups.L2.work.mean", 0.1)).scenario
    assert slower.groups["L2"].work.mean_hours == pytest.approx(2.2)
    busier = admit(varied(data, "arrivals.rate", -0.5)).scenario
    assert busier.total_rate == pytest.approx(4.5)
    for bad in ("groups.L1.work.mean", "x=10", "x=-100%"):
        with pytest.raises(ValueError, match="--vary"):
            parse_vary(bad)
    with pytest.raises(ValueError, match="no such key"):
        varied(data, "groups.L9.work.mean", 0.1)
