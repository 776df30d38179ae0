"""Strategies from outside the package: examples/vip_quota installed as a package of its own, found through
its entry point, validated, listed, run on worker processes; and what it does, against truth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from supportsim import load_scenario
from supportsim.api import simulate
from supportsim.engine import simulate_replication
from supportsim.strategies import REGISTRY, strategies
from supportsim.theory import priority_mean_waits
from vip_tolerance import assert_matches

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vip_quota"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The example package installed into a folder of its own, as pip would for a user (offline, no deps)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(EXAMPLE)], check=True, capture_output=True, text=True)
    assert (target / "supportsim_vip_quota").is_dir()
    return target


def supportsim_cli(*args: str, path: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run([sys.executable, "-m", "supportsim", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def short_example(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load((EXAMPLE / "scenario.yaml").read_text())
    data.update({"horizon": "300h", "replications": 2, **changes})
    file = tmp_path / "scenario.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    return file


def test_strategies_lists_the_installed_package_with_its_key_and_default(installed):
    done = supportsim_cli("strategies", path=installed)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    heads = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert heads == sorted(set(strategies()) | {"vip_quota"})
    at = next(i for i, line in enumerate(lines) if line.startswith("vip_quota "))
    assert "(supportsim-vip-quota 0.1.0)" in lines[at]
    assert lines[at + 1].split("#")[0].strip() == "quota: 0.5"
    assert at + 2 == len(lines) or not lines[at + 2].startswith(" ")  # its one key, quota


def test_the_example_scenario_selects_the_plugin_and_runs_on_two_workers_like_on_one(installed, tmp_path):
    file = short_example(tmp_path)
    one = supportsim_cli("run", str(file), "--jobs", "1", "--quiet", "--out", str(tmp_path / "one"), path=installed)
    two = supportsim_cli("run", str(file), "--jobs", "2", "--quiet", "--out", str(tmp_path / "two"), path=installed)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    for name in ("summary.json", "tickets.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    resolved = yaml.safe_load((tmp_path / "two" / "scenario.resolved.yaml").read_text())
    assert resolved["policy"] == {"kind": "vip_quota", "quota": 0.5}


def test_the_plugin_runs_on_a_dask_cluster_whose_workers_load_it_themselves(installed, tmp_path):
    pytest.importorskip("distributed")
    data = yaml.safe_load(short_example(tmp_path, horizon="100h").read_text())
    for key in ("variants", "baseline"):
        data.pop(key)
    data["sweep"] = {"grid": {"policy.quota": [0.2, 1.0]}}
    file = tmp_path / "sweep.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    done = supportsim_cli("sweep", str(file), "--scheduler", "local", "--jobs", "2", "--quiet",
                          "--out", str(tmp_path / "sweep"), path=installed)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "sweep" / "points").glob("*.json"))) == 2


@pytest.mark.parametrize("change,message", [
    ("quota: 1.5", "policy.quota: must be <= 1, got 1.5"),
    ("quotaa: 0.5", "policy.quotaa: unknown key; did you mean 'quota'?"),
])
def test_the_plugin_settings_are_validated_with_line_and_key_path(installed, tmp_path, change, message):
    file = tmp_path / "bad.yaml"
    text = (EXAMPLE / "scenario.yaml").read_text().replace("quota: 0.5}\nsla", change + "}\nsla", 1)
    file.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("policy:"))
    done = supportsim_cli("validate", str(file), path=installed)
    assert done.returncode == 2
    assert done.stderr == f"error: {file}:{line}: {message}\n"


def test_a_mistyped_kind_lists_the_installed_kinds_too(installed, tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text((EXAMPLE / "scenario.yaml").read_text().replace("kind: vip_quota, quota: 0.5}\nsla",
                                                                     "kind: vip_qouta}\nsla", 1))
    done = supportsim_cli("validate", str(file), path=installed)
    assert done.returncode == 2
    assert f"policy.kind: unknown kind 'vip_qouta'; expected one of {', '.join(sorted({*strategies(), 'vip_quota'}))}" in done.stderr


def test_the_plugins_own_cross_checks_speak_through_validate(installed, tmp_path):
    data = yaml.safe_load((EXAMPLE / "scenario.yaml").read_text())
    data["segments"]["vip"]["vip"] = False
    file = tmp_path / "novip.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    done = supportsim_cli("validate", str(file), path=installed)
    assert done.returncode == 2
    assert "policy: vip_quota needs VIP tickets: mark a segment 'vip: true'" in done.stderr


def test_without_the_package_the_kind_is_unknown():
    done = supportsim_cli("validate", str(EXAMPLE / "scenario.yaml"))
    assert done.returncode == 2 and "unknown kind 'vip_quota'" in done.stderr and "Traceback" not in done.stderr


def test_a_broken_plugin_is_one_error_naming_it(tmp_path):
    info = tmp_path / "broken_desk-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-desk\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[supportsim.strategies]\nbroken = no_such_module:Broken\n")
    done = supportsim_cli("validate", str(EXAMPLE / "scenario.yaml"), path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: strategy plugin 'broken' (no_such_module:Broken, from broken-desk 1.0) "
                                  "cannot be loaded: ModuleNotFoundError")
    # a scenario naming only built-in strategies never needs the plugins, so it does not suffer from them
    assert supportsim_cli("validate", str(ROOT / "scenarios" / "small-desk.yaml"), path=tmp_path).returncode == 0


# ---- what vip_quota does, against truth ----------------------------------------------------------------------

@pytest.fixture
def vip_quota(installed, monkeypatch):
    """The example's strategy registered in this process for one test (register() is for in-process use)."""
    monkeypatch.syspath_prepend(str(installed))
    from supportsim_vip_quota import VipQuota

    monkeypatch.setitem(REGISTRY, "vip_quota", VipQuota)
    return VipQuota


def test_quota_one_is_the_priority_policy_ticket_by_ticket(vip_quota):
    # two priorities, escalation and shifts (pause and resume): every visit starts and ends at the same time
    data = yaml.safe_load((ROOT / "scenarios" / "office-hours-desk.yaml").read_text())
    data.pop("variants", None), data.pop("baseline", None), data.pop("checks", None)
    data["horizon"] = "400h"
    assert any(s.get("vip") for s in data["segments"].values())
    a = simulate_replication(load_scenario({**data, "policy": {"kind": "vip_quota", "quota": 1.0}}), 0)
    b = simulate_replication(load_scenario({**data, "policy": "priority"}), 0)
    assert a.pauses.any(), "the scenario should exercise shift ends during work"
    for column in ("started", "ended", "engineer"):
        assert np.array_equal(getattr(a, column), getattr(b, column), equal_nan=True), column
    # and a quota below 1 does change something, so the comparison above can fail
    c = simulate_replication(load_scenario({**data, "policy": {"kind": "vip_quota", "quota": 0.1}}), 0)
    assert not np.array_equal(a.started, c.started)


def test_quota_zero_is_non_preemptive_priority_for_non_vip_tickets(vip_quota):
    # quota 0: a VIP ticket goes first only when no other waits. That is Cobham's M/M/c with the classes swapped.
    vip_rate, standard_rate, staff = 2.0, 2.5, 5
    scenario = {
        "name": "quota0", "horizon": "4000h", "warmup": "50h", "seed": 5,
        "segments": {"vip": {"rate": f"{vip_rate}/h", "vip": True}, "standard": {"rate": f"{standard_rate}/h"}},
        "groups": {"desk": {"staff": staff, "work": {"dist": "exponential", "mean": "1h"}}},
        "policy": {"kind": "vip_quota", "quota": 0.0},
    }
    result = simulate(scenario, replications=20)
    standard_wait, vip_wait = priority_mean_waits([standard_rate, vip_rate], 1.0, staff)
    for segment, exact in (("vip", vip_wait), ("standard", standard_wait)):
        values = [f[("segments", segment, "reaction", "mean")] for f in result.figures["base"]]
        assert_matches(values, exact, f"{segment} wait")
