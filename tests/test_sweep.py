"""Sweeps: the same numbers whatever runs them (1 or 2 processes, a Dask cluster), resumable after a kill,
saved atomically, and a tidy table that agrees with each point's own summary."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import supportsim
from supportsim.admit import load_plan
from supportsim.cli import main
from supportsim.extras import MissingDependency, require
from supportsim.progress import Progress
from supportsim.sweeps import run_sweep

SRC = str(Path(__file__).resolve().parents[1] / "src")

DESK = {
    "name": "sweep-desk", "horizon": "300h", "warmup": "20h", "seed": 11, "replications": 3,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "arrivals": {"rate": "6/h"},
    "groups": {"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "30m"}}},
    "policy": "fifo",
    "sla": {"vip": {"reaction": "15m"}},
    "variants": {"fifo": {}, "priority": {"policy": "priority"}},
    "sweep": {"grid": {"groups.L1.staff": [4, 5], "segments.vip.share": [0.1, 0.3]}},
}


def write(folder: Path, data: dict, name: str = "desk.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def pool_run(tmp_path_factory):
    """The sweep on a pool of two processes: the reference the other ways of running it must reproduce."""
    out = tmp_path_factory.mktemp("pool")
    plan = load_plan(DESK)
    run_sweep(plan, out, jobs=2).save(out)
    return plan, out


def test_one_and_two_processes_write_identical_files(pool_run, tmp_path):
    plan, pool_out = pool_run
    run_sweep(plan, tmp_path, jobs=1).save(tmp_path)
    assert files(tmp_path) == files(pool_out)
    assert {"sweep.csv", "sweep.parquet", "scenario.resolved.yaml"} <= set(files(tmp_path))
    assert len(list((tmp_path / "points").glob("*.json"))) == 4


def test_a_local_dask_cluster_of_two_workers_gives_the_same_files(pool_run, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (supportsim[dask])")
    plan, pool_out = pool_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        run_sweep(plan, tmp_path, scheduler=cluster.scheduler_address).save(tmp_path)
    assert files(tmp_path) == files(pool_out)


def test_the_tidy_table_has_a_row_per_figure_and_agrees_with_the_point_summaries(pool_run):
    plan, out = pool_run
    rows = list(csv.DictReader(io.StringIO((out / "sweep.csv").read_text())))
    assert list(rows[0]) == ["point", "groups.L1.staff", "segments.vip.share", "label", "variant", "scope", "name", "metric",
                             "statistic", "value", "ci95_low", "ci95_high"]
    assert {r["variant"] for r in rows} == {"fifo", "priority"} and {r["scope"] for r in rows} == {"segment", "tier", "group"}
    for point in plan.points:
        document = json.loads((out / "points" / f"{point.id}.json").read_text())
        assert document["parameters"] == point.params and document["definition"] == point.definition
        mine = [r for r in rows if r["point"] == point.id]
        assert {(r["groups.L1.staff"], r["segments.vip.share"]) for r in mine} == {
            (str(point.params["groups.L1.staff"]), str(point.params["segments.vip.share"]))}
        util = next(r for r in mine if r["variant"] == "priority" and r["name"] == "L1" and r["metric"] == "utilization")
        summary = document["summary"]["priority"]["groups"]["L1"]["utilization"]
        assert float(util["value"]) == summary["value"]
        assert [float(util["ci95_low"]), float(util["ci95_high"])] == summary["ci95"]
        assert len(document["figures"]["fifo"]["groups"]["L1"]["utilization"]) == plan.replications
    # every row of a figure with an interval brackets its estimate
    assert all(float(r["ci95_low"]) <= float(r["value"]) <= float(r["ci95_high"]) for r in rows if r["ci95_low"])


def test_the_python_api_returns_the_table_as_a_dataframe(pool_run, tmp_path):
    pandas = pytest.importorskip("pandas")
    plan, out = pool_run
    frame = supportsim.sweep(DESK, jobs=1)
    expected = pandas.read_csv(out / "sweep.csv", keep_default_na=False, na_values=[""])
    assert list(frame.columns) == list(expected.columns) and len(frame) == len(expected)
    pandas.testing.assert_frame_equal(frame[["value", "ci95_low", "ci95_high"]].astype(float),
                                      expected[["value", "ci95_low", "ci95_high"]], check_exact=True)
    assert (frame["groups.L1.staff"] == expected["groups.L1.staff"]).all()


def test_a_grid_given_to_the_api_overrides_the_scenarios(tmp_path):
    pytest.importorskip("pandas")
    frame = supportsim.sweep(DESK, grid={"groups.L1.staff": [6]}, replications=2, jobs=1)
    assert set(frame["groups.L1.staff"]) == {6} and "segments.vip.share" not in frame.columns


def _slow_desk() -> dict:
    return {**DESK, "horizon": "1000h", "replications": 2, "variants": {},
            "sweep": {"grid": {"groups.L1.staff": [4, 5, 6, 7, 8, 9], "arrivals.rate": ["5/h", "6/h"]}}}


@pytest.fixture(scope="module")
def whole_slow_sweep(tmp_path_factory):
    whole = tmp_path_factory.mktemp("whole")
    run_sweep(load_plan(_slow_desk()), whole, jobs=2).save(whole)
    return whole


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


@pytest.mark.parametrize("how, jobs", [("ctrl-c", 2), ("kill", 1), ("worker", 2)])
def test_a_sweep_stopped_midway_resumes_to_the_same_files(tmp_path, capsys, whole_slow_sweep, how, jobs):
    """Ctrl-C (SIGINT), the sweep killed (SIGKILL), or one of its worker processes killed."""
    scenario = write(tmp_path, _slow_desk())
    broken = tmp_path / "broken"
    env = {**os.environ, "PYTHONPATH": SRC, "CI": "true"}
    run = subprocess.Popen([sys.executable, "-m", "supportsim", "sweep", str(scenario), "--out", str(broken),
                            "--jobs", str(jobs)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((broken / "points").glob("p*.json"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert run.poll() is None, "the sweep finished before it could be interrupted"
        if how == "worker":
            os.kill(_children(run.pid)[0], signal.SIGKILL)
        else:
            run.send_signal(signal.SIGINT if how == "ctrl-c" else signal.SIGKILL)
        _, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    saved = len(list((broken / "points").glob("p*.json")))
    assert 3 <= saved < 12
    if how == "ctrl-c":
        assert run.returncode == 130
        assert err.strip().splitlines() == [f"interrupted: {saved} of 12 points are saved in {broken}; "
                                            "run the same command again to resume"]
    if how == "worker":
        assert run.returncode == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: a worker process died")
        assert lines[0].endswith(f"; {saved} of 12 points are saved in {broken}; run again to resume")
    if how != "kill":
        assert not list(broken.rglob(".*.tmp")), "a half-written file was left behind"
    assert not (broken / "sweep.csv").exists()
    for point in (broken / "points").glob("p*.json"):
        json.loads(point.read_text())  # every saved point is whole
    assert main(["sweep", str(scenario), "--out", str(broken), "--jobs", "2"]) == 0
    assert f"{saved} of 12 points were already saved" in capsys.readouterr().out
    assert files(broken) == files(whole_slow_sweep)


def test_a_changed_scenario_recomputes_the_points_it_changed(tmp_path):
    data = {**DESK, "variants": {}, "sweep": {"grid": {"groups.L1.staff": [4, 5]}, "replications": 2}}
    out = tmp_path / "out"
    run_sweep(load_plan(data), out).save(out)
    changed = {**data, "groups": {"L1": {**DESK["groups"]["L1"], "work": {"dist": "exponential", "mean": "35m"}}}}
    result = run_sweep(load_plan(changed), out)
    result.save(out)
    assert result.resumed == 0
    fresh = tmp_path / "fresh"
    run_sweep(load_plan(changed), fresh).save(fresh)
    assert files(out) == files(fresh)


def test_bad_grid_paths_exit_2_with_one_line_naming_file_line_and_key(tmp_path, capsys):
    bad = {**DESK, "sweep": {"grid": {"groups.L1.staf": [4]}}}
    assert main(["sweep", str(write(tmp_path, bad)), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and f"{tmp_path / 'desk.yaml'}:" in lines[0]
    assert "sweep.grid.groups.L1.staf: 4 gives groups.L1.staf: unknown key; did you mean 'staff'?" in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_missing_optional_package_says_which_extra_to_install():
    with pytest.raises(MissingDependency, match=r"--scheduler needs the optional package 'no_such_package': "
                                                r"pip install 'supportsim\[dask\]'"):
        require("no_such_package.distributed", "dask", "--scheduler")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_shows_on_a_terminal_only_and_never_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    quiet = io.StringIO()
    bar = Progress("sweep", 4, stream=quiet)
    bar(2, 8)
    bar.point_done()
    assert quiet.getvalue() == ""
    terminal = _Terminal()
    bar = Progress("sweep", 4, points_done=1, stream=terminal)
    bar(2, 8)
    bar.point_done()
    bar.close()
    assert "2/4 points" in terminal.getvalue() and "2/8 replications" in terminal.getvalue()
    assert "left" in terminal.getvalue()
    monkeypatch.setenv("CI", "true")
    ci = _Terminal()
    bar = Progress("sweep", 4, stream=ci)
    bar(2, 8)
    bar.point_done()
    assert ci.getvalue() == ""
