"""What a strategy may see of a visit (supportsim.visits), checked against what each attribute means."""

from __future__ import annotations

import heapq
import math
from typing import Literal

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.engine import simulate_replication
from supportsim.strategies import REGISTRY, PolicyConfig
from supportsim.strategies.deadline import Deadline
from supportsim.tickets import draw_tickets
from supportsim.visit_attributes import visit_attribute

WORK_BY_CLASS = {"default": {"dist": "exponential", "mean": "1h"},
                 "by_segment": {"vip": {"dist": "lognormal", "mean": "30m", "cv": 0.5}},
                 "by_priority": {"P1": {"dist": "uniform", "low": "1h", "high": "3h"}}}


def group(**changes) -> dict:
    data = {
        "name": "v", "horizon": "2000h", "seed": 3,
        "segments": {"vip": {"share": 0.3, "vip": True}, "standard": {"share": 0.7}},
        "priorities": {"P1": 0.2, "P2": 0.8},
        "arrivals": {"rate": "3/h"},
        "groups": {"L1": {"staff": 5, "work": WORK_BY_CLASS, "escalate": {"L2": 0.3}},
                   "L2": {"staff": 3, "work": {"dist": "deterministic", "mean": "20m"}}},
        "entry": "L1",
        "policy": {"kind": "contact_first", "contact": {"dist": "deterministic", "mean": "5m"}},
        "sla": {"vip": {"reaction": "15m", "resolution": "8h"}, "standard": {"reaction": "1h"}},
    }
    data.update(changes)
    return data


def test_expected_work_is_the_mean_of_the_distribution_each_visit_is_drawn_from():
    scenario = load_scenario(group())
    t = draw_tickets(scenario, 0)
    expected = visit_attribute(scenario, t, "expected_work")
    drawn = visit_attribute(scenario, t, "oracle_work")
    ticket = t.ticket_of_visit
    vip, p1 = t.segment[ticket] == 0, t.priority[ticket] == 0
    contact = t.activity == t.activities.index("contact")
    at_l1 = (t.route == 0) & ~contact
    classes = {  # the work of each class, by the reference's rule: segment wins over priority, else default
        "contact": (contact, 5 / 60), "L1 vip": (at_l1 & vip, 0.5), "L1 P1": (at_l1 & ~vip & p1, 2.0),
        "L1 default": (at_l1 & ~vip & ~p1, 1.0), "L2": (t.route == 1, 20 / 60),
    }
    covered = np.zeros(len(t.route), dtype=bool)
    for name, (mask, mean) in classes.items():
        assert mask.sum() > 200, name
        assert np.all(expected[mask] == mean), name
        # and the drawn work is drawn around it: within 5 standard errors of the mean
        se = max(drawn[mask].std(ddof=1), 1e-12) / math.sqrt(mask.sum())
        assert abs(drawn[mask].mean() - mean) <= 5 * se + 1e-12, name
        covered |= mask
    assert covered.all()


def test_deadlines_are_arrival_plus_target_on_the_slas_clock():
    data = group(calendars={"office": {"days": "Mon-Fri", "hours": "09:00-17:00"}},
                sla={"vip": {"reaction": "15m", "resolution": "8h", "clock": "office"}, "standard": {"reaction": "1h"}})
    scenario = load_scenario(data)
    t = draw_tickets(scenario, 0)
    arrived = t.arrived[t.ticket_of_visit]
    vip = t.segment[t.ticket_of_visit] == 0
    reaction = visit_attribute(scenario, t, "reaction_deadline")
    resolution = visit_attribute(scenario, t, "resolution_deadline")
    assert np.array_equal(reaction[~vip], arrived[~vip] + 1.0)
    assert np.all(np.isinf(resolution[~vip]))  # no resolution target for standard tickets
    office = scenario.calendar("office")
    for deadline, target in ((reaction[vip], 0.25), (resolution[vip], 8.0)):
        assert np.allclose(office.business_hours(arrived[vip], deadline), target, atol=1e-9)
        # and not a moment later than needed: just before it, less than the target has passed
        assert np.all(office.business_hours(arrived[vip], deadline - 1e-6) < target)
    # a ticket that arrives on Friday evening has its VIP reaction due on Monday 09:15
    friday_evening = (vip & (arrived % 168 > 4 * 24 + 17) & (arrived % 168 < 5 * 24)).nonzero()[0]
    assert len(friday_evening)
    due = reaction[friday_evening[0]]
    assert due % 168 == pytest.approx(9.25, abs=1e-6) and due > arrived[friday_evening[0]]  # time 0 is a Monday


class EarliestReactionDeadlineConfig(PolicyConfig):
    kind: Literal["test_edf"] = "test_edf"


class EarliestReactionDeadline(Deadline):
    """The ``deadline`` policy's queue, but each visit's due time read from the group instead of computed."""

    kind = "test_edf"
    Config = EarliestReactionDeadlineConfig

    def __init__(self, config, group):
        super().__init__(config, group)
        self._due = group.reaction_deadline

    def arrive(self, visit):
        if self.idle:
            self._start(self.idle.pop(), visit)
        else:
            heapq.heappush(self.heap, (self._due[visit], next(self.arrivals), visit))


def test_a_strategy_reading_the_reaction_deadline_is_the_deadline_policy_at_the_entry_group(monkeypatch):
    monkeypatch.setitem(REGISTRY, "test_edf", EarliestReactionDeadline)
    data = group(groups={"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "1h"}}},
                arrivals={"rate": "4.5/h"}, sla={"vip": {"reaction": "15m"}, "standard": {"reaction": "2h"}})
    data.pop("entry")
    mine = simulate_replication(load_scenario({**data, "policy": "test_edf"}), 0)
    theirs = simulate_replication(load_scenario({**data, "policy": "deadline"}), 0)
    assert np.array_equal(mine.started, theirs.started) and np.array_equal(mine.engineer, theirs.engineer)
    fifo = simulate_replication(load_scenario({**data, "policy": "fifo"}), 0)
    assert not np.array_equal(mine.started, fifo.started)  # the order matters here, so equality means something
