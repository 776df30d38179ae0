"""Entry by segment and arrival time, and staff on call, worked out by hand on replayed traces.

Times are hours from the start, Monday 2027-01-04 00:00. L1 works office hours (Mon-Fri 08:00-20:00); L3 is
one engineer on call around the clock. VIP tickets that arrive out of office hours enter at L3, every other
ticket at L1. An on-call engineer at home starts work after the call-out delay; once there, they take what
waits without another call-out, and go home when nothing does."""

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.admit import load_warnings
from supportsim.engine import simulate_replication
from supportsim.loader import ScenarioError
from supportsim.stats import replication_figures

TUE = 24.0
NIGHT_VIP = [{"segments": ["vip"], "out_of_hours": "office", "group": "L3"}, {"group": "L1"}]


def desk(tmp_path, rows, *, call_out="10m", entry=None, l3_staff=None):
    (tmp_path / "trace.csv").write_text("\n".join(["arrived,segment", *rows]) + "\n")
    data = {
        "name": "night", "start": "2027-01-04T00:00", "horizon": "1w", "replications": 1,
        "calendars": {"office": {"days": "mon-fri", "hours": "08:00-20:00"}},
        "segments": {"vip": {"vip": True}, "standard": {}},
        "arrivals": {"trace": str(tmp_path / "trace.csv")},
        "groups": {
            "L1": {"staff": [{"count": 1, "calendar": "office"}], "work": {"dist": "deterministic", "mean": "1h"}},
            "L3": {"staff": l3_staff or [{"count": 1, "on_call": True, "call_out": call_out}],
                   "work": {"dist": "deterministic", "mean": "30m"}},
        },
        "entry": NIGHT_VIP if entry is None else entry,
    }
    return load_scenario(data)


def test_vip_at_night_goes_to_the_on_call_engineer_and_waits_the_call_out(tmp_path):
    rows = ["2027-01-04T23:00,vip",       # L3: called out at 23:00, starts 23:10, done 23:40
            "2027-01-04T23:05,vip",       # L3: waits for the engineer already there, starts 23:40, no call-out
            "2027-01-05T02:00,vip",       # L3: the engineer went home at 00:10; called out again
            "2027-01-05T11:00,vip",       # by day: L1, idle, starts at once
            "2027-01-04T23:00,standard"]  # L1: waits for the morning, 08:00
    record = simulate_replication(desk(tmp_path, rows), 0)
    t = record.tickets
    first = record.first_response - t.arrived
    entry = t.route[t.offset]
    at = {(round(float(a) * 60), int(seg)): i for i, (a, seg) in enumerate(zip(t.arrived, t.segment))}
    vip1, vip2, vip3, vip_day = (at[(m, 0)] for m in (23 * 60, 23 * 60 + 5, (TUE + 2) * 60, (TUE + 11) * 60))
    standard = at[(23 * 60, 1)]
    assert [int(entry[i]) for i in (vip1, vip2, vip3, vip_day, standard)] == [1, 1, 1, 0, 0]  # L1 is 0, L3 is 1
    vip1, vip2, vip3, vip_day, standard = (first[i] for i in (vip1, vip2, vip3, vip_day, standard))
    assert vip1 == pytest.approx(10 / 60)
    assert vip2 == pytest.approx(35 / 60)  # the call-out plus the wait for the on-call engineer
    assert vip3 == pytest.approx(10 / 60)
    assert vip_day == 0.0
    assert standard == pytest.approx(TUE + 8 - 23)
    assert record.call_outs[:, 0].tolist() == [23.0, TUE + 2]
    figures = replication_figures(record)
    assert figures[("on_call", "L3", "call_outs")] == 2
    assert figures[("on_call", "L3", "per_engineer", "0", "call_outs")] == 2
    assert figures[("on_call", "L3", "per_night")] == pytest.approx(2 / 7)


def test_the_reaction_is_the_drawn_call_out_delay(tmp_path):
    rows = [f"2027-01-0{d}T0{h}:00,vip" for d in (4, 5, 6) for h in (1, 3, 5)]  # nights, far apart: each a call-out
    scenario = desk(tmp_path, rows, call_out={"dist": "uniform", "low": "5m", "high": "15m"})
    record = simulate_replication(scenario, 0)
    t = record.tickets
    delay = t.call_out[(1, 0)][t.offset]
    assert len(set(delay.tolist())) == len(rows)  # drawn, not fixed
    assert np.all((delay >= 5 / 60) & (delay <= 15 / 60))
    np.testing.assert_allclose(record.first_response - t.arrived, delay, rtol=0, atol=1e-12)
    assert len(record.call_outs) == len(rows)


def test_one_entry_group_gives_todays_tickets_one_by_one(tmp_path):
    """Everyone routed to one group by a rule and no on-call: the very tickets and times of `entry: L1`."""
    rows = [f"2027-01-0{d}T{h:02d}:{m:02d},{seg}" for d in (4, 5) for h in range(0, 24, 3) for m, seg in
            ((0, "vip"), (20, "standard"), (40, "standard"))]
    staff = [{"count": 1}]
    plain = simulate_replication(desk(tmp_path, rows, entry="L1", l3_staff=staff), 0)
    everyone_to_l1 = [{"segments": ["vip"], "out_of_hours": "office", "group": "L1"}, {"group": "L1"}]
    ruled = simulate_replication(desk(tmp_path, rows, entry=everyone_to_l1, l3_staff=staff), 0)
    for column in ("route", "work", "offset"):
        np.testing.assert_array_equal(getattr(plain.tickets, column), getattr(ruled.tickets, column))
    for column in ("started", "ended", "engineer"):
        np.testing.assert_array_equal(getattr(plain, column), getattr(ruled, column))


def test_bad_entry_rules_are_refused_in_one_line_each(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        desk(tmp_path, ["2027-01-04T23:00,vip"],
             entry=[{"segments": ["gold"], "out_of_hours": "night", "group": "L9"}, {"segments": ["vip"], "group": "L1"}])
    text = str(caught.value)
    for expected in ("entry.0.group", "entry.0.segments", "entry.0.out_of_hours", "entry.1"):
        assert expected in text
    with pytest.raises(ScenarioError, match="in_hours or out_of_hours"):
        desk(tmp_path, ["2027-01-04T23:00,vip"],
             entry=[{"in_hours": "office", "out_of_hours": "office", "group": "L1"}, {"group": "L1"}])
    with pytest.raises(ScenarioError, match="needs on_call"):
        desk(tmp_path, ["2027-01-04T23:00,vip"], l3_staff=[{"count": 1, "call_out": "10m"}])


def test_unreachable_rules_and_groups_nobody_staffs_then_are_warned_about(tmp_path):
    shadowed = desk(tmp_path, ["2027-01-04T23:00,vip"],
                    entry=[{"group": "L1", "segments": ["vip", "standard"]}, {"segments": ["vip"], "group": "L3"},
                           {"group": "L1"}])
    warnings = dict(load_warnings(shadowed, {"base": shadowed}))
    assert "no ticket reaches this rule" in warnings["entry.1"]
    assert "no ticket ever comes here" in warnings["groups.L3"]
    nobody = desk(tmp_path, ["2027-01-04T23:00,vip"],
                  entry=[{"segments": ["vip"], "out_of_hours": "office", "group": "L1"}, {"group": "L3"}])
    warnings = dict(load_warnings(nobody, {"base": nobody}))
    assert "nobody is ever on duty" in warnings["entry.0"]
    fine = desk(tmp_path, ["2027-01-04T23:00,vip"])
    assert not [w for w in load_warnings(fine, {"base": fine}) if w[0].startswith(("entry", "groups"))]


def test_escalation_by_segment_and_arrival_time(tmp_path):
    """L1 escalates every ticket to L2, but VIP tickets that arrived out of office hours to L3: the route is
    decided at arrival, so the VIP ticket of 23:00 goes to L3 after L1's morning."""
    rows = ["2027-01-04T23:00,vip", "2027-01-05T11:00,vip", "2027-01-04T23:30,standard"]
    (tmp_path / "trace.csv").write_text("\n".join(["arrived,segment", *rows]) + "\n")
    scenario = load_scenario({
        "name": "escalation", "start": "2027-01-04T00:00", "horizon": "1w", "replications": 1,
        "calendars": {"office": {"days": "mon-fri", "hours": "08:00-20:00"}},
        "segments": {"vip": {"vip": True}, "standard": {}},
        "arrivals": {"trace": str(tmp_path / "trace.csv")},
        "groups": {
            "L1": {"staff": [{"count": 1, "calendar": "office"}], "work": {"dist": "deterministic", "mean": "1h"},
                   "escalate": {"L2": 1.0},
                   "escalate_when": [{"segments": ["vip"], "out_of_hours": "office", "escalate": {"L3": 1.0}}]},
            "L2": {"staff": [{"count": 1, "calendar": "office"}], "work": {"dist": "deterministic", "mean": "1h"}},
            "L3": {"staff": [{"count": 1, "on_call": True, "call_out": "10m"}],
                   "work": {"dist": "deterministic", "mean": "30m"}},
        },
        "entry": "L1",
    })
    record = simulate_replication(scenario, 0)
    t = record.tickets
    paths = {float(t.arrived[i]): t.route[t.offset[i]:t.offset[i] + t.visits[i]].tolist() for i in range(len(t))}
    assert paths == {23.0: [0, 2], TUE + 11: [0, 1], 23.5: [0, 1]}
    l3 = t.offset[np.flatnonzero(t.arrived == 23.0)[0]] + 1
    # L1 starts it at 08:00 and is done at 09:00 (it came first); the on-call engineer starts at 09:10
    assert record.started[l3] == pytest.approx(TUE + 9 + 10 / 60)
    assert scenario.routing_matrix()[0].sum() == pytest.approx(1.0)


def test_an_on_call_engineers_mean_reaction_is_the_mg1_with_setup_times():
    """One engineer on call around the clock, Poisson arrivals, exponential work, a fixed call-out: an M/G/1 queue
    with a setup at the start of each busy period, whose mean wait (setup included) is exact."""
    from supportsim import theory
    from supportsim.api import simulate

    lam, work, delay = 1.0, 0.5, 0.25
    result = simulate({
        "name": "on-call-theory", "horizon": "20000h", "warmup": "200h", "replications": 8, "seed": 5,
        "segments": {"all_customers": {"share": 1.0}}, "arrivals": {"rate": f"{lam}/h"},
        "groups": {"L3": {"staff": [{"count": 1, "on_call": True, "call_out": f"{delay}h"}],
                          "work": {"dist": "exponential", "mean": f"{work}h"}}},
    })
    reaction = result.summary()["variants"]["base"]["segments"]["all"]["reaction"]["mean"]
    expected = theory.mg1_setup_mean_wait(lam, work, 2 * work**2, delay, delay**2)  # 0.725 h
    low, high = reaction["ci95"]
    half = (high - low) / 2
    assert low - half <= expected <= high + half  # the CI, widened by half its width: a correct engine passes
    assert abs(reaction["value"] - expected) < 0.05 * expected


def test_call_outs_can_be_checked(tmp_path):
    from supportsim.checks import parse_check

    scenario = desk(tmp_path, ["2027-01-04T23:00,vip"])
    check = parse_check("on_call.L3.per_night <= 2", {"base": scenario})
    assert check.key == ("on_call", "L3", "per_night")
    with pytest.raises(ValueError, match="unknown figure"):
        parse_check("on_call.L1.per_night <= 2", {"base": scenario})  # nobody on call at L1
