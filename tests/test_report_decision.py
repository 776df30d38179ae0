"""The report's first screen is the decision (issue 14): per variant, whether it meets every target with
attain, with intervals, ranked by targets met then by the cost to the others; better or worse than the
baseline only when the intervals say so."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from supportsim.cli import main
from supportsim.report.decision import compared

DESK = {
    "name": "decide",
    "seed": 7,
    "horizon": "400h",
    "warmup": "10h",
    "replications": 4,
    "arrivals": {"rate": "9/h"},
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "groups": {"L1": {"staff": 2, "work": {"dist": "exponential", "mean": "10m"}}},
    "entry": "L1",
    "sla": {"vip": {"reaction": {"within": "15m", "attain": "85%"}},
            "standard": {"reaction": {"within": "1h", "attain": "80%"}}},
    "variants": {"fifo": {"policy": "fifo"}, "priority": {"policy": "priority"}},
    "baseline": "fifo",
}


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> tuple[str, dict]:
    folder = tmp_path_factory.mktemp("decide")
    scenario = folder / "desk.yaml"
    scenario.write_text(yaml.safe_dump(DESK, sort_keys=False))
    assert main(["run", str(scenario), "--out", str(folder / "out"), "--jobs", "1", "--quiet"]) == 0
    return (folder / "out" / "report.html").read_text(), json.loads((folder / "out" / "summary.json").read_text())


def test_the_decision_is_the_first_section_and_ranks_by_targets_met(decided):
    page, summary = decided
    sections = re.findall(r'<section id="([a-z-]+)"', page)
    assert sections[0] == "decision" or sections[:2] == ["warnings", "decision"]
    table = page[page.index('<section id="decision"'):page.index("</section>", page.index('<section id="decision"'))]
    order = re.findall(r'<th scope="row">([^<]+)</th>', table)
    met = {v: sum(t["verdict"] == "met" for t in f["targets"].values()) for v, f in summary["variants"].items()}
    assert sorted(order) == ["fifo", "priority"]
    assert [met[v] for v in order] == sorted(met.values(), reverse=True)
    assert met["priority"] == 2 and met["fifo"] < 2   # the VIP target is missed first come, first served
    rows = dict(zip(order, table.split('<th scope="row">')[1:]))
    assert "meets every target" in rows["priority"] and "meets every target" not in rows["fifo"]
    for t in summary["variants"]["priority"]["targets"].values():
        low, high = t["attainment"]["ci95"]
        assert f"[{100 * low:.1f}–{100 * high:.1f}]" in rows["priority"]


def test_better_or_worse_only_where_the_intervals_do_not_overlap(decided):
    page, summary = decided
    table = page[page.index('<section id="decision"'):]
    row = table.split('<th scope="row">priority</th>')[1].split("</tr>")[0]
    classes = re.findall(r'<td class="status [a-z]* (better|worse|same)">', row)
    expected = [compared(t["attainment"], summary["variants"]["fifo"]["targets"][path]["attainment"])
                for path, t in summary["variants"]["priority"]["targets"].items()]
    assert classes == expected and "better" in classes   # VIP reaction: priority is clearly better
    assert compared({"value": 0.5, "ci95": [0.4, 0.6]}, {"value": 0.55, "ci95": [0.45, 0.65]}) == "same"
    assert compared({"value": 0.9, "ci95": [0.85, 0.95]}, {"value": 0.5, "ci95": [0.4, 0.6]}) == "better"
    assert compared({"value": 0.5, "ci95": [0.4, 0.6]}, {"value": 0.9, "ci95": [0.85, 0.95]}) == "worse"


def test_cost_to_the_others_is_attainment_given_up_where_the_intervals_say_so(decided):
    page, summary = decided
    table = page[page.index('<section id="decision"'):]
    row = table.split('<th scope="row">priority</th>')[1].split("</tr>")[0]
    cost = float(re.search(r"<td>([0-9.]+) pp</td>", row).group(1))
    mine, theirs = summary["variants"]["priority"]["targets"], summary["variants"]["fifo"]["targets"]
    expected = sum(100 * (theirs[p]["attainment"]["value"] - t["attainment"]["value"]) for p, t in mine.items()
                   if compared(t["attainment"], theirs[p]["attainment"]) == "worse")
    assert cost == pytest.approx(expected, abs=0.05)
