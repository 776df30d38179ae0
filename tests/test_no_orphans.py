"""`kill -9` of a command running on several processes leaves none of them alive: the workers of a process pool
and of a local Dask cluster end with their parent (supportsim.lifeline). Checked by process group; every wait
has a deadline, and whatever is left is killed at the end, so the test never hangs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_runner import _env

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

LONG = """\
name: long
horizon: 170000h   # under the 20-year bound, still minutes of work
replications: 2
segments: {everyone: {share: 1}}
arrivals: {rate: 8/h}
groups:
  L1: {staff: 6, work: {dist: exponential, mean: 30m}}
sweep:
  grid:
    groups.L1.staff: [6, 7]
"""
BEYOND_LIMIT = ["--max-tickets", "100000000"]  # long on purpose: above the default size limit


def alive_in_group(group: int) -> list[int]:
    """Processes of the group that are not zombies (a zombie has ended; only its exit status is left)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state != "Z":
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def dask_missing() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return True
    return False


@pytest.mark.parametrize("argv, processes", [
    (["run", "long.yaml", "--jobs", "2", "--replications", "2", *BEYOND_LIMIT], 3),
    (["sweep", "long.yaml", "--jobs", "2", "--replications", "1", *BEYOND_LIMIT], 3),
    pytest.param(["sweep", "long.yaml", "--jobs", "2", "--replications", "1", "--scheduler", "local", *BEYOND_LIMIT], 4,
                 marks=pytest.mark.skipif(dask_missing(), reason="needs supportsim[dask]")),
], ids=["run", "sweep", "sweep-dask"])
def test_kill_9_leaves_no_process_alive(tmp_path, argv, processes):
    (tmp_path / "long.yaml").write_text(LONG)
    command = subprocess.Popen([sys.executable, "-m", "supportsim", *argv, "--out", str(tmp_path / "out")],
                               cwd=tmp_path, env=_env(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    group = command.pid  # its own session and process group
    try:
        started = wait_for(lambda: len(alive_in_group(group)) >= processes or command.poll() is not None, 90)
        assert started and command.poll() is None, "the workers never started"
        time.sleep(1.0)  # let the workers take their tasks
        os.kill(command.pid, signal.SIGKILL)
        command.wait(timeout=10)
        assert wait_for(lambda: not alive_in_group(group), 20), \
            f"still alive after kill -9 of their parent: {alive_in_group(group)}"
    finally:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        command.wait(timeout=10)
