"""Callbacks: the customer picks a time, the call is the first response, and its reaction counts from that
time. Checked ticket by ticket on the event records."""

from __future__ import annotations

import math

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.api import simulate
from supportsim.loader import ScenarioError


def desk(calls_staff=20, share=1.0, **extra) -> dict:
    return {
        "name": "callbacks", "horizon": "2000h", "warmup": "20h", "seed": 3,
        "arrivals": {"rate": "3/h"},
        "segments": {"vip": {"share": 0.3, "vip": True}, "standard": {"share": 0.7}},
        "groups": {"L1": {"staff": 4, "work": {"dist": "exponential", "mean": "1h"}},
                   "calls": {"staff": calls_staff, "work": {"dist": "exponential", "mean": "1h"}}},
        "entry": "L1", "policy": "priority",
        "callbacks": {"after": {"dist": "uniform", "low": "1h", "high": "3h"}, "work": "10m", "group": "calls",
                      "share": share},
        "sla": {"vip": {"reaction": "15m"}},
        **extra,
    }


def test_a_callback_on_time_is_an_immediate_reaction_and_the_ticket_goes_on_after_the_call():
    result = simulate(desk(), replications=1)
    record = result.records["base"][0]
    t = record.tickets
    calls = t.activity[t.offset] == t.activities.index("callback")
    assert np.array_equal(calls, t.segment == 0)  # every VIP ticket, no other
    assert np.all((t.call_at[calls] >= 1.0) & (t.call_at[calls] <= 3.0)) and len(set(t.call_at[calls])) > 100
    assert not t.call_at[~calls].any()
    # 20 callers for ~1 call an hour: every call is made at the very time the customer picked
    np.testing.assert_array_equal(record.first_response[calls], t.arrived[calls] + t.call_at[calls])
    # then the ticket joins L1 when the 10-minute call ends
    second = t.offset[calls] + 1
    np.testing.assert_allclose(record.queued[second], t.arrived[calls] + t.call_at[calls] + 1 / 6, rtol=0,
                               atol=1e-9)
    figures = result.figures["base"][0]
    assert figures[("segments", "vip", "reaction", "max")] == 0.0
    assert figures[("segments", "vip", "sla", "reaction_met")] == 1.0
    assert figures[("segments", "vip", "resolution", "mean")] > 2.0  # resolution still counts from arrival
    assert figures[("groups", "calls", "utilization")] == pytest.approx(0.9 * (1 / 6) / 20, rel=0.1)


def test_a_late_callback_counts_its_lateness_and_none_is_made_early():
    result = simulate(desk(calls_staff=1, share=0.5), replications=1)
    record = result.records["base"][0]
    t = record.tickets
    calls = t.activity[t.offset] == t.activities.index("callback")
    vip = t.segment == 0
    share = calls[vip].mean()
    n = vip.sum()
    assert abs(share - 0.5) < 5 * math.sqrt(0.25 / n)  # half of the VIP customers ask for one
    late = record.first_response[calls] - (t.arrived[calls] + t.call_at[calls])
    assert late.min() >= 0.0 and late.max() > 0.0  # one caller: some calls wait, none comes before its time
    counted = t.arrived >= 20.0
    reaction = [f[("segments", "vip", "reaction", "mean")] for f in result.figures["base"]][0]
    expected = np.concatenate([late[counted[calls]],
                               (record.first_response - t.arrived)[vip & ~calls & counted]]).mean()
    assert reaction == pytest.approx(expected)


@pytest.mark.parametrize(("change", "message"), [
    ({"group": "front"}, "callbacks.group: unknown group 'front'"),
    ({"segments": ["gold"]}, "callbacks.segments: unknown segment 'gold'"),
    ({"share": 1.5}, "callbacks.share"),
])
def test_bad_callbacks_are_one_line_errors(change, message):
    scenario = desk()
    scenario["callbacks"].update(change)
    with pytest.raises(ScenarioError, match=message) as caught:
        load_scenario(scenario)
    assert "\n" not in str(caught.value).strip()


def test_callbacks_need_vip_tickets_or_segments():
    scenario = desk()
    scenario["segments"]["vip"]["vip"] = False
    with pytest.raises(ScenarioError, match="callbacks: callbacks go to VIP tickets"):
        load_scenario(scenario)
