"""`pip install supportsim` with no extra runs every bundled scenario: every command a manager uses works with
the optional packages (pandas, pyarrow, Dask, Ciw, jsonschema, pytest) made unimportable."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from cli_runner import ROOT, _env

OPTIONAL = ["pandas", "pyarrow", "dask", "distributed", "ciw", "jsonschema", "pytest"]
RUN = f"""
import sys
sys.modules.update({{name: None for name in {OPTIONAL!r}}})  # import X now raises ImportError
from supportsim.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _supportsim(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, *map(str, args)], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)


def _short(path, tmp_path):
    """The bundled scenario over a short horizon (the point is what it needs, not its figures)."""
    data = yaml.safe_load(path.read_text())
    horizon = 24 * 7 * 3 if data.get("start") else 200
    data.update(horizon=f"{horizon}h", warmup="24h", replications=2)
    short = tmp_path / path.name
    short.write_text(yaml.safe_dump(data))
    return short


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_scenario_runs_without_any_extra(path, tmp_path):
    short = _short(path, tmp_path)
    for args in (["validate", short], ["run", short, "--out", tmp_path / "out", "--jobs", "2"]):
        done = _supportsim(*args)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "report.html").is_file()


def test_sweep_check_and_schema_need_no_extra_either(tmp_path):
    desk = yaml.safe_load((ROOT / "scenarios" / "small-desk.yaml").read_text())
    desk.update(horizon="200h", warmup="24h", replications=2, checks=["vip.reaction.mean <= 10h"],
                sweep={"grid": {"groups.L1.staff": [10, 11]}})
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(desk))
    for args in (["sweep", path, "--jobs", "2", "--out", tmp_path / "sweep"], ["check", path], ["schema"]):
        done = _supportsim(*args)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "sweep" / "sweep.csv").is_file()
