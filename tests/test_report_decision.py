"""The report's first screen is the decision (issue 14): per variant, whether it meets every target with
attain (and every checks: line, judged from the run as `supportsim check` judges them), with intervals, ranked
by targets met then by the cost to the others; better or worse than the baseline only when the paired
per-replication differences say so (the two intervals where there are no pairs)."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import math
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from scipy import stats

from supportsim.cli import main
from supportsim.report.data import Results
from supportsim.report.decision import change, compared

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
    # first come, first served: the mean wait of M/M/2 at 75% load is 12.9m, twice 6m; priority keeps VIP near 4m
    "checks": ["vip.reaction.mean <= 6m", "groups.L1.utilization <= 0.9"],
}


@pytest.fixture(scope="module")
def ran_desk(tmp_path_factory) -> tuple[str, dict, Path]:
    folder = tmp_path_factory.mktemp("decide")
    scenario = folder / "desk.yaml"
    scenario.write_text(yaml.safe_dump(DESK, sort_keys=False))
    assert main(["run", str(scenario), "--out", str(folder / "out"), "--jobs", "1", "--quiet"]) == 0
    return ((folder / "out" / "report.html").read_text(), json.loads((folder / "out" / "summary.json").read_text()),
            folder)


@pytest.fixture(scope="module")
def decided(ran_desk) -> tuple[str, dict]:
    return ran_desk[0], ran_desk[1]


def paired(folder: Path, segment: str, variant: str, base: str = "fifo") -> tuple[float, float, float]:
    """The mean difference (pp) of the share of the segment's tickets within its reaction target, replication by
    replication, with its Student-t 95% interval, straight from tickets.csv."""
    met: dict[tuple[str, int], list[float]] = defaultdict(list)
    with (folder / "out" / "tickets.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["segment"] == segment and row["reaction_sla_met"] not in ("", "nan"):
                met[(row["variant"], int(float(row["replication"])))].append(float(row["reaction_sla_met"]))
    reps = sorted({r for _, r in met})
    diffs = [100 * (sum(met[(variant, r)]) / len(met[(variant, r)]) - sum(met[(base, r)]) / len(met[(base, r)]))
             for r in reps]
    mean = sum(diffs) / len(diffs)
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1))
    half = stats.t.ppf(0.975, len(diffs) - 1) * sd / math.sqrt(len(diffs))
    return mean, mean - half, mean + half


def expected_word(low: float, high: float) -> str:
    return "better" if low > 0 else "worse" if high < 0 else "same"


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


def test_better_or_worse_from_the_paired_differences_per_replication(ran_desk):
    page, summary, folder = ran_desk
    table = page[page.index('<section id="decision"'):]
    row = table.split('<th scope="row">priority</th>')[1].split("</tr>")[0]
    classes = re.findall(r'<td class="status [a-z]* (better|worse|same)">', row)
    targets = list(summary["variants"]["priority"]["targets"])
    assert targets == ["sla.vip.reaction", "sla.standard.reaction"]
    expected = [expected_word(*paired(folder, path.split(".")[1], "priority")[1:]) for path in targets]
    assert classes == expected and "better" in classes   # VIP reaction: priority is clearly better
    assert "†" not in row and "replication by replication (paired" in table


def test_without_pairs_the_two_intervals_decide_and_the_report_says_so():
    summary = {"baseline": "a", "variants": {v: {"segments": {}} for v in ("a", "b")}}
    alone = Results(Path("."), summary=summary)   # no tickets.csv: no per-replication shares
    apart = ({"value": 0.9, "ci95": [0.85, 0.95]}, {"value": 0.5, "ci95": [0.4, 0.6]})
    assert change(alone, "b", "sla.vip.reaction", *apart) == ("better", pytest.approx(40.0), False)
    assert change(alone, "b", "sla.vip.reaction", *reversed(apart)) == ("worse", pytest.approx(-40.0), False)
    paired_shares = Results(Path("."), summary=summary,
                            sla_met={("a", "vip", "reaction"): {0: 0.50, 1: 0.60, 2: 0.70},
                                     ("b", "vip", "reaction"): {0: 0.51, 1: 0.61, 2: 0.71}})
    overlapping = ({"value": 0.61, "ci95": [0.36, 0.86]}, {"value": 0.60, "ci95": [0.35, 0.85]})
    # the intervals overlap, but every replication gains one point: paired, that is clearly better
    word, difference, was_paired = change(paired_shares, "b", "sla.vip.reaction", *overlapping)
    assert (word, was_paired) == ("better", True) and difference == pytest.approx(1.0)
    assert compared(*overlapping) == "same"
    assert compared({"value": 0.5, "ci95": [0.4, 0.6]}, {"value": 0.55, "ci95": [0.45, 0.65]}) == "same"


def test_cost_to_the_others_is_attainment_given_up_where_the_pairs_say_so(ran_desk):
    page, summary, folder = ran_desk
    table = page[page.index('<section id="decision"'):]
    row = table.split('<th scope="row">priority</th>')[1].split("</tr>")[0]
    cost = float(re.search(r"<td>([0-9.]+) pp</td>", row).group(1))
    expected = 0.0
    for path in summary["variants"]["priority"]["targets"]:
        mean, low, high = paired(folder, path.split(".")[1], "priority")
        expected += -mean if high < 0 else 0.0
    assert cost == pytest.approx(expected, abs=0.05)


def test_the_scenarios_checks_are_counted_as_supportsim_check_judges_them(ran_desk):
    page, summary, folder = ran_desk
    assert not (folder / "out" / "checks.json").exists()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        main(["check", str(folder / "desk.yaml"), "--quiet"])
    outcomes = {}   # (variant, check) -> outcome, from the check command's own lines
    for line in printed.getvalue().splitlines():
        found = re.match(r"^(pass|fail|inconclusive)\s+(?:([a-z]+): )?(.+?)\s{2,}", line)
        if found:
            outcomes[(found.group(2) or "base", found.group(3))] = found.group(1)
    assert set(outcomes) == {(v, c) for v in ("fifo", "priority") for c in DESK["checks"]}
    assert outcomes[("fifo", "vip.reaction.mean <= 6m")] == "fail"
    assert outcomes[("priority", "vip.reaction.mean <= 6m")] == "pass"
    section = page[page.index('<section id="checks"'):page.index("</section>", page.index('<section id="checks"'))]
    shown = {(v, html.unescape(c)): o for c, v, o in re.findall(
        r'<tr><td><code>([^<]+)</code></td><td>([^<]+)</td><td class="status [a-z]+">([a-z]+)</td>', section)}
    assert shown == outcomes
    table = page[page.index('<section id="decision"'):]
    for variant in ("fifo", "priority"):
        row = table.split(f'<th scope="row">{variant}</th>')[1].split("</tr>")[0]
        failed = sum(o == "fail" for (v, _), o in outcomes.items() if v == variant)
        assert (f"<td>{failed} failed</td>" if failed else "<td>all pass</td>") in row
    assert "judged from summary.json as <code>supportsim check</code>" in table
