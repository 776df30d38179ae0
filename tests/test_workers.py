"""One way to run work: tasks submitted as earlier ones finish, results in task order, records or figures,
and Ctrl-C stopping `run --jobs` as it stops sweeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from supportsim import load_scenario
from supportsim.workers import Workers, run_in_order

ROOT = Path(__file__).resolve().parents[1]
DESK = {
    "name": "w", "horizon": "300h", "seed": 9,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "arrivals": {"rate": "4/h"},
    "groups": {"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "1h"}}},
    "policy": "priority",
}


def test_tasks_submitted_while_others_finish_give_what_the_same_tasks_give_in_one_batch():
    scenario = load_scenario(DESK)
    tasks = [(scenario, r, 9) for r in range(6)]
    batch = run_in_order(tasks, jobs=1)
    with Workers(jobs=2) as workers:
        for task in tasks[:2]:
            workers.submit(task)
        submitted, got = 2, {}
        for number, figures in workers.finished():
            got[number] = figures
            if submitted < len(tasks):  # one more for each that finishes, as a search would
                assert workers.submit(tasks[submitted]) == submitted
                submitted += 1
    assert sorted(got) == list(range(len(tasks)))
    assert [got[i] for i in range(len(tasks))] == batch


def test_records_and_figures_both_travel_and_do_not_depend_on_the_workers():
    scenario = load_scenario(DESK)
    tasks = [(scenario, r, 9) for r in range(3)]
    one, two = run_in_order(tasks, 1, keep="records"), run_in_order(tasks, 2, keep="records")
    for a, b in zip(one, two):
        assert a.replication == b.replication
        assert np.array_equal(a.ended, b.ended) and np.array_equal(a.started, b.started)
    assert len({len(r.tickets) for r in one}) > 1, "three different replications"


def test_ctrl_c_stops_run_with_two_jobs_at_once_and_writes_nothing(tmp_path):
    data = {**DESK, "horizon": "20000h", "replications": 8}
    file = tmp_path / "long.yaml"
    file.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.Popen([sys.executable, "-m", "supportsim", "run", str(file), "--jobs", "2", "--out", str(out)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        children: list[int] = []
        while len(children) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
            children = [int(c) for task in Path(f"/proc/{run.pid}/task").iterdir()
                        for c in (task / "children").read_text().split()]
        assert run.poll() is None and len(children) >= 2, "the workers should be at work"
        time.sleep(0.5)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 130
    assert err.strip().splitlines() == ["interrupted before anything was saved; files already there are as they were"]
    assert not (out / "summary.json").exists() and not list(out.glob(".*.tmp"))
    time.sleep(0.5)
    assert not [c for c in children if Path(f"/proc/{c}").exists() and
                "Z" not in Path(f"/proc/{c}/stat").read_text().split()[2]], "worker processes were left running"
