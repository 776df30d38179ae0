"""Checks: read with key-path errors, judged on the 95% interval (pass, fail, inconclusive), exit codes, JUnit.

The desk is an M/M/5 queue at load 0.6: utilization is exactly 0.6 and the mean wait is Erlang C's 3.5 minutes,
so bounds far on either side of the truth pass or fail whatever the seed."""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
import yaml

from supportsim import ScenarioError, load_scenario
from supportsim.admit import admit
from supportsim.checks import judge, parse_check
from supportsim.cli import main
from supportsim.engine import simulate_replication
from supportsim.stats import estimate, figure_keys, replication_figures
from supportsim.workers import run_figures

DESK = {
    "name": "checked-desk", "horizon": "400h", "warmup": "20h", "seed": 2, "replications": 6,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "arrivals": {"rate": "6/h"},
    "groups": {"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "30m"}}},
    "policy": "fifo",
    "sla": {"vip": {"reaction": "15m"}},
}


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def check(tmp_path, capsys):
    """Run ``supportsim check`` on DESK with these checks (in this process: the command is a function)."""
    def run(checks, *args, data=DESK):
        path = tmp_path / "desk.yaml"
        path.write_text(yaml.safe_dump({**data, "checks": checks}, sort_keys=False))
        code = main(["check", str(path), *map(str, args)])
        out, err = capsys.readouterr()
        return Done(code, out, err)
    return run


def test_the_figure_keys_known_before_a_run_are_the_ones_a_run_gives():
    data = {**DESK, "groups": {"L1": {**DESK["groups"]["L1"], "escalate": {"L2": 0.3}},
                               "L2": {"staff": 2, "work": {"dist": "exponential", "mean": "1h"}}}, "entry": "L1"}
    scenario = load_scenario(data)
    assert list(replication_figures(simulate_replication(scenario, 0))) == figure_keys(scenario)


def test_checks_far_from_the_truth_pass_and_fail_conclusively_and_the_exit_code_says_so(check):
    passing = ["groups.L1.utilization <= 0.7", "all.reaction.mean <= 15m", "vip.sla.reaction_met >= 80%",
               "groups.L1.queue_wait < 20m", "standard.tickets > 100"]
    done = check(passing)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()[1:-1]] == ["pass"] * len(passing)
    assert done.stdout.splitlines()[-1] == f"PASSED: {len(passing)} of {len(passing)} checks passed"

    done = check(passing + ["groups.L1.utilization <= 50%", "all.reaction.mean <= 1m"])
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("fail")]
    assert len(failed) == 2 and "groups.L1.utilization <= 50%" in failed[0] and "[" in failed[0]


def test_a_check_whose_bound_lies_inside_the_interval_is_inconclusive_unless_lenient(check):
    scenario = load_scenario(DESK)
    figures = run_figures({"base": scenario}, scenario.replications, scenario.seed)["base"]
    est = estimate(f[("groups", "L1", "utilization")] for f in figures)
    assert est["ci95"][0] < est["value"] < est["ci95"][1]
    bound = repr(est["value"])  # the estimate always lies inside its own interval
    done = check([f"groups.L1.utilization <= {bound}"])
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith("inconclusive") and "increase replications" in done.stdout
    lenient = check([f"groups.L1.utilization <= {bound}"], "--lenient")
    assert lenient.returncode == 0 and "lenient: the estimate meets the bound" in lenient.stdout
    one = check(["groups.L1.utilization <= 0.7"], "--replications", 1)
    assert one.returncode == 1 and "one replication gives no interval" in one.stdout


def test_judging_is_about_the_interval_not_the_estimate():
    variants = {"base": load_scenario(DESK)}
    at_most = parse_check("groups.L1.utilization <= 0.6", variants)
    at_least = parse_check("groups.L1.utilization >= 0.6", variants)
    around = [{("groups", "L1", "utilization"): v} for v in (0.55, 0.6, 0.65)]
    below = [{("groups", "L1", "utilization"): v} for v in (0.50, 0.51, 0.52)]
    assert [v.outcome for v in judge([at_most, at_least], {"base": around})] == ["inconclusive"] * 2
    assert [v.outcome for v in judge([at_most, at_least], {"base": below})] == ["pass", "fail"]
    lenient = judge([at_most, at_least], {"base": around}, lenient=True)
    assert [v.passed for v in lenient] == [True, True]  # the estimate is exactly on the bound
    nothing = judge([at_most], {"base": [{("groups", "L1", "utilization"): math.nan}] * 3})
    assert nothing[0].outcome == "fail" and "no data" in nothing[0].reason


def test_checks_on_variants_apply_to_every_variant_unless_one_is_named(check):
    data = {**DESK, "variants": {"fifo": {}, "four": {"groups": {"L1": {"staff": 4}}}}}
    done = check(["groups.L1.utilization <= 0.7", {"four": "groups.L1.utilization >= 0.7"}], data=data)
    lines = done.stdout.splitlines()[1:-1]
    assert [line.split()[:2] for line in lines] == [["pass", "fifo:"], ["fail", "four:"], ["pass", "four:"]]
    assert done.returncode == 1


@pytest.mark.parametrize("spec, words", [
    ("vpi.reaction.p90 <= 1h", "unknown segment 'vpi'; segments are vip, standard, all"),
    ("vip.reaction.p99 <= 1h", "unknown figure 'reaction.p99' for vip; known: tickets, reaction.mean"),
    ("standard.sla.reaction_met >= 0.9", "unknown figure 'sla.reaction_met' for standard"),
    ("groups.L9.utilization <= 0.9", "unknown group 'L9'; groups are L1"),
    ("vip.reaction.p90 <= 1", "a bare number is ambiguous: add a unit"),
    ("groups.L1.utilization <= 1h", "has a time unit, but this figure is a fraction"),
    ("groups.L1.utilization <= 120%", "outside 0..1"),
    ("vip.reaction.p90 == 1h", "cannot read check"),
    ({"nope": "vip.reaction.p90 <= 1h"}, "unknown variant 'nope'; variants: base"),
])
def test_bad_checks_are_bad_input_with_file_line_and_key_path(check, tmp_path, spec, words):
    done = check(["vip.reaction.p90 <= 1h", spec])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / 'desk.yaml'}:")
    assert ": checks.1: " in lines[0] and words in lines[0]


def test_a_variant_can_be_named_in_a_string_and_the_mean_is_the_default_statistic():
    variants = {"a": load_scenario(DESK), "b": load_scenario(DESK)}
    c = parse_check("b: vip.reaction <= 30m", variants)
    assert (c.variant, c.key, c.bound) == ("b", ("segments", "vip", "reaction", "mean"), 0.5)


def test_validate_reports_bad_checks_too(tmp_path):
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump({**DESK, "checks": ["vip.reaction.p90 <= soon"]}))
    with pytest.raises(ScenarioError, match="checks.0: cannot read duration 'soon'"):
        admit(path)


def test_junit_has_one_well_formed_testcase_per_check_with_failures_marked(check, tmp_path):
    report = tmp_path / "report.xml"
    done = check(["groups.L1.utilization <= 0.7", "all.reaction.mean <= 1m", "vip.tickets > 1"],
                 "--junit", report)
    assert done.returncode == 1
    root = ET.parse(report).getroot()
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["groups.L1.utilization <= 0.7", "all.reaction.mean <= 1m", "vip.tickets > 1"]
    assert [c.find("failure") is not None for c in cases] == [False, True, False]
    assert root.find("testsuite").get("failures") == "1" and root.find("testsuite").get("tests") == "3"
    assert cases[1].find("failure").get("message").startswith("fail: estimate")
