"""Baselines: a real regression (one fewer engineer) is caught; an unchanged scenario never regresses.

One fewer engineer on an M/M/5 queue at load 0.6 makes it M/M/4 at 0.75: Erlang C puts the mean wait at
0.255 h instead of 0.059 h, four times worse, far beyond any tolerance and any noise."""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import yaml

from supportsim.baseline import _holm, _p_worse, load_baseline
from supportsim.cli import main

DESK = {
    "name": "guarded-desk", "horizon": "400h", "warmup": "20h", "seed": 8, "replications": 5,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "arrivals": {"rate": "6/h"},
    "groups": {"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "30m"}}},
    "policy": "priority",
    "sla": {"vip": {"reaction": "15m", "resolution": "2h"}, "standard": {"reaction": "1h"}},
    "checks": ["groups.L1.utilization <= 0.7"],
}


@pytest.fixture
def desk(tmp_path, capsys):
    """Write the desk (with changes), run a command on it; return exit code and output."""
    path = tmp_path / "desk.yaml"

    def run(command, *args, **changes):
        path.write_text(yaml.safe_dump({**DESK, **changes}, sort_keys=False))
        code = main([command, str(path), *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_baseline_writes_every_figure_per_replication(desk, tmp_path):
    target = tmp_path / "b.json"
    assert desk("baseline", "--out", target)[0] == 0
    document = json.loads(target.read_text())
    assert (document["scenario"], document["seed"], document["replications"]) == ("guarded-desk", 8, 5)
    assert len(document["variants"]["base"]["segments"]["vip"]["reaction"]["p90"]) == 5
    assert set(load_baseline(target).figures["base"]) >= {("segments", "standard", "sla", "reaction_met")}


def test_an_unchanged_scenario_never_regresses_against_its_own_baseline(desk, tmp_path):
    target = tmp_path / "b.json"
    desk("baseline", "--out", target)
    code, out, _ = desk("check", "--baseline", target, "--tolerance", "0%", "--junit", tmp_path / "r.xml")
    assert code == 0, out
    assert "figures compared by paired t-test" in out and "no regression" in out
    cases = ET.parse(tmp_path / "r.xml").getroot().findall(".//testcase")
    compared = [c for c in cases if c.get("classname").endswith(".baseline")]
    assert len(compared) > 20 and all(c.find("failure") is None for c in compared)
    assert all("(+0.0%)" in c.find("system-out").text for c in compared)  # the very same numbers


def test_one_fewer_engineer_is_caught_as_a_regression(desk, tmp_path):
    target = tmp_path / "b.json"
    desk("baseline", "--out", target)
    L1 = {"staff": 4, "work": {"dist": "exponential", "mean": "30m"}}
    code, out, _ = desk("check", "--baseline", target, "--junit", tmp_path / "r.xml", groups={"L1": L1},
                        checks=["groups.L1.utilization <= 0.8"])
    assert code == 1
    regressed = [line.split()[1] for line in out.splitlines() if line.startswith("regression")]
    assert {"standard.reaction.mean:", "all.reaction.mean:", "standard.resolution.mean:"} <= set(regressed)
    assert out.splitlines()[-1].startswith("FAILED: 1 of 1 checks passed,")
    failures = ET.parse(tmp_path / "r.xml").getroot().findall(".//testcase/failure")
    assert len(failures) == len(regressed) and all(f.get("message").startswith("regression") for f in failures)


def test_another_seed_is_compared_by_welch_and_a_large_regression_still_shows(desk, tmp_path):
    target = tmp_path / "b.json"
    desk("baseline", "--out", target, "--replications", 10)
    L1 = {"staff": 4, "work": {"dist": "exponential", "mean": "30m"}}
    code, out, _ = desk("check", "--baseline", target, "--replications", 10, groups={"L1": L1}, seed=9, checks=[])
    assert code == 1 and "by Welch t-test" in out and "\nregression    all.reaction.mean: " in out


def test_a_regression_within_the_tolerance_is_not_flagged(desk, tmp_path):
    target = tmp_path / "b.json"
    desk("baseline", "--out", target)
    L1 = {"staff": 4, "work": {"dist": "exponential", "mean": "30m"}}
    code, out, _ = desk("check", "--baseline", target, "--tolerance", "100000%", groups={"L1": L1},
                        checks=["groups.L1.utilization <= 0.8"])
    assert code == 0 and "no regression" in out


@pytest.mark.parametrize("content, words", [
    (None, "no such baseline"),
    ("{not json", "cannot read baseline"),
    ('{"format": 1, "scenario": "other", "seed": 1, "replications": 2, "variants": {"base": {}}}',
     "is the baseline of scenario 'other', not 'guarded-desk'"),
    ('{"format": 1, "scenario": "guarded-desk", "seed": 1, "replications": 2, "variants": {"x": {}}}',
     "shares no variant with 'guarded-desk'"),
    ('{"format": 7}', "is baseline format 7, newer than this supportsim reads (1 to 2): upgrade supportsim"),
    ('{"scenario": "guarded-desk"}', "not a supportsim baseline"),
    ('{"format": "two"}', "format must be a whole number"),
])
def test_a_bad_baseline_file_is_bad_input(desk, tmp_path, content, words):
    target = tmp_path / "b.json"
    if content is not None:
        target.write_text(content)
    code, _, err = desk("check", "--baseline", target)
    assert code == 2 and err.count("\n") == 1 and str(target) in err and words in err


def test_no_checks_and_no_baseline_is_bad_input(desk):
    code, _, err = desk("check", checks=[])
    assert code == 2 and "checks: is missing" in err


def test_the_one_sided_tests_and_holm():
    same = np.array([1.0, 2.0, 3.0])
    assert _p_worse(same + 0.5, same, +1, paired=True) == 0.0      # every pair worse by the same amount
    assert _p_worse(same - 0.5, same, +1, paired=True) == 1.0
    assert _p_worse(same, same, -1, paired=True) == 1.0
    noisy = np.array([1.1, 2.3, 2.9, 4.2])
    assert _p_worse(noisy + 1.0, noisy[::-1] * 0 + 2.0, +1, paired=False) < _p_worse(noisy, noisy, +1, paired=False)
    assert _holm([0.01, 0.04, 0.03, 0.005], 0.05) == [True, False, False, True]
    assert _holm([0.01, 0.012, 0.013], 0.05) == [True, True, True]


def test_a_format_1_baseline_is_read_with_a_note_and_its_sla_figures_are_not_compared(desk, tmp_path):
    """Format 1 counted SLA attainment on one clock per segment and did not record the targets: its times are
    compared as before, its SLA attainments are refused with a way to migrate."""
    target = tmp_path / "b.json"
    desk("baseline", "--out", target)
    document = json.loads(target.read_text())
    assert document["format"] == 2 and document["targets"]["base"]["sla.vip.reaction"] == {"within": "15m", "clock": "always"}
    document["format"] = 1  # as an older supportsim wrote it: no targets, no checksum
    del document["targets"], document["sha256"]
    target.write_text(json.dumps(document))
    code, out, _ = desk("check", "--baseline", target)
    assert code == 0, out
    assert "note: " in out and "baseline format 1:" in out and "supportsim baseline" in out
    refused = [line for line in out.splitlines() if line.startswith("not compared")]
    assert {line.split()[2] for line in refused} == {"vip.sla.reaction_met:", "vip.sla.resolution_met:",
                                                     "standard.sla.reaction_met:", "all.sla.reaction_met:",
                                                     "all.sla.resolution_met:"}
    assert "figures compared by paired t-test" in out and "no regression" in out


def test_a_target_that_changed_is_not_compared_but_the_others_are(desk, tmp_path):
    target = tmp_path / "b.json"
    desk("baseline", "--out", target)
    sla = {"vip": {"reaction": {"within": "15m"}, "resolution": "4h"}, "standard": {"reaction": "1h"}}
    code, out, _ = desk("check", "--baseline", target, sla=sla)
    refused = [line for line in out.splitlines() if line.startswith("not compared")]
    assert len(refused) == 2 and "vip.sla.resolution_met: target sla.vip.resolution was 2h on always, now 4h on always" in refused[0]
    assert "all.sla.resolution_met: it pools targets that changed (sla.vip.resolution)" in refused[1]
    assert code == 0 and "no regression" in out   # the unchanged reaction targets (15m is 15m) are compared
    assert "the meaning of these figures changed: write a new baseline with: supportsim baseline" in out
