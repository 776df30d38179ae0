"""Sweep grids: key paths applied to every variant, shares kept summing to 1, bad paths named; sweep seeds."""

import pytest

from supportsim import ScenarioError, load_scenario
from supportsim.admit import load_plan
from supportsim.plan import make_plan
from supportsim.scenario import Sweep

DESK = {
    "name": "desk", "horizon": "200h", "seed": 4,
    "segments": {"vip": {"share": 0.2, "vip": True}, "gold": {"share": 0.2}, "standard": {"share": 0.6}},
    "priorities": {"P1": 0.2, "P2": 0.8},
    "arrivals": {"rate": "6/h"},
    "groups": {"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "30m"}, "escalate": {"L2": 0.2}},
               "L2": {"staff": 2, "work": {"dist": "exponential", "mean": "1h"}}},
    "entry": "L1",
    "policy": "fifo",
    "variants": {"fifo": {}, "priority": {"policy": "priority"},
                 "l2-priority": {"groups": {"L2": {"policy": {"kind": "priority"}}}}},
}


def plan(grid, data=DESK, **sweep):
    return make_plan(load_scenario(data), Sweep(grid=grid, **sweep))


def test_every_combination_is_a_point_and_the_first_path_varies_slowest():
    p = plan({"groups.L1.staff": [4, 5], "arrivals.rate": ["5/h", "6/h", "7/h"]})
    assert [pt.params for pt in p.points][:3] == [{"groups.L1.staff": 4, "arrivals.rate": r} for r in ["5/h", "6/h", "7/h"]]
    assert len(p.points) == 6 and len({pt.id for pt in p.points}) == 6
    assert p.tasks == 6 * 3 * DESK.get("replications", 10)
    for pt in p.points:
        for variant in pt.variants.values():
            assert variant.groups["L1"].staff == pt.params["groups.L1.staff"]


def test_a_path_only_some_variants_have_changes_only_those():
    p = plan({"groups.L2.policy.kind": ["preemptive"]})
    variants = p.points[0].variants
    assert variants["l2-priority"].groups["L2"].policy.kind == "preemptive"
    assert variants["fifo"].groups["L2"].policy is None and variants["priority"].groups["L2"].policy is None


def test_a_path_no_variant_has_is_created_and_a_new_kind_replaces_the_old_mapping():
    p = plan({"sla.vip.reaction": ["15m", "1h"], "policy.kind": ["preemptive"]})
    for pt in p.points:
        assert {v.sla["vip"].reaction.hours for v in pt.variants.values()} == {0.25 if pt.params["sla.vip.reaction"] == "15m" else 1.0}
        assert {v.policy.kind for v in pt.variants.values()} == {"preemptive"}


def test_setting_a_share_scales_the_other_shares_and_keeps_their_proportions():
    p = plan({"segments.vip.share": [0.05, 0.4], "priorities.P1": [0.5]})
    for pt in p.points:
        segments = pt.variants["fifo"].segments
        vip = pt.params["segments.vip.share"]
        assert segments["vip"].share == vip
        assert segments["gold"].share + segments["standard"].share == pytest.approx(1 - vip)
        assert segments["standard"].share / segments["gold"].share == pytest.approx(3.0)
        assert pt.variants["fifo"].priorities == pytest.approx({"P1": 0.5, "P2": 0.5})


@pytest.mark.parametrize("grid, path, words", [
    ({"groups.L1.staf": [5]}, "sweep.grid.groups.L1.staf", "did you mean 'staff'"),
    ({"group.L1.staff": [5]}, "sweep.grid.group.L1.staff", "did you mean 'groups'"),
    ({"groups.L1.staff": [5, 0]}, "sweep.grid.groups.L1.staff", "0 gives groups.L1.staff"),
    ({"groups.L9.staff": [5]}, "sweep.grid.groups.L9.staff", "no group 'L9'; did you mean 'L2'? (a sweep varies what the scenario declares; it cannot add a group)"),
    ({"segments.vip.share": [1.5]}, "sweep.grid.segments.vip.share", "must be <= 1"),
    ({"policy.pickup_within": ["1h"]}, "sweep.grid.policy.pickup_within", "unknown key"),
    ({"horizon": ["forever"]}, "sweep.grid.horizon", "cannot read duration"),
    ({"variants.fifo.policy": ["priority"]}, "sweep.grid.variants.fifo.policy", "cannot be swept"),
    ({"groups..staff": [5]}, "sweep.grid.groups..staff", "not a key path"),
    ({"groups.L1.staff": [5, 5]}, "sweep.grid.groups.L1.staff", "listed twice"),
])
def test_bad_grid_paths_and_values_are_reported_at_their_grid_key(grid, path, words):
    with pytest.raises(ScenarioError) as caught:
        plan(grid)
    assert any(p == path and words in message for p, message in caught.value.problems), caught.value.problems


def test_points_share_tickets_by_default_and_draw_their_own_when_independent():
    common = plan({"groups.L1.staff": [5, 6]})
    assert {pt.seed for pt in common.points} == {DESK["seed"]}
    independent = plan({"groups.L1.staff": [5, 6]}, tickets="independent")
    seeds = [pt.seed for pt in independent.points]
    assert len(set(seeds)) == 2 and DESK["seed"] not in seeds
    # a seed is a function of the scenario and the point, not of the grid around it
    assert plan({"groups.L1.staff": [6, 7]}, tickets="independent").points[0].seed == seeds[1]


def test_the_definition_changes_with_the_scenario_and_the_replications_only():
    a = plan({"groups.L1.staff": [5]})
    assert plan({"groups.L1.staff": [5]}).points[0].definition == a.points[0].definition
    assert plan({"groups.L1.staff": [5]}, replications=3).points[0].definition != a.points[0].definition
    changed = {**DESK, "horizon": "300h"}
    assert plan({"groups.L1.staff": [5]}, data=changed).points[0].definition != a.points[0].definition


def test_a_sweep_file_names_its_scenario_relative_to_itself_and_reports_bad_keys_with_lines(tmp_path):
    import yaml
    (tmp_path / "desk.yaml").write_text(yaml.safe_dump(DESK))
    (tmp_path / "s.yaml").write_text("scenario: desk.yaml\ngrid:\n  groups.L1.staff: [4, 5]\nreplications: 2\n")
    p = load_plan(tmp_path / "s.yaml")
    assert len(p.points) == 2 and p.replications == 2 and p.scenario.sweep.grid == {"groups.L1.staff": [4, 5]}
    (tmp_path / "bad.yaml").write_text("scenario: desk.yaml\ngird:\n  groups.L1.staff: [4]\n")
    with pytest.raises(ScenarioError) as caught:
        load_plan(tmp_path / "bad.yaml")
    assert f"{tmp_path / 'bad.yaml'}:2: gird: unknown key; did you mean 'grid'?" in caught.value.messages()
    (tmp_path / "lost.yaml").write_text("scenario: nowhere.yaml\ngrid: {groups.L1.staff: [4]}\n")
    with pytest.raises(ScenarioError, match="lost.yaml:1: scenario: no such scenario file"):
        load_plan(tmp_path / "lost.yaml")


def test_a_scenario_without_a_sweep_says_what_to_add():
    with pytest.raises(ScenarioError, match="sweep: is missing"):
        load_plan(DESK)
