"""A results folder is always one whole run (docs/outputs.md): killed or interrupted at any point of the save
phase, a folder holds the whole old run or the whole new one and every reader agrees; files of an earlier run
go, a user's files stay; tampered folders are refused in one line; a failed run leaves no folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_runner import run_many
from supportsim.cli import main
from supportsim.manifest import MANIFEST, SAVE_POINTS
from supportsim.report import read_results
from supportsim.targets import FAULT_VARIABLE

RUN = """\
name: whole
horizon: 30h
warmup: 2h
replications: 2
segments: {vip: {share: 0.2, vip: true}, standard: {share: 0.8}}
arrivals: {rate: 4/h}
groups:
  L1: {staff: 3, work: {dist: exponential, mean: 30m}}
sla:
  vip: {reaction: 30m}
"""
SWEEP = RUN + "sweep:\n  grid:\n    groups.L1.staff: [3, 4]\n"
CASES = [(point, signal) for point in SAVE_POINTS for signal in ("KILL", "INT")]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file below ``folder`` (hidden ones too) and its bytes; report.html, which carries the time it was
    made, by name only."""
    return {p.relative_to(folder).as_posix(): None if p.name == "report.html" else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """An old run (a sweep) and a new one (a run) side by side, then a copy of the old one per case, which
    the run is saved over and killed in; then a reader (``supportsim report``) in each."""
    root = tmp_path_factory.mktemp("whole")
    (root / "run.yaml").write_text(RUN)
    (root / "sweep.yaml").write_text(SWEEP)
    setup = run_many([["sweep", root / "sweep.yaml", "--out", root / "old", "--jobs", "1", "--quiet"],
                      ["report", root / "old", "--quiet"],
                      ["run", root / "run.yaml", "--out", root / "new", "--quiet"]])
    assert [r.returncode for r in setup] == [0, 0, 0], [r.stderr for r in setup]
    folders = {}
    for point, signal in CASES:
        folders[point, signal] = root / f"{point}-{signal}"
        shutil.copytree(root / "old", folders[point, signal])
    kills = run_many([["run", root / "run.yaml", "--out", folders[case], "--quiet"] for case in CASES],
                     envs=[{FAULT_VARIABLE: point + (":INT" if signal == "INT" else "")} for point, signal in CASES])
    return root, folders, dict(zip(CASES, kills))


@pytest.mark.parametrize("point, signal", CASES)
def test_a_save_killed_at_any_point_leaves_one_whole_run(killed, point, signal, capsys):
    root, folders, kills = killed
    folder, kill = folders[point, signal], kills[point, signal]
    if signal == "KILL":
        assert kill.returncode == -9, kill.stderr
    else:
        assert kill.returncode == 130 and len(kill.stderr.splitlines()) == 1, kill.stderr
        assert "nothing was half-written" not in kill.stderr
        assert ("before the results were saved" if point == "staged" else "saved in full") in kill.stderr
    read = read_results(folder)  # a reader: finishes a save killed after its commit point, then checks the folder
    expected = "old" if point == "staged" else "new"   # the journal's commit point comes right after "staged"
    assert snapshot(folder) == snapshot(root / expected), f"not the whole {expected} run"
    if expected == "new":
        assert read.summary == json.loads((root / "new" / "summary.json").read_text()) and not read.sweep
    else:
        assert read.summary is None and read.sweep, "the old sweep, as it was"
        # and the sweep, resumed there, finds every point saved and writes the very same files
        assert main(["sweep", str(root / "sweep.yaml"), "--out", str(folder), "--jobs", "1"]) == 0
        assert "2 of 2 points were already saved" in capsys.readouterr().out
        old = snapshot(root / "old")
        assert snapshot(folder) == {k: v for k, v in old.items() if k not in ("report.html", MANIFEST)} | {
            MANIFEST: (folder / MANIFEST).read_bytes()}, "the same files (a report is for the next `report`)"
        assert json.loads((folder / MANIFEST).read_text())["files"] == json.loads(old[MANIFEST])["files"]


def test_stale_files_of_an_earlier_run_go_and_a_users_files_stay(tmp_path):
    (tmp_path / "run.yaml").write_text(RUN)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "points").mkdir()
    (out / "points" / "keep.json").write_text("{}")
    assert main(["sweep", str(tmp_path / "sweep.yaml"), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    assert (out / "sweep.csv").exists() and len(list((out / "points").glob("p*.json"))) == 2
    assert main(["run", str(tmp_path / "run.yaml"), "--out", str(out), "--quiet"]) == 0
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == {
        "notes.txt", "points/keep.json", "summary.json", "tickets.csv", "profiles.json", "scenario.resolved.yaml",
        "report.html", MANIFEST}, "the sweep's files are gone, the user's are not"
    assert 'id="sweep"' not in (out / "report.html").read_text(), "no Sweep section from an old sweep.csv"
    assert main(["sweep", str(tmp_path / "sweep.yaml"), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    assert not (out / "summary.json").exists() and not (out / "report.html").exists()
    assert (out / "notes.txt").read_text() == "mine" and (out / "points" / "keep.json").exists()


def test_running_in_the_current_folder_touches_nothing_else(tmp_path, monkeypatch):
    (tmp_path / "run.yaml").write_text(RUN)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "run.yaml", "--out", ".", "--quiet"]) == 0
    assert main(["run", "run.yaml", "--out", ".", "--quiet", "--seed", "5"]) == 0
    assert (tmp_path / "run.yaml").read_text() == RUN
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no hidden file left behind"


def one_error(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err


@pytest.fixture
def run_folder(tmp_path) -> Path:
    (tmp_path / "run.yaml").write_text(RUN)
    assert main(["run", str(tmp_path / "run.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    return tmp_path / "out"


@pytest.mark.parametrize("tamper, fragment", [
    (lambda out: (out / "tickets.csv").write_text("variant,replication\n"), "tickets.csv: changed since"),
    (lambda out: (out / "profiles.json").unlink(), "profiles.json: missing"),
    (lambda out: (out / MANIFEST).unlink(), "no manifest.json"),
    (lambda out: (out / MANIFEST).write_text("{"), "manifest.json: cannot read it"),
])
def test_readers_refuse_a_folder_that_is_not_one_whole_run(run_folder, capsys, tamper, fragment):
    tamper(run_folder)
    capsys.readouterr()
    assert main(["report", str(run_folder)]) == 2
    assert fragment in one_error(capsys)


def test_a_tampered_point_file_is_one_line(tmp_path, capsys):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    out = tmp_path / "out"
    argv = ["sweep", str(tmp_path / "sweep.yaml"), "--out", str(out), "--jobs", "1", "--quiet"]
    assert main(argv) == 0
    point = next((out / "points").glob("p*.json"))
    document = json.loads(point.read_text())
    document["figures"] = {"base": {"segments": 3}}   # the definition hash still matches
    point.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(argv) == 2
    assert "changed since supportsim wrote it" in one_error(capsys)
    (out / MANIFEST).unlink()   # as after an interrupted sweep: the point file alone is judged
    assert main(argv) == 2
    assert f"{point}: not a point file" in one_error(capsys)


def test_a_run_that_fails_while_simulating_leaves_no_folder(tmp_path, monkeypatch, capsys):
    import supportsim.api

    def crash(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(supportsim.api, "simulate", crash)
    (tmp_path / "run.yaml").write_text(RUN)
    assert main(["run", str(tmp_path / "run.yaml"), "--out", str(tmp_path / "a" / "b")]) == 130
    assert not (tmp_path / "a").exists()
    assert "before anything was saved" in capsys.readouterr().err


def test_an_interrupted_sweep_is_not_a_run_and_the_next_save_clears_it(tmp_path, monkeypatch, capsys):
    """While a sweep writes its points the folder holds no whole run; whatever is saved there next removes
    the earlier run's files and the sweep's points alike."""
    import supportsim.sweeps

    (tmp_path / "run.yaml").write_text(RUN)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "run.yaml"), "--out", str(out), "--quiet", "--seed", "7"]) == 0

    def stop(self, *_):  # whatever Progress.point_done takes
        raise KeyboardInterrupt
    with monkeypatch.context() as patch:
        patch.setattr(supportsim.sweeps.Progress, "point_done", stop)
        assert main(["sweep", str(tmp_path / "sweep.yaml"), "--out", str(out), "--jobs", "1", "--quiet"]) == 130
    assert "1 of 2 points are saved" in capsys.readouterr().err
    assert main(["report", str(out)]) == 2
    assert "a sweep was interrupted there" in one_error(capsys)
    assert main(["run", str(tmp_path / "run.yaml"), "--out", str(out), "--quiet"]) == 0
    assert {p.name for p in out.iterdir()} == {"summary.json", "tickets.csv", "profiles.json",
                                              "scenario.resolved.yaml", "report.html", MANIFEST}
    assert json.loads((out / "summary.json").read_text())["seed"] == 1
