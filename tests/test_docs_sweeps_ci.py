"""The examples in docs/sweeps.md and docs/ci.md run (Python), plan (sweeps) and parse (checks, CI jobs)."""

import os
import re
from pathlib import Path

import pytest
import yaml

from supportsim import load_scenario
from supportsim.admit import load_plan
from supportsim.checks import parse_check
from supportsim.loader import expand_variants

ROOT = Path(__file__).resolve().parents[1]


def blocks(doc: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (ROOT / "docs" / doc).read_text(), flags=re.S)


def test_the_python_example_of_sweeps_runs(monkeypatch):
    pytest.importorskip("pandas")
    monkeypatch.chdir(ROOT)
    examples = blocks("sweeps.md", "python")
    assert examples
    for code in examples:
        exec(compile(code, "docs/sweeps.md", "exec"), {})


def test_the_sweep_file_shown_is_the_bundled_one_and_plans_60_points():
    shown = next(b for b in blocks("sweeps.md", "yaml") if b.startswith("# scenarios/sweeps/"))
    path = ROOT / shown.splitlines()[0][2:].strip()
    assert yaml.safe_load(shown) == yaml.safe_load(path.read_text())
    plan = load_plan(path)
    assert len(plan.points) == 60 and plan.replications == 10


def test_the_sweep_section_shown_plans_on_the_small_desk():
    section = next(b for b in blocks("sweeps.md", "yaml") if b.startswith("sweep:"))
    data = {**yaml.safe_load((ROOT / "scenarios" / "small-desk.yaml").read_text()), **yaml.safe_load(section)}
    plan = load_plan(data)
    assert len(plan.points) == 4 and plan.replications == 5


def test_the_checks_shown_parse_on_the_small_desk_with_a_priority_variant():
    shown = yaml.safe_load(next(b for b in blocks("ci.md", "yaml") if b.startswith("checks:")))["checks"]
    data = {**yaml.safe_load((ROOT / "scenarios" / "small-desk.yaml").read_text()),
            "variants": {"fifo": {"policy": "fifo"}, "priority": {}}}
    variants = expand_variants(load_scenario(data))
    checks = [parse_check(spec, variants) for spec in shown]
    assert [c.variant for c in checks] == [None] * 4 + ["priority"]


def test_the_ci_jobs_shown_parse_and_run_the_check_script():
    jobs = [yaml.safe_load(b) for b in blocks("ci.md", "yaml") if "check-scenarios" in b]
    assert len(jobs) == 2
    github, gitlab = jobs
    assert any("scripts/check-scenarios reports" == step.get("run") for step in github["jobs"]["check"]["steps"])
    assert "scripts/check-scenarios reports" in gitlab["scenario-checks"]["script"]
    assert os.access(ROOT / "scripts" / "check-scenarios", os.X_OK)
