"""VIP policies against exact queueing results on one M/M/c group (tolerances from replication spread)."""

import numpy as np

from supportsim.api import simulate
from supportsim.theory import mmc_mean_wait as mmc_wait
from supportsim.theory import preemptive_mean_sojourns as preemptive_sojourns
from supportsim.theory import priority_mean_waits as cobham_waits
from vip_tolerance import assert_matches

REPLICATIONS = 20


def mmc(staff: int, vip_rate: float, standard_rate: float, horizon: str = "4000h", **extra) -> dict:
    """One group of ``staff`` engineers, exponential work of mean 1h, two Poisson segments."""
    return {
        "name": "mmc", "horizon": horizon, "warmup": "50h", "seed": 11,
        "segments": {"vip": {"rate": f"{vip_rate}/h", "vip": True}, "standard": {"rate": f"{standard_rate}/h"}},
        "groups": {"desk": {"staff": staff, "work": {"dist": "exponential", "mean": "1h"}}},
        **extra,
    }


def per_replication(result, *key, variant="base"):
    return [figures[key] for figures in result.figures[variant]]


def test_dedicated_engineers_make_two_independent_mmc_queues():
    # 2 of 6 engineers for VIP tickets only: VIP is M/M/2 at rho 0.6, the rest M/M/4 at rho 0.75 (Erlang C each)
    scenario = mmc(6, 1.2, 3.0, policy={"kind": "dedicated", "engineers": {"desk": 2}})
    result = simulate(scenario, replications=REPLICATIONS)
    assert_matches(per_replication(result, "segments", "vip", "reaction", "mean"), mmc_wait(1.2, 1, 2), "VIP wait")
    assert_matches(per_replication(result, "segments", "standard", "reaction", "mean"), mmc_wait(3.0, 1, 4),
                   "standard wait")
    record = result.records["base"][0]
    vip = record.tickets.segment == 0
    assert set(record.engineer[vip]) <= {0, 1} and set(record.engineer[~vip]) <= {2, 3, 4, 5}


def test_vip_lane_with_zero_pickup_is_preemptive_resume_priority():
    scenario = mmc(4, 1.0, 2.0, policy={"kind": "vip_lane", "pickup_within": "0h"})
    result = simulate(scenario, replications=REPLICATIONS)
    vip, standard = preemptive_sojourns([1.0, 2.0], 1.0, 4)
    assert_matches(per_replication(result, "segments", "vip", "resolution", "mean"), vip, "VIP sojourn")
    assert_matches(per_replication(result, "segments", "standard", "resolution", "mean"), standard, "standard sojourn")
    assert len(result.records["base"][0].interruptions) > 0


def test_vip_lane_with_a_huge_pickup_limit_is_cobham_priority():
    scenario = mmc(4, 1.0, 2.0, policy={"kind": "vip_lane", "pickup_within": "1000w"})
    result = simulate(scenario, replications=REPLICATIONS)
    vip, standard = cobham_waits([1.0, 2.0], 1.0, 4)
    assert_matches(per_replication(result, "segments", "vip", "reaction", "mean"), vip, "VIP wait")
    assert_matches(per_replication(result, "segments", "standard", "reaction", "mean"), standard, "standard wait")
    assert len(result.records["base"][0].interruptions) == 0


def test_conservation_law_mean_wait_is_the_same_under_every_work_conserving_order():
    # fifo, priority, vip_lane without a reachable limit, reserve, deadline: none looks at work content and
    # none idles while a ticket waits, so the arrival-weighted mean wait is Erlang C's for all of them
    variants = {
        "fifo": {"policy": "fifo"},
        "priority": {"policy": "priority"},
        "vip_lane": {"policy": {"kind": "vip_lane", "pickup_within": "1000w"}},
        "reserve": {"policy": {"kind": "reserve", "engineers": {"desk": 2}}},
        "deadline": {"policy": "deadline"},
    }
    sla = {"vip": {"reaction": "10m"}, "standard": {"reaction": "2h"}}
    result = simulate(mmc(4, 0.9, 2.1, variants=variants, sla=sla), replications=REPLICATIONS)
    exact = mmc_wait(3.0, 1, 4)
    fifo = np.array(per_replication(result, "segments", "all", "reaction", "mean", variant="fifo"))
    for name in variants:
        waits = np.array(per_replication(result, "segments", "all", "reaction", "mean", variant=name))
        assert_matches(waits, exact, f"{name}: mean wait")
        if name != "fifo":  # paired on the same tickets: the difference is far more precise than either
            assert_matches(waits - fifo, 0.0, f"{name} - fifo", resolution=0.05, scale=exact)
    vip_waits = per_replication(result, "segments", "vip", "reaction", "mean", variant="priority")
    assert np.mean(vip_waits) < 0.5 * exact  # the orders do differ for VIP tickets


def _same_times(a, b):
    return all(np.array_equal(x.started, y.started) and np.array_equal(x.ended, y.ended) for x, y in zip(a, b))


def test_limiting_cases_reproduce_the_plain_strategies_exactly():
    # same tickets, so equivalent disciplines give identical start and end times, ticket by ticket
    variants = {
        "priority": {"policy": "priority"},
        "preemptive": {"policy": "preemptive"},
        "fifo": {"policy": "fifo"},
        "lane_huge": {"policy": {"kind": "vip_lane", "pickup_within": "1000w"}},
        "lane_zero": {"policy": {"kind": "vip_lane", "pickup_within": "0h"}},
        "reserve_all": {"policy": {"kind": "reserve", "engineers": {"desk": 4}}},
        "personal_no_wait": {"policy": {"kind": "personal", "customers": 7, "fallback_after": "0h", "speedup": 1}},
        "deadline_alike": {"policy": "deadline", "sla": {"vip": {"reaction": "1h"}, "standard": {"reaction": "1h"}}},
        "deadline_vip": {"policy": "deadline", "sla": {"vip": {"reaction": "1s"}, "standard": {"reaction": "100w"}}},
    }
    result = simulate(mmc(4, 1.0, 2.2, horizon="500h", variants=variants), replications=2)
    records = result.records
    for name, plain in [("lane_huge", "priority"), ("lane_zero", "preemptive"), ("reserve_all", "priority"),
                        ("personal_no_wait", "priority"), ("deadline_alike", "fifo"), ("deadline_vip", "priority")]:
        assert _same_times(records[name], records[plain]), f"{name} should equal {plain}"
    assert not _same_times(records["priority"], records["fifo"])


def test_vip_in_escalation_false_makes_the_second_line_treat_every_ticket_alike():
    # L1 is FIFO M/M/5, so (Burke) L2 sees Poisson VIP and standard streams; L2 runs priority
    base = {
        "name": "esc", "horizon": "4000h", "warmup": "50h", "seed": 3,
        "segments": {"vip": {"share": 0.3, "vip": True}, "standard": {"share": 0.7}},
        "arrivals": {"rate": "4/h"}, "entry": "L1", "policy": "priority",
        "groups": {
            "L1": {"staff": 5, "work": {"dist": "exponential", "mean": "1h"}, "escalate": {"L2": 0.5}, "policy": "fifo"},
            "L2": {"staff": 3, "work": {"dist": "exponential", "mean": "1h"}},
        },
        "variants": {
            "honoured": {},
            "ignored": {"vip_in_escalation": False},
            "ignored_here": {"groups": {"L2": {"vip_privileges": False}}},
        },
    }
    result = simulate(base, replications=REPLICATIONS)
    vip, standard = cobham_waits([0.6, 1.4], 1.0, 3)
    def wait(variant, seg):
        return per_replication(result, "groups", "L2", "queue_wait", seg, "mean", variant=variant)
    assert_matches(wait("honoured", "vip"), vip, "L2 VIP wait, VIP honoured")
    assert_matches(wait("honoured", "standard"), standard, "L2 standard wait, VIP honoured")
    alike = mmc_wait(2.0, 1.0, 3)
    assert_matches(wait("ignored", "vip"), alike, "L2 VIP wait, VIP ignored")
    assert_matches(wait("ignored", "standard"), alike, "L2 standard wait, VIP ignored")
    assert _same_times(result.records["ignored"], result.records["ignored_here"])
    # the entry group still honours VIP unless told otherwise (here it runs fifo, so ranks only show it)
    record = result.records["ignored"][0]
    at_l1 = record.tickets.route == 0
    vip_visit = record.tickets.segment[record.tickets.ticket_of_visit] == 0
    assert np.all(record.rank[at_l1 & vip_visit] == 0) and np.all(record.rank[~at_l1] == 1)
