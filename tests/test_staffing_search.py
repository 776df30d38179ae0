"""The staffing search beyond one queue of engineers, against truth where it exists.

- **Set apart** (``dedicated``): the engineers set apart serve VIP tickets only and the others the rest, so with
  exponential work and FIFO each side is an M/M/c queue of its own. The search chooses the group's staff and
  the number set apart together, and must land on Erlang C for each side: VIP at 3/h (1h work, 75% within 15m)
  needs 5, with SL(4) = 0.603 and SL(5) = 0.857; standard at 9/h (80% within 15m) needs 12, with
  SL(11) = 0.739 and SL(12) = 0.874. So the group needs 17 with 5 set apart. Every level is at least 0.05 from
  its target, several interval widths at 10 replications of 2000 hours, so a correct search cannot miss.
- **--vary**: ``arrivals.rate=-20%,+20%`` on the M/M/c case of tests/test_staffing.py moves the answer to
  Erlang C at 7.2/h (10 engineers: SL(9) = 0.724, SL(10) = 0.874) and 10.8/h (14: SL(13) = 0.754,
  SL(14) = 0.877).
- **On call**: blocks on call are kept as written, their hours count in the offered-load bound.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from supportsim.admit import admit
from supportsim.staffing import Settings, StaffingError, posts_of, settings_for, staff, staffed, start
from supportsim.staffing_output import sensitivity, varied_scenarios
from test_staffing import erlang_c_required, one_group, service_level


def dedicated_desk() -> dict[str, Any]:
    data = one_group(12.0, 1.0, 0.25, 0.80)
    data["segments"] = {"vip": {"share": 0.25, "vip": True}, "std": {"share": 0.75}}
    data["groups"]["L1"]["staff"] = 2
    data["policy"] = {"kind": "dedicated", "engineers": {"L1": 1}}
    data["sla"] = {"vip": {"reaction": {"within": "15m", "attain": "75%"}},
                   "std": {"reaction": {"within": "15m", "attain": "80%"}}}
    return data


def test_the_search_sets_apart_the_erlang_c_number_for_each_side_of_a_dedicated_group() -> None:
    vip, std = erlang_c_required(3.0, 1.0, 0.25, 0.75), erlang_c_required(9.0, 1.0, 0.25, 0.80)
    assert (vip, std) == (5, 12)
    for lam, c, share in ((3.0, vip, 0.75), (9.0, std, 0.80)):  # well separated (see the module docstring)
        assert service_level(lam, 1.0, c - 1, 0.25) <= share - 0.05
        assert service_level(lam, 1.0, c, 0.25) >= share + 0.05
    checked = admit(dedicated_desk())
    answer, = staff(checked.variants, checked.checks, Settings(groups=["L1"], jobs=2))
    assert answer.staff() == {"L1": vip + std} and answer.set_apart() == {"L1": vip}
    assert set(answer.binding) == {"L1", "L1.dedicated"}
    assert "sla.std.reaction" in answer.binding["L1"] and "sla.vip.reaction" in answer.binding["L1.dedicated"]
    scenario = staffed(checked.scenario, answer.posts, answer.counts or ())
    assert scenario.groups["L1"].headcount == 17 and scenario.policy.engineers == {"L1": 5}  # type: ignore[union-attr]


def test_vary_re_solves_at_the_scaled_input_and_lands_on_erlang_c_there() -> None:
    assert [erlang_c_required(9.0 * f, 1.0, 0.25, 0.80) for f in (0.8, 1.2)] == [10, 14]
    checked = admit(one_group(9.0, 1.0, 0.25, 0.80))
    settings = settings_for(checked.scenario, ["L1"], jobs=2)
    rows = sensitivity(varied_scenarios(checked.scenario, ["arrivals.rate=-20%,+20%"]), settings)
    assert [(r["key"], r["change"], r["variants"]["base"]["staff"]) for r in rows] == \
           [("arrivals.rate", -0.2, {"L1": 10}), ("arrivals.rate", 0.2, {"L1": 14})]


def _write(tmp_path: Any, data: dict[str, Any]) -> Any:
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("vary, says", [
    ("groups.L1.work.mean", "write KEY=-10%,+10%"),
    ("groups.L1.work.mean=ten", "'ten' is not a change such as -10%"),
    ("groups.L1.work.mean=-100%", "would leave nothing"),
    ("groups.L9.work.mean=+10%", "no such key in the scenario"),
    ("name=+10%", "'mmc' is not a number, duration or rate"),
    ("segments.std.share=-50%", "--vary segments.std.share -50%: the changed scenario is refused: segments: shares "
                                "must sum to 1"),
])
def test_a_vary_that_cannot_be_applied_is_refused_in_one_line_before_simulating(tmp_path: Any, vary: str,
                                                                                 says: str) -> None:
    from cli_runner import run_cli

    out = tmp_path / "out"
    done = run_cli("staff", _write(tmp_path, one_group(9.0, 1.0, 0.25, 0.80)), "--vary", vary, "--out", out)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert "desk.yaml" in done.stderr and not out.exists()


def test_the_command_shows_how_the_answer_moves(tmp_path: Any) -> None:
    from cli_runner import run_cli

    out = tmp_path / "out"
    done = run_cli("staff", _write(tmp_path, one_group(9.0, 1.0, 0.25, 0.80)), "--vary", "arrivals.rate=+20%",
                   "--jobs", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "arrivals.rate +20%: base: L1 14" in done.stdout
    document = json.loads((out / "staffing.json").read_text())
    assert document["variants"]["base"]["groups"]["L1"]["staff"] == 12
    assert document["sensitivity"] == [{"key": "arrivals.rate", "change": 0.2, "variants": {"base": {
        "reachable": True, "reason": "", "staff": {"L1": 14}, "cost_per_week": 14 * 168.0}}}]


def on_call_desk() -> dict[str, Any]:
    data = one_group(9.0, 1.0, 0.25, 0.80)
    data["calendars"] = {"day": {"hours": "08:00-20:00"}, "night": {"hours": "20:00-08:00"}}
    data["groups"]["L1"]["staff"] = [{"count": 12, "calendar": "day"},
                                     {"count": 2, "calendar": "night", "on_call": True, "call_out": "10m"}]
    return data


def test_staff_on_call_is_kept_as_written_and_counts_as_capacity() -> None:
    scenario = admit(on_call_desk()).scenario
    posts = posts_of(scenario, ["L1"])
    assert [(p.group, p.block, p.calendar) for p in posts] == [("L1", 0, "day")]
    # 9/h x 1h = 1512 h offered a week; the 2 on call give 168 h of it, so 1344 h remain for 84 h each: 17
    assert start(scenario, posts) == (17,)
    changed = staffed(scenario, posts, (15,))
    assert [(b.count, b.calendar, b.on_call) for b in changed.groups["L1"].blocks] == \
           [(15, "day", False), (2, "night", True)]
    assert changed.groups["L1"].blocks[1].call_out == pytest.approx(1 / 6)


def test_a_group_all_on_call_is_not_searched() -> None:
    data = one_group(9.0, 1.0, 0.25, 0.80)
    data["groups"]["L1"]["escalate"] = {"L3": 0.1}
    data["entry"] = "L1"
    data["groups"]["L3"] = {"staff": [{"count": 2, "on_call": True}], "work": {"dist": "exponential", "mean": "1h"}}
    scenario = admit(data).scenario
    assert settings_for(scenario).groups == ["L1"]
    with pytest.raises(StaffingError, match="every engineer of L3 is on call"):
        settings_for(scenario, ["L1", "L3"])
