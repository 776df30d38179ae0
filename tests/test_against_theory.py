"""The engine against exact queueing results (statistically), and determinism.

The cases (scenarios, exact values, tolerance rule) live in :mod:`supportsim.against_theory`, shared with
``scripts/against_theory.py`` which writes docs/against-theory.md. Why the tolerance is ``max(2 x half-width, floor)``:
with 20 replications that is 4.2 standard errors, so a correct engine fails one check with probability ~5e-4
(no flakes, whatever the seeds), while the horizons keep it near 5% of the exact waiting times, so a real bias
fails (see the module docstring of supportsim.against_theory and test_tolerances_can_see_a_real_bias).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import supportsim
from supportsim import against_theory

ROOT = Path(__file__).resolve().parent.parent
JOBS = int(os.environ.get("SUPPORTSIM_TEST_JOBS", "2"))

_runs: dict[str, tuple] = {}


def run_case(name: str):
    """Each case is simulated once per test session, however many checks look at it."""
    if name not in _runs:
        case = against_theory.case_named(name)
        result = against_theory.run(case, jobs=JOBS)
        _runs[name] = (against_theory.evaluate(case, result), against_theory.little_outcomes(case, result))
    return _runs[name]


CHECKS = [(case.name, i) for case in against_theory.CASES for i in range(len(case.figures))]


@pytest.mark.parametrize(("case_name", "index"), CHECKS,
                         ids=[f"{c}:{against_theory.case_named(c).figures[i].label}" for c, i in CHECKS])
def test_simulated_figure_matches_exact_value(case_name, index):
    outcome = run_case(case_name)[0][index]
    check = outcome.figure
    assert outcome.low <= outcome.value <= outcome.high  # an interval was reported around the estimate
    assert outcome.passed, (
        f"{case_name}: {check.label}: simulated {outcome.value:.5f} (95% CI {outcome.low:.5f}..{outcome.high:.5f}) "
        f"vs exact {check.exact:.5f}: error {outcome.error:+.5f} exceeds tolerance {outcome.tolerance:.5f}")


@pytest.mark.parametrize("case_name", [case.name for case in against_theory.CASES])
def test_little_law_per_group(case_name):
    little = run_case(case_name)[1]
    case = against_theory.case_named(case_name)
    groups = set(case.scenario["groups"])
    assert {(o.group, o.measure) for o in little} == {(g, m) for g in groups
                                                      for m in ("tickets present", "queue length")}
    for o in little:
        assert o.count > 0
        assert o.passed, (f"{case_name}: group {o.group}: {o.measure} {o.count:.5f} but arrival rate x mean time "
                          f"{o.rate_times_time:.5f}; difference {o.difference:+.5f} > {o.tolerance:.5f}")


def test_headline_figures_pooled_over_cases():
    # one headline figure per case; the cases have independent seeds, so the mean relative error is a sharper
    # test of a bias common to all of them than any single case (tolerance about 2%)
    outcomes = [o for case in against_theory.CASES for o in run_case(case.name)[0]]
    assert sorted(o.case for o in outcomes if o.figure.headline) == sorted(c.name for c in against_theory.CASES)
    pooled = against_theory.pooled_outcome(outcomes)
    assert pooled.tolerance <= 0.025
    assert pooled.passed, (f"mean relative error {pooled.relative_error:+.2%} of {', '.join(pooled.labels)} "
                           f"exceeds {pooled.tolerance:.2%}")


def test_tolerances_can_see_a_real_bias():
    # A check is only worth something if it fails for a wrong engine. Every tolerance must stay within 6% of the
    # exact value: an error of 6% plus two standard errors (about 8%) then fails every single check, and a 5%
    # error, which shows in all five independent cases at once, fails about half of them, and the pooled check.
    for case in against_theory.CASES:
        for outcome in run_case(case.name)[0]:
            relative = outcome.tolerance / abs(outcome.figure.exact)
            assert relative <= 0.06, f"{case.name}: {outcome.figure.label}: tolerance is {relative:.1%} of exact"
            biased = outcome.figure.exact * 1.08
            assert abs(outcome.value - biased) > outcome.tolerance, (
                f"{case.name}: {outcome.figure.label}: an 8% bias would pass")


def test_cases_cover_what_the_foundation_promises():
    names = {case.name for case in against_theory.CASES}
    loads = {case.scenario["arrivals"]["rate"] for case in against_theory.CASES if case.name.startswith("mmc-")}
    assert len(loads) == 2  # M/M/c FIFO at two loads
    assert {"priority", "preemptive"} <= {case.scenario["policy"] for case in against_theory.CASES}
    assert "tandem" in names
    mmc = [c for c in against_theory.CASES if c.name.startswith("mmc-")]
    for case in mmc:
        labels = " ".join(check.label for check in case.figures)
        assert "mean wait" in labels and "P(wait >" in labels and "p90" in labels


# ---- the published page uses the same cases ------------------------------------------------------------------

def _script():
    spec = importlib.util.spec_from_file_location("against_theory_script", ROOT / "scripts" / "against_theory.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_page_shows_the_cases_the_tests_check():
    script = _script()
    assert script.CASES is against_theory.CASES
    page = (ROOT / "docs" / "against-theory.md").read_text(encoding="utf-8")
    results = page.split("## Results", 1)[1].split("\n#", 1)[0]
    rows = [line for line in results.splitlines() if line.startswith("| ") and not line.startswith("| case |")]
    expected = []
    for case in against_theory.CASES:
        assert f"### {case.name}: {case.title}" in page, f"docs/against-theory.md lacks case {case.name}"
        expected += [script.row_prefix(case, check.label, check.exact) for check in case.figures]
    assert len(rows) == len(expected), "docs/against-theory.md lists other checks than the cases have"
    for row, prefix in zip(rows, expected):
        assert row.startswith(prefix), f"docs/against-theory.md: '{row}' is not '{prefix}...': regenerate it with scripts/against_theory.py"
    assert "FAIL" not in page


# ---- determinism ----------------------------------------------------------------------------------------------

MIXED = {
    "name": "determinism",
    "horizon": "300h", "warmup": "20h", "replications": 4, "seed": 7,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "priorities": {"P1": 0.2, "P2": 0.8},
    "arrivals": {"rate": "9/h"},
    "groups": {
        "L1": {"staff": 10, "work": {"dist": "exponential", "mean": "1h"}, "escalate": {"L2": 0.3}},
        "L2": {"staff": 3, "work": {"dist": "lognormal", "mean": "1h", "cv": 1.2}, "policy": "preemptive"},
    },
    "entry": "L1",
    "policy": "priority",
    "sla": {"vip": {"reaction": "15m", "resolution": "4h"}, "standard": {"reaction": "1h"}},
}


def test_same_seed_same_summary_whatever_the_workers():
    one = supportsim.simulate(MIXED, jobs=1)
    two = supportsim.simulate(MIXED, jobs=2)
    assert json.dumps(one.summary(), sort_keys=True) == json.dumps(two.summary(), sort_keys=True)
    assert one.tickets_csv() == two.tickets_csv()
    other_seed = supportsim.simulate(MIXED, seed=8, jobs=1)  # the comparison can tell different runs apart
    assert other_seed.summary()["variants"] != one.summary()["variants"]


def test_cli_summary_json_identical_with_one_and_two_jobs(tmp_path):
    scenario = tmp_path / "determinism.yaml"
    scenario.write_text(yaml.safe_dump(MIXED), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(supportsim.__file__).resolve().parent.parent)}
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        done = subprocess.run([sys.executable, "-m", "supportsim", "run", str(scenario), "--out", str(out),
                               "--jobs", str(jobs), "--quiet"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(out)
    assert (outputs[0] / "summary.json").read_bytes() == (outputs[1] / "summary.json").read_bytes()
    assert (outputs[0] / "tickets.csv").read_bytes() == (outputs[1] / "tickets.csv").read_bytes()
