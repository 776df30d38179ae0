"""The report's workforce section shows summary.json's workforce figures, read back from the HTML."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from cli_runner import run_cli


def test_every_run_report_shows_engineer_hours_headcount_and_cost_per_variant(tmp_path: Any) -> None:
    data = {"name": "paid", "horizon": "200h", "warmup": "10h", "replications": 2, "seed": 1,
            "segments": {"std": {"share": 1}}, "arrivals": {"rate": "4/h"}, "policy": "fifo",
            "calendars": {"day": {"hours": "09:00-17:00", "days": "mon-fri"}},
            "groups": {"L1": {"staff": [{"count": 5}, {"count": 2, "calendar": "day", "cost": 30}], "cost": 20,
                              "shrinkage": 0.2, "work": {"dist": "exponential", "mean": "1h"}}},
            "variants": {"fifo": {}, "more": {"groups": {"L1": {"staff": [{"count": 6}]}}}}}
    path = tmp_path / "paid.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", path, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text()
    section = re.search(r'<section id="workforce">(.*?)</section>', page, re.DOTALL)
    assert section is not None
    shown = {(v, g): {k: float(x) for k, x in re.findall(r'data-key="(\w+)" data-value="([^"]+)"', cells)}
             for v, g, cells in re.findall(r"<tr[^>]*><td>([^<]+)</td><td>([^<]+)</td>(.*?)</tr>", section.group(1))}
    assert shown[("fifo", "L1")] == {"engineers": 7, "engineer_hours_per_week": 5 * 168 + 2 * 40,
                                     "headcount": pytest.approx(7 / 0.8), "cost_per_week": 20 * 5 * 168 + 30 * 2 * 40}
    assert shown[("more", "L1")]["cost_per_week"] == 20 * 6 * 168 and shown[("more", "all")]["engineers"] == 6
    summary = json.loads((out / "summary.json").read_text())
    for (variant, group), numbers in shown.items():
        assert numbers == pytest.approx(summary["variants"][variant]["workforce"][group])


def test_the_staffing_report_shows_the_recommendation_and_each_constraints_curve(tmp_path: Any) -> None:
    import csv

    from supportsim.report import build_report
    from test_staffing import one_group

    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(one_group(9.0, 1.0, 0.25, 0.80)), encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("staff", path, "--jobs", "2", "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    page = (out / "staffing.html").read_text()
    assert build_report(out) == page  # `supportsim report` on the folder gives the same page
    recommendation = re.search(r'<tr data-variant="base" data-engineers="(\d+)"><td>base</td><td>([^<]+)</td>', page)
    assert recommendation is not None and recommendation.groups() == ("12", "L1 12")  # Erlang C (test_staffing)
    assert 'id="curve base sla.std.reaction"' in page and 'id="bound base sla.std.reaction"' in page
    plotted = [(int(n), float(v), float(lo), float(hi), float(b)) for n, v, lo, hi, b in re.findall(
        r'<tr data-constraint="sla.std.reaction" data-engineers="(\d+)" data-value="([^"]*)" data-low="([^"]*)" '
        r'data-high="([^"]*)" data-bound="([^"]*)">', page)]
    rows = [r for r in csv.DictReader((out / "staffing.csv").open())]
    assert plotted == sorted((int(r["engineers"]), float(r["value"]), float(r["ci95_low"]), float(r["ci95_high"]),
                              float(r["bound"])) for r in rows)
    engineers = [p[0] for p in plotted]
    assert 11 in engineers and 12 in engineers and all(p[4] == 0.8 for p in plotted)
    at = {p[0]: p for p in plotted}
    assert at[12][2] >= 0.8 > at[11][2]  # the answer's interval clears the bound, one fewer does not
