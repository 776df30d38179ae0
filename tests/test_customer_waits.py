"""Waiting on the customer, paused clocks, auto-close and reopen, against hand-worked values and exact laws.

The replayed cases place tickets by hand, with deterministic work and waits, on a Monday (time 0 is Monday
00:00); every expected number below is worked out in the comment next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from supportsim import ScenarioError, load_scenario
from supportsim.api import simulate
from supportsim.lifecycle_figures import ticket_columns
from supportsim.stats import sla_met, ticket_table

HOUR = {"dist": "deterministic", "mean": "1h"}
TWO_HOURS = {"dist": "deterministic", "mean": "2h"}


def replay(tmp_path, rows: list[str], staff=1, **extra) -> tuple:
    """Replay ``rows`` (arrived,segment,type) on one group; returns the record and its ticket table."""
    trace = tmp_path / "tickets.csv"
    trace.write_text("arrived,segment,type\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = {
        "name": "replayed", "start": "2027-01-04T00:00", "horizon": "1w", "replications": 1,
        "calendars": {"office": {"days": "mon-fri", "hours": "09:00-18:00"}},
        "segments": {"vip": {"share": 0.5, "vip": True, "auto_close": False}, "standard": {"share": 0.5}},
        "types": {"incident": {"share": 0.5}, "request": {"share": 0.5}},
        "arrivals": {"trace": str(trace)},
        "groups": {"desk": {"staff": staff, "work": TWO_HOURS, "waiting_by_type": {"request": {
            "probability": 1, "duration": {"dist": "deterministic", "mean": "5h"}, "after": "50%"}}}},
        **extra,
    }
    record = simulate(load_scenario(data), replications=1).records["base"][0]
    return record, ticket_table(record)


def test_a_wait_frees_the_engineer_and_the_clock_pauses_for_resolution(tmp_path):
    # A 08:00: works 08-09, waits 09-14, works 14-15.  B 09:30: the engineer is free (A waits): 09:30-10:30,
    # waits 10:30-15:30, works 15:30-16:30.  C 10:00 (an incident, no wait): waits for B until 10:30, works
    # 10:30-12:30.
    sla = {"standard": {"reaction": {"within": "1h", "clock": "office"},
                        "resolution": {"within": "3h", "clock": "office"}},
           "vip": {"resolution": {"within": "3h", "pause_on_waiting": False}}}
    record, table = replay(tmp_path, ["2027-01-04T08:00,standard,request", "2027-01-04T09:30,standard,request",
                                      "2027-01-04T10:00,vip,incident"], sla=sla)
    assert table["first_response"].tolist() == [8.0, 9.5, 10.5]
    assert table["resolved"].tolist() == [15.0, 16.5, 12.5]
    assert table["resolution"].tolist() == [7.0, 7.0, 2.5]
    assert table["waiting_on_customer"].tolist() == [5.0, 5.0, 0.0]
    # standard targets run on office hours (09-18) and resolution pauses while the customer is away:
    # A: 09-15 on the clock is 6h, less 09-14 waiting = 1h; B: 09:30-16:30 is 7h less 5h = 2h
    assert table["resolution_business"][:2].tolist() == pytest.approx([1.0, 2.0])
    # reaction does not pause (and the office opens at 09:00: A's reaction is 0 office hours)
    assert table["reaction_business"][:2].tolist() == pytest.approx([0.0, 0.0])
    met = sla_met(record, table)
    assert met["resolution_met"][:2].tolist() == [1.0, 1.0]  # 1h and 2h of 3h
    # C is VIP with a 3h target that does not pause (nothing to pause: an incident never waits): 2.5h, met
    assert met["resolution_met"][2] == 1.0


def test_without_the_pause_a_wait_counts(tmp_path):
    sla = {"standard": {"resolution": {"within": "3h", "pause_on_waiting": False}}}
    record, table = replay(tmp_path, ["2027-01-04T08:00,standard,request"], sla=sla)
    assert table["resolution_business"].tolist() == [7.0]
    assert sla_met(record, table)["resolution_met"].tolist() == [0.0]


def test_auto_close_fires_at_exactly_the_threshold_and_never_for_a_segment_that_forbids_it(tmp_path):
    # waits of 5h, auto-close after 4h: the standard ticket waiting from 09:00 is closed at 13:00 exactly; the
    # VIP ticket (auto_close: false) waits its 5h and is resolved; a wait of exactly the limit is not too long
    sla = {"standard": {"resolution": "1d"}, "vip": {"resolution": "1d"}}
    record, table = replay(tmp_path, ["2027-01-04T08:00,standard,request", "2027-01-04T20:00,vip,request"],
                           sla=sla, auto_close={"after": "4h"})
    assert record.closed[0] == 13.0 and math.isnan(record.closed[1])
    assert math.isnan(table["resolved"][0]) and table["resolved"][1] == 27.0  # 20-21, waits 21-02, 02-03
    assert table["auto_closed"].tolist() == [1, 0]
    assert table["waiting_on_customer"].tolist() == [4.0, 5.0]  # the closed one waited until it was closed
    assert sla_met(record, table)["resolution_met"].tolist() == [0.0, 1.0]  # closed unresolved: missed
    assert record.tickets.visits.tolist() == [1, 2]  # the closed ticket's rest of work never happened
    _, table = replay(tmp_path, ["2027-01-04T08:00,standard,request"], auto_close={"after": "5h"})
    assert table["auto_closed"].tolist() == [0]


def test_auto_close_counts_the_wait_on_its_clock(tmp_path):
    # office hours 09-18; 2 office hours allowed. A wait from 17:00 Monday: 17-18 is one, Tuesday 09-10 the
    # other, so the ticket is closed at Tuesday 10:00 (hour 34); its 20h wait would end at 37.
    waiting = {"request": {"probability": 1, "duration": {"dist": "deterministic", "mean": "20h"}}}
    record, table = replay(tmp_path, ["2027-01-04T16:00,standard,request"], auto_close={"after": "2h", "clock": "office"},
                           groups={"desk": {"staff": 1, "work": TWO_HOURS, "waiting_by_type": waiting}})
    assert record.closed.tolist() == [34.0]
    # and in working days: 1bd from Monday 17:00 is Tuesday 17:00 (hour 41), within the 20h wait (to 37): kept
    record, _ = replay(tmp_path, ["2027-01-04T16:00,standard,request"], auto_close={"after": "1bd", "clock": "office"},
                       groups={"desk": {"staff": 1, "work": TWO_HOURS, "waiting_by_type": waiting}})
    assert math.isnan(record.closed[0])


def test_the_answer_goes_back_to_the_engineer_or_to_the_front(tmp_path):
    # two engineers; A (request) 01:00 with engineer 0: 01-02, waits to 07. B (request) 06:30 also engineer 0 (the
    # last freed): 06:30-07:30. A comes back at 07:00: with rejoin engineer it waits for engineer 0 (until 07:30)
    # although engineer 1 is free; with rejoin back engineer 1 takes it at once.
    rows = ["2027-01-04T01:00,standard,request", "2027-01-04T06:30,standard,request"]
    for rejoin, start, engineer in (("engineer", 7.5, 0), ("back", 7.0, 1)):
        waiting = {"request": {"probability": 1, "duration": {"dist": "deterministic", "mean": "5h"},
                               "rejoin": rejoin}}
        record, _ = replay(tmp_path, rows, staff=2, groups={"desk": {"staff": 2, "work": TWO_HOURS,
                                                                      "waiting_by_type": waiting}})
        assert (record.started[1], record.engineer[1]) == (start, engineer)
    # one engineer; A (request) 00:00-01:00 waits 2.5h to 03:30. X (incident, 2h) 01-03; Y 02:00 works 03-05;
    # Z 03:12 queues. A comes back at 03:30: at the front it goes before Z (05-06, Z 06-08); at the back after
    # Z (Z 05-07, A 07-08)
    rows = ["2027-01-04T00:00,standard,request", "2027-01-04T01:00,standard,incident",
            "2027-01-04T02:00,standard,incident", "2027-01-04T03:12,standard,incident"]
    for rejoin, a_back, z_start in (("front", 5.0, 6.0), ("back", 7.0, 5.0)):
        waiting = {"request": {"probability": 1, "duration": {"dist": "deterministic", "mean": "2.5h"},
                               "rejoin": rejoin}}
        record, table = replay(tmp_path, rows, groups={"desk": {"staff": 1, "work": TWO_HOURS,
                                                                "waiting_by_type": waiting}})
        assert record.started[1] == a_back and table["first_response"][3] == pytest.approx(z_start)


def test_resolutions_per_ticket_follow_the_geometric_law():
    # each resolution reopens with r = 0.3: P(n resolutions) = (1 - r) r^(n - 1)
    r = 0.3
    data = {"name": "reopen", "horizon": "2000h", "seed": 3, "segments": {"all_customers": {"share": 1}},
            "arrivals": {"rate": "3/h"}, "groups": {"desk": {"staff": 20, "work": {"dist": "exponential",
                                                                                  "mean": "1h"}}},
            "reopen": {"probability": r, "delay": {"dist": "exponential", "mean": "1d"}}}
    record = simulate(load_scenario(data), replications=1).records["base"][0]
    resolutions = ticket_columns(record)["reopens"] + 1
    top = 6
    observed = np.bincount(np.minimum(resolutions, top), minlength=top + 1)[1:]
    law = np.array([(1 - r) * r ** (n - 1) for n in range(1, top)] + [r ** (top - 1)])
    assert st.chisquare(observed, law * len(resolutions)).pvalue > 1e-4
    # resolution runs to the last one: never before the reopened work is done
    table = ticket_table(record)
    reopened = resolutions > 1
    assert (table["resolution"][reopened] > 0).all()
    assert np.all(record.resolved >= record.ended[record.tickets.offset])


def test_reopens_add_to_the_offered_load():
    data = {"name": "reopen", "horizon": "100h", "segments": {"all_customers": {"share": 1}},
            "arrivals": {"rate": "2/h"}, "groups": {"desk": {"staff": 4, "work": HOUR}},
            "reopen": {"probability": 0.2, "delay": {"dist": "deterministic", "mean": "1h"},
                       "work": {"dist": "deterministic", "mean": "30m"}}}
    # 2 tickets/h x 1h, plus 0.2 / 0.8 = 0.25 reopens per ticket of 0.5h: 2.25 of 4 engineers
    assert load_scenario(data).offered_load()["desk"] == pytest.approx(2.25 / 4)


def test_bad_lifecycle_keys_name_their_key_path():
    base = {"name": "bad", "horizon": "100h", "segments": {"all_customers": {"share": 1}},
            "arrivals": {"rate": "2/h"}}
    wait = {"probability": 0.2, "duration": HOUR, "rejoin": "front"}
    with pytest.raises(ScenarioError, match="groups.desk.waiting.rejoin"):
        load_scenario({**base, "policy": {"kind": "deadline"},
                       "groups": {"desk": {"staff": 2, "work": HOUR, "waiting": wait}}})
    with pytest.raises(ScenarioError, match="groups.desk.waiting_by_type.request"):
        load_scenario({**base, "groups": {"desk": {"staff": 2, "work": HOUR, "waiting_by_type": {"request": wait}}}})
    with pytest.raises(ScenarioError, match="auto_close.clock"):
        load_scenario({**base, "auto_close": {"after": "3d", "clock": "office"},
                       "groups": {"desk": {"staff": 2, "work": HOUR}}})
