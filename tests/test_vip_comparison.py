"""Comparing strategies: paired ratios against the ticket table, the comparison table, ``compare``, and the
errors people get for impossible VIP settings."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from supportsim import load_scenario
from supportsim.api import simulate
from supportsim.cli import main
from supportsim.loader import ScenarioError
from supportsim.strategies import REGISTRY

DESK = {
    "name": "cmp", "horizon": "400h", "warmup": "20h", "seed": 9, "replications": 4,
    "segments": {"gold": {"share": 0.15, "vip": True}, "standard": {"share": 0.85}},
    "arrivals": {"rate": "8/h"}, "entry": "L1",
    "groups": {
        "L1": {"staff": 10, "work": {"dist": "lognormal", "mean": "1h", "cv": 1.0}, "escalate": {"L2": 0.2}},
        "L2": {"staff": 3, "work": {"dist": "exponential", "mean": "1.5h"}},
    },
    "sla": {"gold": {"reaction": "15m", "resolution": "8h"}, "standard": {"reaction": "4h", "resolution": "3d"}},
    "variants": {
        "fifo": {"policy": "fifo"},
        "lane": {"policy": {"kind": "vip_lane", "pickup_within": "30m"}},
        "contact": {"policy": "contact_first"},
    },
    "baseline": "fifo",
}


BASE = {k: v for k, v in DESK.items() if k not in ("variants", "baseline")}


def _log_t_interval(ratios):
    logs = np.log(ratios)
    half = stats.t.ppf(0.975, len(logs) - 1) * logs.std(ddof=1) / math.sqrt(len(logs))
    return math.exp(logs.mean()), math.exp(logs.mean() - half), math.exp(logs.mean() + half)


def test_paired_ratios_in_summary_agree_with_ratios_from_tickets_csv(tmp_path):
    simulate(DESK).save(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    tickets = pd.read_csv(tmp_path / "tickets.csv")
    tickets["tier"] = np.where(tickets["segment"] == "gold", "vip", "non_vip")
    assert "vs_baseline" not in summary["variants"]["fifo"]
    for variant in ("lane", "contact"):
        for tier in ("vip", "non_vip"):
            for measure in ("reaction", "resolution"):
                for stat, reduce in (("mean", np.mean), ("p90", lambda x: np.percentile(x, 90))):
                    def per_replication(name, tier=tier, measure=measure, reduce=reduce):
                        chosen = tickets[(tickets["variant"] == name) & (tickets["tier"] == tier)]
                        return chosen.groupby("replication")[measure].agg(reduce).sort_index().to_numpy()
                    ratios = per_replication(variant) / per_replication("fifo")
                    ratio, low, high = _log_t_interval(ratios)
                    got = summary["variants"][variant]["vs_baseline"][tier][measure][stat]
                    where = f"{variant} {tier} {measure} {stat}"
                    assert got["ratio"] == pytest.approx(ratio, rel=1e-4), where
                    assert got["ci95"] == pytest.approx([low, high], rel=1e-4), where
    lane = summary["variants"]["lane"]["vs_baseline"]["vip"]["reaction"]["mean"]
    assert lane["ci95"][1] < 0.5  # the VIP lane does make VIP reaction faster, beyond noise


def test_summary_has_tiers_and_queue_waits_per_segment_per_group():
    summary = simulate({**BASE, "policy": "priority"}, replications=2).summary()
    figures = summary["variants"]["base"]
    assert figures["tiers"]["vip"]["tickets"]["value"] == figures["segments"]["gold"]["tickets"]["value"]
    assert "reaction_met" in figures["tiers"]["non_vip"]["sla"]
    l2 = figures["groups"]["L2"]["queue_wait"]
    assert set(l2) == {"mean", "gold", "standard"}
    assert l2["gold"]["mean"]["value"] < l2["standard"]["mean"]["value"]


def test_run_prints_one_comparison_table_and_compare_runs_ad_hoc_policies(tmp_path, capsys):
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(DESK))
    assert main(["run", str(path), "--out", str(tmp_path / "run"), "--replications", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("SLA reaction") == 1 and "fifo (baseline)" in out and "faster" in out
    assert main(["compare", str(path), "--policy", "fifo,vip_lane:pickup_within=0h,dedicated:engineers.L1=2",
                 "--out", str(tmp_path / "cmp"), "--replications", "2"]) == 0
    out = capsys.readouterr().out
    summary = json.loads((tmp_path / "cmp" / "summary.json").read_text())
    assert list(summary["variants"]) == ["fifo", "vip_lane-0h", "dedicated-2"] and summary["baseline"] == "fifo"
    assert "no wait" in out  # preemption: no VIP ticket waits at L1


@pytest.mark.parametrize("policy, message", [
    ("dedicated:engineers.L9=2", "--policy dedicated:engineers.L9=2: policy.engineers.L9: unknown group 'L9'"),
    ("dedicated:engineers.L1=10", "policy.engineers.L1: dedicates 10 of the 10 engineers of L1"),
    ("vip_lane:pickup_within", "--policy: 'vip_lane:pickup_within': write settings as kind:key=value"),
    ("fifo,vip", f"--policy vip: policy.kind: unknown kind 'vip'; expected one of {', '.join(sorted(REGISTRY))}\n"),
])
def test_compare_reports_bad_policies_in_one_line_each(tmp_path, capsys, policy, message):
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(DESK))
    assert main(["compare", str(path), "--policy", policy]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.startswith(f"error: {path}")
    assert len(err.splitlines()) == 1, err  # one wrong item, one line


@pytest.mark.parametrize("change, path, message", [
    ({"policy": {"kind": "dedicated", "engineers": {"L9": 1}}}, "policy.engineers.L9", "unknown group 'L9'"),
    ({"policy": {"kind": "dedicated", "engineers": {"L2": 3}}}, "policy.engineers.L2", "dedicates 3 of the 3"),
    ({"policy": {"kind": "dedicated", "engineers": {"L1": 0}}}, "policy.engineers.L1", "must be >= 1, got 0"),
    ({"policy": {"kind": "dedicated", "engineers": {"L2": 1}}, "vip_in_escalation": False},
     "policy.engineers.L2", "would never work"),
    ({"policy": {"kind": "reserve", "engineers": {"L1": 11}}}, "policy.engineers.L1", "reserves 11 engineers but L1 has 10"),
    ({"policy": {"kind": "personal", "fallback_after": "-1h"}}, "policy.fallback_after", "must not be negative, got '-1h'"),
    ({"policy": {"kind": "personal", "customers": 0}}, "policy.customers", "must be >= 1, got 0"),
    ({"policy": {"kind": "personal", "speedup": 0}}, "policy.speedup", "must be > 0, got 0"),
    ({"policy": "personal", "groups": {**BASE["groups"], "L1": {**BASE["groups"]["L1"], "policy": "fifo"}}},
     "policy", "entry group L1, which has its own policy (fifo)"),
    ({"policy": {"kind": "contact_first", "group": "L7"}}, "policy.group", "unknown group 'L7'"),
    ({"policy": {"kind": "vip_lane", "pickup_within": 5}}, "policy.pickup_within", "a bare number is ambiguous"),
    ({"policy": "deadline", "sla": {"gold": {"reaction": "15m"}}}, "sla.standard", "deadline policy"),
    ({"policy": "deadline", "sla": {"gold": {"reaction": "15m"}, "standard": {"resolution": "3d"}}},
     "sla.standard.reaction", "is missing"),
    ({"segments": {"mean": {"share": 1.0}}, "sla": {}}, "segments.mean", "reserved"),
    ({"groups": {**BASE["groups"], "L2": {**BASE["groups"]["L2"], "policy": {"kind": "reserve", "engineers": {"L1": 1}}}}},
     "groups.L2.policy.engineers.L1", "sets apart engineers of L2 only"),
])
def test_impossible_vip_settings_are_named_by_key_path(change, path, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario({**BASE, **change})
    found = [(p, m) for p, m in caught.value.problems if p == path]
    assert found and message in found[0][1], caught.value.problems


def test_dedicated_needs_a_vip_segment():
    data = {**BASE, "segments": {"standard": {"share": 1.0}}, "sla": {}, "policy": "dedicated"}
    with pytest.raises(ScenarioError, match="need VIP tickets"):
        load_scenario(data)
