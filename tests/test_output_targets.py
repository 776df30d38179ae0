"""Output goes to regular files and folders only: devices, pipes, links to a process's open files, folders given
for files and files given for folders are refused in one line with exit code 2 (never 1 for `check`, which CI
reads as "checks failed"), and nothing is replaced; a link to a regular file is written through."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from supportsim.cli import main

SCENARIO = """\
name: targets
horizon: 20h
warmup: 2h
replications: 2
segments: {everyone: {share: 1}}
arrivals: {rate: 3/h}
groups:
  L1: {staff: 2, work: {dist: exponential, mean: 30m}}
checks:
  - groups.L1.utilization <= 0.99
sweep:
  grid:
    groups.L1.staff: [2, 3]
"""


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("targets")
    (root / "s.yaml").write_text(SCENARIO)
    (root / "a-file").write_text("keep me")
    os.mkfifo(root / "a-pipe")
    (root / "to-null").symlink_to("/dev/null")
    (root / "to-nowhere").symlink_to(root / "missing" / "deeper")
    assert main(["run", str(root / "s.yaml"), "--out", str(root / "results"), "--quiet"]) == 0
    return root


def kinds() -> dict[str, int]:
    return {p: os.lstat(p).st_mode for p in ("/dev/null", "/dev/full", "/dev/stdout")}


CASES = {
    "report to /dev/stdout": (["report", "{results}", "--out", "/dev/stdout"], "--out /dev/stdout: is"),
    "report to /dev/full": (["report", "{results}", "--out", "/dev/full"], "is a character device"),
    "report to a pipe": (["report", "{results}", "--out", "{root}/a-pipe"], "is a pipe"),
    "report to a folder": (["report", "{results}", "--out", "{root}"], "is a folder"),
    "report under a file": (["report", "{results}", "--out", "{root}/a-file/r.html"], "a-file is not a folder"),
    "report to a link to a device": (["report", "{results}", "--out", "{root}/to-null"], "a character device (a link to /dev/null)"),
    "run into a file": (["run", "{root}/s.yaml", "--out", "{root}/a-file"], "exists and is not a folder"),
    "run into a pipe": (["run", "{root}/s.yaml", "--out", "{root}/a-pipe"], "is not a folder (it is a pipe)"),
    "run under a file": (["run", "{root}/s.yaml", "--out", "{root}/a-file/out"], "a-file is not a folder"),
    "run into a link to nowhere": (["run", "{root}/s.yaml", "--out", "{root}/to-nowhere"], "is a link to nowhere"),
    "run where no folder can be made": (["run", "{root}/s.yaml", "--out", "/proc/supportsim/out"], "cannot create the folder"),
    "compare into a device": (["compare", "{root}/s.yaml", "--policy", "fifo,priority", "--out", "/dev/null"], "is not a folder"),
    "sweep into a file": (["sweep", "{root}/s.yaml", "--out", "{root}/a-file", "--jobs", "1"], "exists and is not a folder"),
    "baseline to /dev/full": (["baseline", "{root}/s.yaml", "--out", "/dev/full"], "is a character device"),
    "baseline to a folder": (["baseline", "{root}/s.yaml", "--out", "{root}"], "is a folder"),
    "check --junit to /dev/full": (["check", "{root}/s.yaml", "--junit", "/dev/full"], "--junit /dev/full: is a character device"),
    "check --junit to a folder": (["check", "{root}/s.yaml", "--junit", "{root}"], "is a folder"),
    "check --junit to a pipe": (["check", "{root}/s.yaml", "--junit", "{root}/a-pipe"], "is a pipe"),
    "check --junit that cannot be written": (["check", "{root}/s.yaml", "--junit", "/proc/supportsim/j.xml"], "/proc/supportsim"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_target_is_one_line_and_exit_2(place, case, capsys):
    argv, fragment = CASES[case]
    before = kinds()
    capsys.readouterr()
    code = main([a.format(root=place, results=place / "results") for a in argv])
    err = capsys.readouterr().err
    assert code == 2, f"exit {code}: {err}"
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    assert fragment in err
    assert kinds() == before, "a device or link was replaced"
    assert (place / "a-file").read_text() == "keep me" and stat.S_ISFIFO(os.stat(place / "a-pipe").st_mode)
    assert not (place / "missing").exists()


def test_a_link_to_a_file_is_written_through(place, tmp_path):
    (tmp_path / "link.html").symlink_to(tmp_path / "real.html")
    assert main(["report", str(place / "results"), "--out", str(tmp_path / "link.html"), "--quiet"]) == 0
    assert (tmp_path / "link.html").is_symlink() and (tmp_path / "real.html").read_text().startswith("<!DOCTYPE html>")
    assert main(["check", str(place / "s.yaml"), "--junit", str(tmp_path / "link.html")]) in (0, 1)  # judged
    assert (tmp_path / "link.html").is_symlink() and "<testsuite" in (tmp_path / "real.html").read_text()
