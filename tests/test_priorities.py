"""Declared versus true priority, and triage, against truth (derivation: docs/validation.md).

With a known confusion matrix C (row true priority i, column declared priority d), preemptive-resume service at
one engineer and work independent of priority, the queue sees Poisson classes d of rate lambda_d = sum_i
lambda p_i C[i, d], each with the preemptive M/M/1 mean response T_d; a ticket of true class i is declared d
with probability C[i, d], so its mean response is sum_d C[i, d] T_d."""

from __future__ import annotations

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.api import simulate
from supportsim.loader import ScenarioError
from supportsim.theory import preemptive_mean_sojourns
from test_skills import assert_one_line_error
from vip_tolerance import assert_matches

RATE, SHARES = 0.75, [0.2, 0.3, 0.5]
CONFUSION = np.array([[0.5, 0.3, 0.2],
                      [0.1, 0.6, 0.3],
                      [0.0, 0.0, 1.0]])


def desk(policy="preemptive", horizon="6000h", confusion=CONFUSION, **extra) -> dict:
    names = ["P1", "P2", "P3"]
    priorities = {name: {"share": share, "declared": dict(zip(names, row.tolist()))}
                  for name, share, row in zip(names, SHARES, confusion)}
    return {
        "name": "declared", "horizon": horizon, "warmup": "100h", "seed": 7,
        "segments": {"all_customers": {"rate": f"{RATE}/h"}},
        "priorities": priorities,
        "groups": {"desk": {"staff": 1, "work": {"dist": "exponential", "mean": "1h"}}},
        "policy": policy, **extra,
    }


def test_per_true_priority_the_response_is_preemptive_mm1_through_the_confusion_matrix():
    result = simulate(desk(), replications=20)
    declared_rates = RATE * np.array(SHARES) @ CONFUSION
    by_declared = np.array(preemptive_mean_sojourns(declared_rates.tolist(), 1.0, 1))
    exact = CONFUSION @ by_declared
    for i, name in enumerate(["P1", "P2", "P3"]):
        values = [f[("priorities", name, "resolution", "mean")] for f in result.figures["base"]]
        assert_matches(values, float(exact[i]), f"{name} response")
    # the check can fail: served by true priority, P1's response would be far lower
    true_order = preemptive_mean_sojourns((RATE * np.array(SHARES)).tolist(), 1.0, 1)
    assert abs(true_order[0] - exact[0]) > 0.5


def test_triage_with_accuracy_one_and_no_work_is_true_priority_service_ticket_by_ticket():
    groups = {"desk": {"staff": 2, "work": {"dist": "exponential", "mean": "1h"}},
              "triage": {"staff": 30, "work": {"dist": "exponential", "mean": "1h"}}}
    triage = {"group": "triage", "work": {"dist": "deterministic", "mean": "0h"}, "accuracy": 1.0}
    truth = np.eye(3)
    scenario = desk("priority", "1500h", groups=groups, entry="desk", triage=triage, variants={
        "triaged": {}, "true": {"priorities": desk(confusion=truth)["priorities"], "triage": None},
        "untriaged": {"triage": None}})
    scenario["segments"]["all_customers"]["rate"] = "1.6/h"
    result = simulate(scenario, replications=2)
    for triaged, true, untriaged in zip(*(result.records[v] for v in ("triaged", "true", "untriaged"))):
        work = triaged.tickets.activity == 0
        assert (~work).sum() == len(triaged.tickets)  # one triage visit per ticket, none of them waited
        assert np.array_equal(triaged.started[~work], triaged.queued[~work])
        np.testing.assert_array_equal(triaged.started[work], true.started)
        np.testing.assert_array_equal(triaged.ended[work], true.ended)
        assert not np.array_equal(untriaged.started, true.started)  # misdeclared priority did change the order


def test_triage_work_counts_in_the_triage_groups_utilization():
    groups = {"desk": {"staff": 2, "work": {"dist": "exponential", "mean": "1h"}},
              "triage": {"staff": 1, "work": {"dist": "exponential", "mean": "1h"}}}
    triage = {"group": "triage", "work": {"dist": "deterministic", "mean": "15m"}, "accuracy": 0.8}
    result = simulate(desk("priority", "3000h", groups=groups, entry="desk", triage=triage), replications=10)
    values = [f[("groups", "triage", "utilization")] for f in result.figures["base"]]
    assert_matches(values, RATE * 0.25, "triage utilization")


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"P1": {"share": 0.2, "declared": {"P1": 0.5, "P2": 0.3}}}, "priorities.P1.declared",
     "a row of the confusion matrix must sum to 1, got 0.8"),
    ({"P1": {"share": 0.2, "declared": {"P1": 0.5, "P4": 0.5}}}, "priorities.P1.declared.P4",
     "unknown priority 'P4'; priorities are P1, P2, P3"),
])
def test_bad_confusion_rows_are_one_line_errors(change, path, message):
    scenario = desk()
    scenario["priorities"].update(change)
    assert_one_line_error(scenario, path, message)


def test_unknown_triage_group_is_an_error():
    with pytest.raises(ScenarioError, match="triage.group: unknown group 'front'"):
        load_scenario(desk(triage={"group": "front"}))
