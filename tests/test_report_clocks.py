"""Each target on its own clock in the report (issue 14): the software vendor's desk, whose standard reaction
target is 4 office hours and VIP resolution 8 office hours, rendered in headless Chromium. The plotted CDF of a
target, pooled over replications, crosses the target line at the pooled attainment computed from tickets.csv
on that target's clock; every business-clock panel names its calendar."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from supportsim.cli import main
from supportsim.report.data import CDF_LEVELS
from test_report import assert_not_blank, rendered

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def vendor(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("vendor")
    data = yaml.safe_load((ROOT / "scenarios" / "software-vendor.yaml").read_text())
    data.update({"horizon": "6w", "warmup": "2w", "replications": 3})  # past the New Year holidays
    data.pop("variants", None)  # one variant: its figures are summary.json's "base"
    # without follow-the-sun (skills, the New York first line), nobody is on duty in the New Year week
    data.pop("skills", None)
    data["groups"]["L1"]["staff"] = [{"count": 7, "calendar": "office"}]
    data["groups"]["L2"]["staff"] = [{"count": 8, "calendar": "office"}]
    scenario = folder / "vendor.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["run", str(scenario), "--out", str(folder / "out"), "--jobs", "1", "--quiet"]) == 0
    return folder / "out"


def plotted(page: str, anchor: str) -> list[dict]:
    found = re.search(rf'<figure id="{anchor}-figure" data-plotted="([^"]*)">', page)
    assert found, f"the {anchor} figure carries no plotted data"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("segment, measure, clock", [("standard", "reaction", "office"),
                                                     ("vip", "reaction", None), ("vip", "resolution", "office")])
def test_a_targets_cdf_crosses_its_line_at_the_pooled_attainment_on_its_clock(vendor, tmp_path, segment, measure,
                                                                              clock):
    page = (vendor / "report.html").read_text()
    panel = next(p for p in plotted(page, "distributions") if (p["segment"], p["measure"]) == (segment, measure))
    assert panel["clock"] == clock
    with (vendor / "tickets.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["segment"] == segment]
    pooled = np.mean([int(r[f"{measure}_sla_met"]) for r in rows])   # over every replication's tickets
    on_clock = np.array([float(r[f"{measure}_business"]) for r in rows])
    assert pooled == pytest.approx(np.mean(on_clock <= panel["target"]), abs=1 / len(rows))
    curve = panel["curves"]["base"]
    hours, share = np.array(curve["hours"]), np.array(curve["share"])
    crossing = share[np.searchsorted(hours, panel["target"], side="right") - 1]  # the step drawn at the line
    spacing = float(CDF_LEVELS[1] - CDF_LEVELS[0])
    assert abs(crossing - pooled) <= spacing + 1 / len(rows), (crossing, pooled)
    assert 0.3 < pooled < 0.999, "the line must cut the curve for the test to say anything"


def test_business_clock_panels_name_their_calendar_and_the_page_renders(vendor, tmp_path):
    page = (vendor / "report.html").read_text()
    assert "standard: reaction time on the office calendar" in page
    assert "vip (VIP): resolution time on the office calendar" in page
    assert "vip (VIP): reaction time on" not in page   # around the clock: no calendar to name
    assert_not_blank(rendered(vendor / "report.html", tmp_path))


def test_the_report_has_sla_attainment_by_calendar_week_with_dates(vendor):
    page = (vendor / "report.html").read_text()
    summary = json.loads((vendor / "summary.json").read_text())
    weeks = summary["variants"]["base"]["weeks"]
    section = page[page.index('<section id="weeks">'):]
    section = section[:section.index("</section>")]
    for name, week in weeks.items():
        assert f"{week['from']} – {week['to']}" in section and name in section
        value = week["targets"]["sla.vip.reaction"]["value"]
        assert f"{100 * value:.1f}%" in section
    # a week wholly under the share the target must attain is marked (the New Year week: nobody on duty)
    first = section.split('<th scope="row">')[1]
    assert weeks[next(iter(weeks))]["targets"]["sla.standard.reaction"]["ci95"][1] < 0.9
    assert first.count('class="status fail"') >= 1


def test_the_backlog_over_time_is_drawn_against_dates(vendor):
    page = (vendor / "report.html").read_text()
    section = page[page.index('<section id="backlog">'):]
    section = section[:section.index("</section>")]
    assert "date (from Mon 28 Dec 2026, Europe/Moscow)" in section
    assert "28 Dec 2026" in section and "2027" in section and "simulated time" not in section
