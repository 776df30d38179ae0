"""Shifts, worked out by hand: a replayed trace of a few tickets, deterministic work, and the exact times
first responses and resolutions must have. Times are hours from the start, Monday 2027-01-04 00:00, so
Friday 17:30 is 4*24 + 17.5 = 113.5.

The rule they pin down: an engineer takes no new work off shift; work in progress when a shift ends pauses
and resumes with the same engineer at their next shift start, before anything else they take."""

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.engine import simulate_replication
from supportsim.results import SimulationResult
from supportsim.stats import replication_figures, ticket_table

MON, TUE, WED, THU, FRI, SAT, SUN = (24.0 * d for d in range(7))
WEEK = 168.0


def replay(tmp_path, rows, groups, calendars, *, sla=None, horizon="2w", policy="fifo", entry=None,
           columns="arrived,segment,priority"):
    """Simulate one replication of a scenario that replays ``rows`` (CSV lines after the header)."""
    (tmp_path / "trace.csv").write_text("\n".join([columns, *rows]) + "\n")
    data = {
        "name": "hand", "start": "2027-01-04T00:00", "horizon": horizon, "replications": 1,
        "segments": {"standard": {}}, "priorities": {"P1": 0.5, "P2": 0.5},
        "calendars": calendars, "arrivals": {"trace": str(tmp_path / "trace.csv")},
        "groups": groups, "policy": policy, "sla": sla or {},
    }
    if entry:
        data["entry"] = entry
    scenario = load_scenario(data)
    return simulate_replication(scenario, 0)


def one_engineer(calendar, work="1h"):
    return {"L1": {"staff": [{"count": 1, "calendar": calendar}], "work": {"dist": "deterministic", "mean": work}}}


OFFICE = {"office": {"days": "mon-fri", "hours": "09:00-18:00"}}


@pytest.mark.parametrize("policy", ["fifo", "priority", "preemptive"])
def test_office_hours_friday_evening_saturday_and_monday(tmp_path, policy):
    rows = ["2027-01-08T17:30,standard,P2",   # Friday 17:30: half an hour of work before the shift ends
            "2027-01-09T11:00,standard,P2",   # Saturday: waits for Monday
            "2027-01-11T10:00,standard,P2"]   # Monday 10:00: waits behind the other two
    sla = {"standard": {"reaction": "20m", "resolution": "1h", "clock": "office"}}
    record = replay(tmp_path, rows, one_engineer("office"), OFFICE, sla=sla, policy=policy)
    friday, saturday, monday = FRI + 17.5, SAT + 11, WEEK + MON + 10
    assert record.tickets.arrived.tolist() == [friday, saturday, monday]
    # Friday's ticket: 17:30-18:00, paused over the weekend, resumed Monday 09:00, done 09:30.
    # Saturday's: taken at 09:30 when Friday's is done, 09:30-10:30. Monday's: 10:30-11:30.
    assert record.first_response.tolist() == [friday, WEEK + 9.5, WEEK + 10.5]
    assert record.resolved.tolist() == [WEEK + 9.5, WEEK + 10.5, WEEK + 11.5]
    assert record.interruptions.tolist() == [[0, 0, friday, FRI + 18]]
    assert record.pauses.tolist() == [True]

    table = ticket_table(record)
    assert table["reaction"].tolist() == [0.0, WEEK + 9.5 - saturday, 0.5]
    assert table["resolution"].tolist() == [WEEK + 9.5 - friday, WEEK + 10.5 - saturday, 1.5]
    # on the office clock: Friday's ticket took 30 office minutes on Friday and 30 on Monday
    assert table["reaction_business"].tolist() == [0.0, 0.5, 0.5]
    assert table["resolution_business"].tolist() == [1.0, 1.5, 1.5]

    figures = replication_figures(record)
    seg = ("segments", "standard")
    assert figures[seg + ("sla", "reaction_met")] == pytest.approx(1 / 3)    # 0 <= 20m; 30m twice > 20m
    assert figures[seg + ("sla", "resolution_met")] == pytest.approx(1 / 3)  # 1h <= 1h exactly; 1.5h twice
    assert figures[seg + ("reaction", "mean")] == pytest.approx((0 + 46.5 + 0.5) / 3)
    assert figures[seg + ("reaction_business", "mean")] == pytest.approx(1 / 3)
    assert figures[seg + ("resolution_business", "mean")] == pytest.approx(4 / 3)
    # three hours of work in two weeks of 45 office hours
    assert figures[("groups", "L1", "utilization")] == pytest.approx(3 / 90)


def test_the_sla_clock_only_changes_what_counts_as_met(tmp_path):
    rows = ["2027-01-08T17:30,standard,P2", "2027-01-09T11:00,standard,P2"]
    sla = {"standard": {"reaction": "20m", "resolution": "1h"}}  # around the clock
    record = replay(tmp_path, rows, one_engineer("office"), OFFICE, sla=sla)
    figures = replication_figures(record)
    assert figures[("segments", "standard", "sla", "resolution_met")] == 0.0
    assert ("segments", "standard", "reaction_business", "mean") not in figures


def test_night_shift_across_midnight(tmp_path):
    night = {"night": {"days": ["sun", "mon", "tue", "wed", "thu"], "hours": "22:00-06:00"}}
    rows = ["2027-01-04T05:30,standard,P2",   # Monday 05:30, inside Sunday night's shift: paused at 06:00
            "2027-01-05T03:00,standard,P2",   # Tuesday 03:00: Monday night's shift, done at 04:00
            "2027-01-08T23:00,standard,P2",   # Friday 23:00: no Friday night shift; Sunday 22:00 is next
            "2027-01-10T23:30,standard,P2"]   # Sunday 23:30: its work runs past midnight into the new week
    sla = {"standard": {"reaction": "1h", "resolution": "2h", "clock": "night"}}
    record = replay(tmp_path, rows, one_engineer("night"), night, sla=sla)
    assert record.first_response.tolist() == [MON + 5.5, TUE + 3, SUN + 22, SUN + 23.5]
    assert record.resolved.tolist() == [MON + 22.5, TUE + 4, SUN + 23, SUN + 24.5]
    assert record.pauses.tolist() == [True]  # only the first; midnight and the week's end cut nothing
    table = ticket_table(record)
    assert table["reaction_business"].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert table["resolution_business"].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_a_holiday_keeps_the_desk_closed(tmp_path):
    calendars = {"office": {"days": "mon-fri", "hours": "09:00-18:00", "holidays": ["2027-01-06"]}}  # Wednesday
    rows = ["2027-01-05T17:30,standard,P2",   # Tuesday 17:30: paused at 18:00, resumed Thursday 09:00
            "2027-01-06T10:00,standard,P2"]   # on the holiday: waits for Thursday, behind the paused work
    sla = {"standard": {"reaction": "1h", "resolution": "1h", "clock": "office"}}
    record = replay(tmp_path, rows, one_engineer("office"), calendars, sla=sla, horizon="1w")
    assert record.first_response.tolist() == [TUE + 17.5, THU + 9.5]
    assert record.resolved.tolist() == [THU + 9.5, THU + 10.5]
    table = ticket_table(record)
    assert table["reaction_business"].tolist() == [0.0, 0.5]
    assert table["resolution_business"].tolist() == [1.0, 1.5]
    # two hours of work; the week had 45 - 9 office hours
    assert replication_figures(record)[("groups", "L1", "utilization")] == pytest.approx(2 / 36)


def test_follow_the_sun_pair_of_blocks(tmp_path):
    calendars = {"eu": {"days": "mon-fri", "hours": "08:00-16:00"},
                 "us": {"days": "mon-fri", "hours": "16:00-24:00"},
                 "support": {"days": "mon-fri", "hours": "08:00-24:00"}}
    groups = {"L1": {"staff": [{"count": 1, "calendar": "eu"}, {"count": 1, "calendar": "us"}],
                     "work": {"dist": "deterministic", "mean": "1h"}}}
    rows = ["2027-01-04T15:30,standard,P2",   # Monday 15:30: EU engineer, paused at 16:00, NOT handed to the US
            "2027-01-04T16:30,standard,P2",   # the US engineer, on shift since 16:00, takes it
            "2027-01-04T23:30,standard,P2",   # US engineer, paused at 24:00, resumed Tuesday 16:00
            "2027-01-05T01:00,standard,P2"]   # nobody on duty: EU at 08:00, after resuming Monday's ticket
    sla = {"standard": {"reaction": "1h", "clock": "support"}}
    record = replay(tmp_path, rows, groups, calendars, sla=sla)
    assert record.first_response.tolist() == [MON + 15.5, MON + 16.5, MON + 23.5, TUE + 8.5]
    assert record.resolved.tolist() == [TUE + 8.5, MON + 17.5, TUE + 16.5, TUE + 9.5]
    assert record.engineer.tolist() == [0, 1, 1, 0]  # 0 is the EU engineer, 1 the US engineer
    assert sorted(record.interruptions[:, 1].tolist()) == [0, 1]
    assert ticket_table(record)["reaction_business"].tolist() == [0.0, 0.0, 0.0, 0.5]


def test_ola_counts_pickup_of_escalated_tickets_on_its_clock(tmp_path):
    groups = {
        "L1": {"staff": 1, "work": {"dist": "deterministic", "mean": "15m"}, "escalate": {"L2": 1.0}},
        "L2": {"staff": [{"count": 1, "calendar": "office"}], "work": {"dist": "deterministic", "mean": "1h"},
               "ola": {"pickup": "30m", "clock": "office"}},
    }
    # the trace gives the path and the work at L2; L1's work is drawn (deterministic 15m)
    rows = ["2027-01-08T17:00,standard,P2,L1>L2,2",      # L2 picks it up at once, 17:15; 1.25h left at 18:00
            "2027-01-08T20:00,standard,P2,L1>L2,1",      # reaches L2 at 20:15, picked up Monday 10:15
            "2027-01-08T21:00,standard,P2,L1,"]          # resolved at L1: no escalation, not in the OLA
    record = replay(tmp_path, rows, groups, OFFICE, entry="L1", columns="arrived,segment,priority,path,work_L2")
    t = record.tickets
    assert t.visits.tolist() == [2, 2, 1]
    assert t.work.tolist() == [0.25, 2.0, 0.25, 1.0, 0.25]
    assert record.started.tolist() == [FRI + 17, FRI + 17.25, FRI + 20, WEEK + 10.25, FRI + 21]
    assert record.resolved.tolist() == [WEEK + 10.25, WEEK + 11.25, FRI + 21.25]
    # pickups on the office clock: 0 and 1.25h (Friday evening and the weekend count nothing) against 30m
    assert replication_figures(record)[("groups", "L2", "ola_met")] == 0.5


@pytest.mark.parametrize("policy", ["fifo", "preemptive"])
def test_work_done_exactly_at_the_end_of_a_shift_is_done_and_nothing_new_starts_then(tmp_path, policy):
    rows = ["2027-01-08T17:00,standard,P2",   # Friday 17:00-18:00: done as the shift ends, not paused
            "2027-01-08T17:30,standard,P2"]   # waits; at 18:00 the engineer is off shift: Monday 09:00
    record = replay(tmp_path, rows, one_engineer("office"), OFFICE, policy=policy)
    assert record.resolved.tolist() == [FRI + 18, WEEK + 10]
    assert record.first_response.tolist() == [FRI + 17, WEEK + 9]
    assert len(record.interruptions) == 0


def test_preemption_then_a_shift_end(tmp_path):
    rows = ["2027-01-08T17:00,standard,P2",   # started 17:00, interrupted at 17:30 with half an hour left
            "2027-01-08T17:30,standard,P1"]   # 17:30-18:00, paused; resumed first on Monday, done 09:30
    record = replay(tmp_path, rows, one_engineer("office"), OFFICE, policy="preemptive")
    assert record.resolved.tolist() == [WEEK + 10, WEEK + 9.5]
    assert record.interruptions.tolist() == [[0, 0, FRI + 17, FRI + 17.5], [1, 0, FRI + 17.5, FRI + 18]]
    assert record.pauses.tolist() == [False, True]


def test_the_run_ends_when_every_ticket_is_resolved_although_shifts_recur(tmp_path):
    record = replay(tmp_path, ["2027-01-08T17:30,standard,P2"], one_engineer("office"), OFFICE, horizon="1w")
    assert record.resolved.tolist() == [WEEK + 9.5]


def test_tickets_csv_has_the_business_clock_columns(tmp_path):
    rows = ["2027-01-08T17:30,standard,P2"]
    sla = {"standard": {"resolution": "1h", "clock": "office"}}
    record = replay(tmp_path, rows, one_engineer("office"), OFFICE, sla=sla)
    result = SimulationResult(record.scenario, {"base": [record]}, seed=1)
    lines = result.tickets_csv().splitlines()
    header = lines[0].split(",")
    row = dict(zip(header, lines[1].split(",")))
    assert row["resolution"] == f"{WEEK + 9.5 - (FRI + 17.5):.6f}"
    assert row["resolution_business"] == "1.000000" and row["resolution_sla_met"] == "1"
    profiles = result.profiles()["variants"]["base"]
    on_duty = profiles["groups"]["L1"]["engineers_on_duty"]
    assert on_duty[9] == 1.0 and on_duty[8] == 0.0 and on_duty[5 * 24 + 10] == 0.0
    assert profiles["groups"]["L1"]["utilization"][8] is None  # nobody on duty: no utilization
    # Friday 17:00-18:00 over two weeks: the ticket is open for half an hour of one of them
    assert profiles["backlog"][4 * 24 + 17] == pytest.approx(0.25)
    assert np.isclose(sum(profiles["backlog_over_time"]["values"]), WEEK + 9.5 - (FRI + 17.5))
