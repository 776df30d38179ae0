"""Sweeps people can read (issue 14): key paths into lists, readable sweep.csv values with a label, the printed
table of swept values against headline figures, and the report's sweep figure drawn per policy against staff
with each target's required share."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest
import yaml

from supportsim.cli import main
from supportsim.grid import short_names
from supportsim.sweeps import readable

DESK = {
    "name": "two-policies",
    "seed": 3,
    "horizon": "300h",
    "warmup": "10h",
    "replications": 3,
    "arrivals": {"rate": "9/h"},
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "groups": {"L1": {"staff": [{"count": 2}], "work": {"dist": "exponential", "mean": "10m"}}},
    "entry": "L1",
    "sla": {"vip": {"reaction": {"within": "15m", "attain": "90%"}},
            "standard": {"reaction": {"within": "1h", "attain": "90%"}}},
    "sweep": {"grid": {"groups.L1.staff.0.count": [2, 3], "policy.kind": ["fifo", "priority"]}},
}


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("sweep")
    scenario = folder / "desk.yaml"
    scenario.write_text(yaml.safe_dump(DESK, sort_keys=False))
    out = folder / "out"
    import contextlib
    import io
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["sweep", str(scenario), "--out", str(out), "--jobs", "1"]) == 0
        assert main(["report", str(out)]) == 0
    return out, printed.getvalue()


def rows(out: Path) -> list[dict[str, str]]:
    with (out / "sweep.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_key_path_into_a_list_is_swept_and_sweep_csv_names_points_readably(swept):
    out, _ = swept
    table = rows(out)
    assert {(r["groups.L1.staff.0.count"], r["policy.kind"]) for r in table} == \
        {("2", "fifo"), ("2", "priority"), ("3", "fifo"), ("3", "priority")}
    assert {r["label"] for r in table} == {f"staff.0.count={n}, kind={k}" for n in (2, 3)
                                           for k in ("fifo", "priority")}
    # more staff serve the standard tickets faster under either policy: the swept value reached the engine
    waits = {(r["groups.L1.staff.0.count"], r["policy.kind"]): float(r["value"]) for r in table
             if (r["scope"], r["name"], r["metric"], r["statistic"]) == ("segment", "standard", "reaction", "mean")}
    for kind in ("fifo", "priority"):
        assert waits[("3", kind)] < waits[("2", kind)] / 2


def test_values_are_written_as_in_a_scenario_file_never_as_python_reprs():
    assert readable([{"count": 8, "calendar": "office"}]) == "[{count: 8, calendar: office}]"
    assert readable(True) == "true" and readable(0.1) == "0.1" and readable("15m") == "15m"
    assert short_names(["groups.L1.staff", "groups.L2.staff", "policy.kind"]) == \
        {"groups.L1.staff": "L1.staff", "groups.L2.staff": "L2.staff", "policy.kind": "kind"}


def test_an_index_beyond_the_list_is_refused_in_one_line(tmp_path, capsys):
    data = {**DESK, "sweep": {"grid": {"groups.L1.staff.4.count": [2, 3]}}}
    scenario = tmp_path / "desk.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["sweep", str(scenario), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "sweep.grid.groups.L1.staff.4.count: groups.L1.staff is a list of 1" in err
    assert not (tmp_path / "out").exists()


def test_the_sweep_prints_swept_values_against_headline_figures_in_120_columns(swept):
    out, printed = swept
    table = [line for line in printed.splitlines() if line.startswith(("staff.0.count", "2 ", "3 "))]
    assert len(table) == 5 and all(len(line) <= 120 for line in table)
    header = table[0].split()
    assert header[:2] == ["staff.0.count", "kind"] and "vip" in table[0] and "reaction" in table[0]
    csv_rows = rows(out)
    for line in table[1:]:
        staff, kind, first = line.split()[:3]
        expected = next(float(r["value"]) for r in csv_rows
                        if (r["groups.L1.staff.0.count"], r["policy.kind"]) == (staff, kind)
                        and (r["scope"], r["name"], r["metric"]) == ("segment", "vip", "sla")
                        and r["statistic"] == "reaction_met")
        assert first == f"{expected:.1%}"


def plotted(out: Path) -> list[dict]:
    page = (out / "report.html").read_text()
    found = re.search(r'<figure id="sweep-figure" data-plotted="([^"]*)">', page)
    assert found, "the report's sweep figure carries no plotted data"
    return json.loads(html.unescape(found.group(1)))


def test_the_report_draws_one_line_per_policy_against_staff_with_the_targets(swept):
    out, _ = swept
    panels = plotted(out)
    targets = [p for p in panels if p["panel"].startswith(("vip reaction within 15m", "standard reaction within 1h"))]
    assert len(targets) == 2
    for panel in targets:
        assert panel["x_parameter"] == "groups.L1.staff.0.count" and panel["target"] == pytest.approx(90)
        assert set(panel["lines"]) == {"fifo", "priority"}
        segment = panel["panel"].split()[0]
        for kind, line in panel["lines"].items():
            assert line["x"] == ["2", "3"]
            expected = [float(r["value"]) * 100 for staff in ("2", "3") for r in rows(out)
                        if (r["groups.L1.staff.0.count"], r["policy.kind"]) == (staff, kind)
                        and (r["scope"], r["name"], r["metric"], r["statistic"])
                        == ("segment", segment, "sla", "reaction_met")]
            assert line["value"] == pytest.approx(expected)
            assert all(lo <= v <= hi for lo, v, hi in zip(line["low"], line["value"], line["high"]))
