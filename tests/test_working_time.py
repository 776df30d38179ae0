"""Working time in random runs: 24x7 is the foundation exactly, no engineer works off shift whatever the
strategy, and Little's law holds per group under shifts."""

import math

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.api import run_replications
from supportsim.engine import simulate_replication
from supportsim.stats import available_hours, replication_figures
from supportsim.tickets import draw_tickets

PLAIN = {
    "name": "plain", "horizon": "300h", "warmup": "20h", "seed": 4,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "priorities": {"P1": 0.1, "P2": 0.3, "P3": 0.6},
    "arrivals": {"rate": "9/h"},
    "groups": {
        "L1": {"staff": 10, "work": {"dist": "exponential", "mean": "1h"}, "escalate": {"L2": 0.25}},
        "L2": {"staff": 3, "work": {"dist": "lognormal", "mean": "1h", "cv": 1.2}},
    },
    "entry": "L1", "policy": "preemptive",
    "sla": {"vip": {"reaction": "30m", "resolution": "8h"}, "standard": {"reaction": "4h", "resolution": "3d"}},
}

SHIFTED = {
    "name": "shifted", "start": "2027-01-04T00:00", "horizon": "6w", "warmup": "1w", "seed": 8,
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "priorities": {"P1": 0.2, "P2": 0.8},
    "calendars": {
        "early": {"days": "mon-fri", "hours": "07:00-15:00"},
        "late": {"days": "mon-fri", "hours": "15:00-23:00", "holidays": ["2027-01-20"]},
        "night": {"days": "sun-thu", "hours": "23:00-07:00"},
        "weekend": {"days": "sat-sun", "hours": "10:00-16:00"},
    },
    "arrivals": {"rate": "1/h", "profile": {"weekdays": {"sat": 0.3, "sun": 0.3}, "hours": {"00-07": 0.2}}},
    "groups": {
        "L1": {"staff": [{"count": 2, "calendar": "early"}, {"count": 2, "calendar": "late"},
                         {"count": 1, "calendar": "night"}, {"count": 1, "calendar": "weekend"}],
               "work": {"dist": "exponential", "mean": "1h"}, "escalate": {"L2": 0.3}},
        "L2": {"staff": [{"count": 2, "calendar": "early"}, {"count": 1, "calendar": "always"}],
               "work": {"dist": "lognormal", "mean": "1.5h", "cv": 1.0}},
    },
    "entry": "L1",
}


def test_all_24x7_and_a_flat_profile_draw_and_simulate_exactly_as_the_foundation():
    """The 24x7 path: the same tickets, the same times, the same figures, to the last bit."""
    same = dict(PLAIN)
    same["calendars"] = {"always": "24x7", "allweek": {"days": "daily", "hours": "00:00-24:00"}}
    same["groups"] = {
        "L1": {**PLAIN["groups"]["L1"], "staff": [{"count": 10, "calendar": "allweek"}]},
        "L2": {**PLAIN["groups"]["L2"], "staff": [{"count": 3, "calendar": "always"}]},
    }
    same["arrivals"] = {"rate": "9/h", "profile": {"weekdays": {"mon": 2, "tue": 2, "wed": 2, "thu": 2, "fri": 2,
                                                                "sat": 2, "sun": 2}}}
    same["sla"] = {k: {**v, "clock": "24x7"} for k, v in PLAIN["sla"].items()}
    plain, flat = load_scenario(PLAIN), load_scenario(same)
    for r in range(2):
        a, b = simulate_replication(plain, r), simulate_replication(flat, r)
        for name in ("arrived", "segment", "priority", "route", "work"):
            assert np.array_equal(getattr(a.tickets, name), getattr(b.tickets, name))
        for name in ("started", "ended", "resumed", "engineer", "interruptions"):
            assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True)
        fa, fb = replication_figures(a), replication_figures(b)
        assert fa == pytest.approx(fb, rel=0, abs=0, nan_ok=True) and fa.keys() == fb.keys()


def _pieces(record):
    """Every piece of work as (group, engineer, start, end) where the engineer is known: interrupted pieces,
    and the only piece of each visit that was never interrupted."""
    t = record.tickets
    out = [(int(t.route[int(v)]), int(e), s, f) for v, e, s, f in record.interruptions]
    interrupted = np.zeros(len(t.route), dtype=bool)
    interrupted[record.interruptions[:, 0].astype(np.int64)] = True
    for v in np.flatnonzero(~interrupted):
        out.append((int(t.route[v]), int(record.engineer[v]), record.resumed[v], record.ended[v]))
    return out


def _calendar_of_engineer(scenario, group, engineer):
    for count, calendar in scenario.shifts_of(group):
        if engineer < count:
            return calendar
        engineer -= count
    raise AssertionError("no such engineer")


@pytest.mark.parametrize("policy", ["fifo", "priority", "preemptive"])
def test_nobody_works_off_shift_and_paused_work_stops_at_a_shift_end(policy):
    scenario = load_scenario({**SHIFTED, "policy": policy, "horizon": "3w"})
    record = simulate_replication(scenario, 0)
    assert not np.isnan(record.resolved).any()
    assert record.pauses.any() and (policy != "preemptive" or (~record.pauses).any())
    names = scenario.group_names
    by_engineer: dict = {}
    for g, e, start, end in _pieces(record):
        calendar = _calendar_of_engineer(scenario, names[g], e)
        assert calendar.business_hours(start, end) == pytest.approx(end - start, abs=1e-9), (names[g], e, start, end)
        by_engineer.setdefault((g, e), []).append((start, end))
    for pieces in by_engineer.values():  # one piece of work at a time per engineer
        pieces.sort()
        assert all(a[1] <= b[0] + 1e-9 for a, b in zip(pieces, pieces[1:]))
    for (v, e, _start, end), paused in zip(record.interruptions, record.pauses):
        if paused:  # a pause ends exactly when the engineer's shift ends
            calendar = _calendar_of_engineer(scenario, names[record.tickets.route[int(v)]], int(e))
            assert not calendar.on_duty(end) and calendar.on_duty(end - 1e-6)


def test_littles_law_per_group_under_shifts():
    """Tickets present = arrival rate x time in group, per group, for a desk on shifts (FIFO, whose sojourns
    do not depend on later arrivals). The window starts and ends at the same time of week, so what is
    carried into it and out of it balances; the tolerance is 4 standard errors over replications."""
    scenario = load_scenario({**SHIFTED, "policy": "fifo", "horizon": "11w", "warmup": "2w"})
    records = run_replications(scenario, 8, seed=2)
    for group in scenario.group_names:
        gaps, present = [], []
        for record in records:
            f = replication_figures(record)
            present.append(f[("groups", group, "tickets_present")])
            gaps.append(present[-1] - f[("groups", group, "arrival_rate")] * f[("groups", group, "time_in_group")])
        gaps = np.array(gaps)
        error = gaps.std(ddof=1) / math.sqrt(len(gaps))
        assert abs(gaps.mean()) <= 4 * error + 1e-3 * np.mean(present), (group, gaps.mean(), error)


def test_utilization_is_over_engineer_time_on_duty():
    scenario = load_scenario({**SHIFTED, "horizon": "4w"})
    record = simulate_replication(scenario, 1)
    f = replication_figures(record)
    for group in scenario.group_names:
        assert 0 < f[("groups", group, "utilization")] <= 1
    # L1 is on duty 2x40 (early) + 2x40 (late) + 40 (night) + 12 (weekend) = 212 engineer-hours a week; the
    # window is 3 weeks, and a holiday takes one late shift of two engineers
    low, high = scenario.warmup, scenario.horizon
    assert available_hours(scenario, "L1", low, high) == pytest.approx(3 * 212 - 16)
    assert available_hours(scenario, "L2", low, high) == pytest.approx(3 * (80 + 168))


def test_profiled_tickets_are_the_same_for_every_strategy():
    a = draw_tickets(load_scenario({**SHIFTED, "policy": "fifo"}), 0)
    b = draw_tickets(load_scenario({**SHIFTED, "policy": "preemptive"}), 0)
    assert np.array_equal(a.arrived, b.arrived) and np.array_equal(a.work, b.work)


def test_the_bundled_office_hours_desk_shows_the_monday_peak_and_the_overnight_backlog():
    from pathlib import Path

    from supportsim.api import simulate

    path = Path(__file__).resolve().parents[1] / "scenarios" / "office-hours-desk.yaml"
    result = simulate(path, replications=2)
    profile = result.profiles()["variants"]["base"]
    per_day = np.array(profile["arrivals_per_hour"]).reshape(7, 24).sum(axis=1)
    assert per_day.argmax() == 0 and per_day[0] > 1.1 * per_day[1:].max()
    backlog = np.array(profile["backlog"]).reshape(7, 24)
    for day in range(1, 5):  # tickets of the night wait for the morning: more open at 08:00 than at 22:00
        assert backlog[day, 8] > backlog[day - 1, 22]
    summary = result.summary()["variants"]["base"]
    assert "reaction_business" in summary["segments"]["standard"]
    assert "reaction_business" not in summary["segments"]["vip"]  # its SLA runs around the clock
    assert 0 < summary["groups"]["L2"]["ola_met"]["value"] <= 1
