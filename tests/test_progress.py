"""Every long command shows one progress line on a terminal (replications done of all, elapsed, time left)
and nothing at all when stderr is not a terminal, with --quiet, or under CI."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest
import yaml

from cli_runner import ROOT, _env
from supportsim.progress import Progress

COMMANDS = {
    "run": ["run", "{file}", "--replications", "3", "--out", "{tmp}/run"],
    "compare": ["compare", "{file}", "--policy", "fifo,priority", "--replications", "2", "--out", "{tmp}/compare"],
    "sweep": ["sweep", "{file}", "--jobs", "1", "--out", "{tmp}/sweep"],
    "check": ["check", "{file}"],
    "baseline": ["baseline", "{file}", "--out", "{tmp}/baseline.json"],
}
TOTALS = {"run": 3, "compare": 4, "sweep": 4, "check": 3, "baseline": 3}


@pytest.fixture
def scenario(tmp_path):
    data = yaml.safe_load((ROOT / "scenarios" / "small-desk.yaml").read_text())
    data.update(horizon="300h", warmup="20h", replications=3, checks=["vip.reaction.mean <= 10h"],
                sweep={"grid": {"groups.L1.staff": [10, 11]}, "replications": 2})
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _run(args: list[str], on_terminal: bool, env: dict[str, str]) -> tuple[int, str, str]:
    """The command with stderr on a pseudo-terminal (or a pipe); (exit code, stdout, stderr)."""
    env = {**_env(), **env}
    command = [sys.executable, "-m", "supportsim", *args]
    if not on_terminal:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the command ended and closed its side
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    out = process.stdout.read()
    return process.wait(timeout=60), out, seen.decode()


def _no_ci() -> dict[str, str]:
    return {"CI": ""}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_long_command_shows_progress_on_a_terminal(command, scenario, tmp_path):
    args = [a.format(file=scenario, tmp=tmp_path) for a in COMMANDS[command]]
    code, out, err = _run(args, on_terminal=True, env=_no_ci())
    assert code == 0, err
    total = TOTALS[command]
    assert f"{total}/{total} replications" in err, err
    assert "elapsed" in err and "\r" in err
    assert "elapsed" not in out and "\r" not in out, "progress goes to stderr, never into what a command prints"


@pytest.mark.parametrize("how", ["not a terminal", "--quiet", "CI=true"])
@pytest.mark.parametrize("command", ["run", "sweep", "baseline"])
def test_no_progress_off_a_terminal_with_quiet_or_under_ci(command, how, scenario, tmp_path):
    args = [a.format(file=scenario, tmp=tmp_path) for a in COMMANDS[command]]
    args += ["--quiet"] if how == "--quiet" else []
    env = {"CI": "true"} if how == "CI=true" else _no_ci()
    code, out, err = _run(args, on_terminal=how != "not a terminal", env=env)
    assert code == 0, err
    assert "replications" not in err and "\r" not in err, err


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_line_says_done_of_all_elapsed_and_time_left(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = _Terminal()
    with Progress("run desk", stream=stream) as progress:
        for done in range(5):
            progress(done, 4)
        progress.started -= 30  # as if a replication took ten seconds: three more take about thirty
        progress(3, 9)
        progress.show(force=True)
    lines = stream.getvalue().split("\r")
    assert "run desk [" in lines[1] and "0/4 replications" in lines[1]
    assert "4/4 replications" in stream.getvalue()
    last = lines[-1]
    assert "3/9 replications" in last and "0:30 elapsed" in last and "1:00 left" in last
    assert stream.getvalue().endswith("\n")


def test_a_library_caller_gets_no_progress_unless_asked(capsys):
    quiet = Progress("run", stream=io.StringIO(), quiet=True)
    quiet(1, 2)
    quiet.close()
    assert quiet.stream.getvalue() == ""
