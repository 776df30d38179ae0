"""The ticket stream: reproducible per replication, the same for every policy, and distributed as declared."""

import numpy as np
from scipy import stats

from supportsim import load_scenario
from supportsim.tickets import draw_tickets

BASE = {
    "name": "t", "horizon": "2000h", "seed": 5,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "priorities": {"P1": 0.1, "P2": 0.3, "P3": 0.6},
    "arrivals": {"rate": "9/h"},
    "groups": {
        "L1": {"staff": 10, "work": {"dist": "exponential", "mean": "1h"}, "escalate": {"L2": 0.25, "L3": 0.05}},
        "L2": {"staff": 3, "work": {"dist": "lognormal", "mean": "1h", "cv": 1.2}, "escalate": {"L3": 0.2}},
        "L3": {"staff": 2, "work": {"dist": "exponential", "mean": "2h"}},
    },
    "entry": "L1",
}


def _same(a, b):
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("arrived", "segment", "priority", "route", "work"))


def test_same_seed_and_replication_give_the_same_tickets_whatever_the_policy():
    fifo = load_scenario({**BASE, "policy": "fifo"})
    preemptive = load_scenario({**BASE, "policy": "preemptive"})
    assert _same(draw_tickets(fifo, 3), draw_tickets(preemptive, 3))
    assert not np.array_equal(draw_tickets(fifo, 3).arrived, draw_tickets(fifo, 4).arrived)


def test_changing_one_group_leaves_the_other_draws_alone():
    a = draw_tickets(load_scenario(BASE), 0)
    changed = {**BASE, "groups": {**BASE["groups"], "L3": {"staff": 2, "work": {"dist": "exponential", "mean": "5h"}}}}
    b = draw_tickets(load_scenario(changed), 0)
    assert np.array_equal(a.arrived, b.arrived) and np.array_equal(a.route, b.route)
    assert np.array_equal(a.work[a.route == 0], b.work[b.route == 0])
    assert not np.array_equal(a.work[a.route == 2], b.work[b.route == 2])


def test_arrivals_are_poisson_with_the_declared_rate():
    t = draw_tickets(load_scenario(BASE), 0)
    expected = 9 * 2000
    assert abs(len(t.arrived) - expected) <= 6 * np.sqrt(expected)
    assert np.all(np.diff(t.arrived) >= 0) and t.arrived.min() >= 0 and t.arrived.max() < 2000
    # interarrival times are exponential: Kolmogorov-Smirnov at a significance no correct stream will hit
    gaps = np.diff(t.arrived)
    assert stats.kstest(gaps, "expon", args=(0, 1 / 9)).pvalue > 1e-6


def test_segments_priorities_and_escalation_follow_their_shares():
    t = draw_tickets(load_scenario(BASE), 1)
    n = len(t.arrived)
    observed = np.bincount(t.segment, minlength=2)
    assert stats.chisquare(observed, n * np.array([0.2, 0.8])).pvalue > 1e-6
    observed = np.bincount(t.priority, minlength=3)
    assert stats.chisquare(observed, n * np.array([0.1, 0.3, 0.6])).pvalue > 1e-6
    # visits per ticket to each group match the traffic equations
    expected_visits = load_scenario(BASE).visits_per_ticket()
    per_group = np.bincount(t.route, minlength=3) / n
    for g in range(3):
        p = expected_visits[g]
        assert abs(per_group[g] - p) <= 6 * np.sqrt(p * (1 - p) / n) + 1e-9
    # every ticket starts at the entry group
    assert np.all(t.route[t.offset] == 0)
