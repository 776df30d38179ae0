"""SLA targets {within, clock, attain}, each on its own clock, and working days (bd), worked out by hand on
replayed traces: one engineer on office hours, deterministic work (given per ticket in the trace), and the exact
times and verdicts the rules give. Times are hours from the start, Monday 2027-01-04 00:00."""

import json
from datetime import datetime, timedelta

import pytest

from supportsim import load_scenario
from supportsim.calendar import build_calendar
from supportsim.engine import simulate_replication
from supportsim.loader import ScenarioError
from supportsim.service_targets import calendar_unit_warnings, verdict
from supportsim.stats import sla_met, ticket_table
from supportsim.workdays import add_working_days

MON, TUE, WED, THU, FRI, SAT, SUN = (24.0 * d for d in range(7))
WEEK = 168.0
START = datetime(2027, 1, 4)
OFFICE = {"office": {"days": "mon-fri", "hours": "09:00-18:00"}}


def replay(tmp_path, rows, calendars, sla, *, calendar="office", start="2027-01-04T00:00", tz=None, horizon="3w"):
    """One replication replaying ``rows`` (arrived,work_L1) on one engineer of ``calendar``."""
    (tmp_path / "trace.csv").write_text("\n".join(["arrived,work_L1", *rows]) + "\n")
    data = {
        "name": "hand", "start": start, "horizon": horizon, "replications": 1, "segments": {"standard": {}},
        "calendars": calendars, "arrivals": {"trace": str(tmp_path / "trace.csv")},
        "groups": {"L1": {"staff": [{"count": 1, "calendar": calendar}],
                          "work": {"dist": "deterministic", "mean": "1h"}}},
        "sla": {"standard": sla},
    }
    if tz:
        data["tz"] = tz
    record = simulate_replication(load_scenario(data), 0)
    table = ticket_table(record)
    return record, table, sla_met(record, table)


def at(hours: float) -> datetime:
    return START + timedelta(hours=float(hours))


def test_reaction_around_the_clock_and_resolution_on_office_hours_for_a_friday_1755_ticket(tmp_path):
    """A ticket at Friday 17:00 keeps the engineer busy to 18:00; the one at 17:55 waits for Monday 09:00 and
    is done at 10:00. Reaction: 63h05m on the 24x7 clock (missed against 15m) but 5 minutes on office hours
    (which would have called it met); resolution: 5m + 1h = 1h05m of office time (met against 8h)."""
    rows = ["2027-01-08T17:00,1", "2027-01-08T17:55,1"]
    sla = {"reaction": {"within": "15m", "clock": "always"}, "resolution": {"within": "8h", "clock": "office"}}
    record, table, met = replay(tmp_path, rows, OFFICE, sla)
    assert record.first_response.tolist() == [FRI + 17, WEEK + 9]
    assert record.resolved.tolist() == [FRI + 18, WEEK + 10]
    assert table["reaction_business"][1] == pytest.approx(63 + 5 / 60, abs=1e-9)      # 24x7: wall time
    assert table["resolution_business"][1] == pytest.approx(1 + 5 / 60, abs=1e-9)     # office hours
    assert met["reaction_met"].tolist() == [1.0, 0.0]
    assert met["resolution_met"].tolist() == [1.0, 1.0]
    # the same reaction target counted on the office clock: 5 minutes, met (the figure issue 12 found misleading)
    _, table, met = replay(tmp_path, rows, OFFICE, {**sla, "reaction": {"within": "15m", "clock": "office"}})
    assert table["reaction_business"][1] == pytest.approx(5 / 60, abs=1e-9)
    assert met["reaction_met"].tolist() == [1.0, 1.0]


def test_a_segment_clock_is_the_default_of_its_targets_and_shorthand_still_reads():
    s = load_scenario({"name": "x", "start": "2027-01-04T00:00", "horizon": "1w", "segments": {"a": {}},
                       "arrivals": {"rate": "1/h"}, "calendars": OFFICE,
                       "groups": {"L1": {"staff": 2, "work": {"dist": "exponential", "mean": "10m"}}},
                       "sla": {"a": {"reaction": "15m", "resolution": {"within": "5bd", "attain": "90%"},
                                     "clock": "office"}}})
    assert s.sla["a"].reaction.within.hours == 0.25 and s.sla["a"].reaction.clock is None
    assert s.sla["a"].resolution.within.working_days == 5 and s.sla["a"].resolution.attain == 0.9
    from supportsim.service_targets import placed_targets

    assert [(p.path, p.clock) for p in placed_targets(s)] == [("sla.a.reaction", "office"), ("sla.a.resolution", "office")]


def test_five_working_days_across_a_weekend_and_a_holiday(tmp_path):
    """Thursday 2027-01-07 14:00 + 5bd, Tuesday 2027-01-12 a holiday: Fri 8, Mon 11, Wed 13, Thu 14, Fri 15 ->
    due Friday 2027-01-15 14:00, which is 45 office hours later. The first ticket (44.9h of work) resolves at
    13:54 and meets it; the second, queued behind with 12 minutes of work, resolves at 14:06 and misses it."""
    calendars = {"office": {"days": "mon-fri", "hours": "09:00-18:00", "holidays": ["2027-01-12"]}}
    office = load_scenario({"name": "x", "start": "2027-01-04T00:00", "horizon": "1w", "segments": {"a": {}},
                            "arrivals": {"rate": "1/h"}, "calendars": calendars,
                            "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1m"}}}}
                           ).calendar("office")
    due = add_working_days(office, [THU + 14], 5)[0]
    assert at(due) == datetime(2027, 1, 15, 14, 0)
    # a Saturday arrival moves to Monday 09:00 and is due at the close of the fifth working day
    assert at(add_working_days(office, [SAT + 10], 5)[0]) == datetime(2027, 1, 18, 18, 0)
    # a Tuesday 14:00 arrival with no holiday in between: the next Tuesday 14:00 (here the holiday is on the way)
    assert at(add_working_days(office, [WEEK + WED + 14], 5)[0]) == datetime(2027, 1, 20, 14, 0)
    assert at(add_working_days(office, [TUE + 14], 5)[0]) == datetime(2027, 1, 13, 14, 0)  # skips the 12th
    rows = ["2027-01-07T14:00,44.9", "2027-01-07T14:00,0.2"]
    record, _table, met = replay(tmp_path, rows, calendars, {"resolution": {"within": "5bd", "clock": "office"}})
    assert [at(t) for t in record.resolved] == [datetime(2027, 1, 15, 13, 54), datetime(2027, 1, 15, 14, 6)]
    assert met["resolution_met"].tolist() == [1.0, 0.0]


def test_working_days_on_an_overnight_calendar(tmp_path):
    """Night shifts Sunday to Thursday 22:00-06:00: a night belongs to the day it starts. A ticket at Tuesday
    03:00 is in Monday's night; 2bd later is the same time of Wednesday's night, Thursday 03:00. The first ticket
    (15h of work: 3h, then 8h on Tuesday night, then 4h) resolves Thursday 02:00 and meets it; the second,
    behind it with 1.5h, resolves 03:30 and misses."""
    calendars = {"night": {"days": "sun-thu", "hours": "22:00-06:00"}}
    night = build_calendar(start=START, days="sun-thu", hours="22:00-06:00")
    assert at(add_working_days(night, [TUE + 3], 2)[0]) == datetime(2027, 1, 7, 3, 0)
    assert at(add_working_days(night, [TUE + 23], 2)[0]) == datetime(2027, 1, 7, 23, 0)
    # a Saturday arrival: Sunday's night is its first day; due at the close of Monday's night (Tuesday 06:00)
    assert at(add_working_days(night, [SAT + 12], 2)[0]) == datetime(2027, 1, 12, 6, 0)
    rows = ["2027-01-05T03:00,15", "2027-01-05T03:00,1.5"]
    record, _, met = replay(tmp_path, rows, calendars, {"resolution": {"within": "2bd", "clock": "night"}},
                            calendar="night")
    assert [at(t) for t in record.resolved] == [datetime(2027, 1, 7, 2, 0), datetime(2027, 1, 7, 3, 30)]
    assert met["resolution_met"].tolist() == [1.0, 0.0]


def test_working_days_on_split_shifts():
    """08:00-12:00 and 14:00-18:00: Monday 13:00 (the break) moves to 14:00; 1bd later is Tuesday 14:00, the
    start of the afternoon shift, which is the same point of working time as the close of the morning: 12:00."""
    split = build_calendar(start=START, days="mon-fri", hours=["08:00-12:00", "14:00-18:00"])
    assert at(add_working_days(split, [MON + 13], 1)[0]) == datetime(2027, 1, 5, 12, 0)
    assert at(add_working_days(split, [MON + 10], 1)[0]) == datetime(2027, 1, 5, 10, 0)
    assert split.business_hours(MON + 13, add_working_days(split, [MON + 13], 1)[0]) == pytest.approx(8.0)


def test_follow_the_sun_across_a_daylight_saving_change(tmp_path):
    """One engineer on New York office hours (09:00-17:00), the scenario on Berlin time. On Monday 2027-03-08
    New York is 6 hours behind: a ticket at 14:30 Berlin (08:30 there) waits to 15:00. On 2027-03-15 New York
    has moved to summer time and Berlin not yet: 14:30 Berlin is 09:30 there, picked up at once. A fixed
    offset would be an hour off that week."""
    calendars = {"us": {"days": "mon-fri", "hours": "09:00-17:00", "tz": "America/New_York"}}
    rows = ["2027-03-08T14:30,3", "2027-03-15T14:30,3"]
    record, table, met = replay(tmp_path, rows, calendars, {"reaction": {"within": "15m", "clock": "always"},
                                                            "resolution": {"within": "3h", "clock": "us"}},
                                calendar="us", start="2027-03-08T00:00", tz="Europe/Berlin")
    assert record.first_response.tolist() == [15.0, WEEK + 14.5]
    assert record.resolved.tolist() == [18.0, WEEK + 17.5]
    assert met["reaction_met"].tolist() == [0.0, 1.0]
    assert table["resolution_business"].tolist() == pytest.approx([3.0, 3.0])
    # Berlin's own office across its change on 2027-03-28: Monday 09:00 comes an hour earlier in elapsed time
    from zoneinfo import ZoneInfo

    from supportsim.zones import zoned_calendar

    berlin = zoned_calendar(start=datetime(2027, 3, 22, tzinfo=ZoneInfo("Europe/Berlin")), days="mon-fri",
                            hours="09:00-17:00", tz="Europe/Berlin")
    assert berlin.intervals(0, 2 * WEEK)[:6] == [(9.0, 17.0), (33.0, 41.0), (57.0, 65.0), (81.0, 89.0),
                                                  (105.0, 113.0), (WEEK + 8, WEEK + 16)]
    assert berlin.business_hours(0.0, 2 * WEEK) == pytest.approx(80.0)


def test_a_fixed_offset_stays_valid_and_tz_without_a_zone_for_start_is_refused():
    base = {"name": "x", "start": "2027-01-04T00:00", "horizon": "1w", "segments": {"a": {}},
            "arrivals": {"rate": "1/h"}, "groups": {"L1": {"staff": [{"count": 1, "calendar": "c"}],
                                                           "work": {"dist": "exponential", "mean": "1m"}}}}
    s = load_scenario({**base, "calendars": {"c": {"days": "mon-fri", "hours": "09:00-17:00", "offset": "+3h"}}})
    assert s.calendar("c").intervals(0, 24) == [(6.0, 14.0)]
    with pytest.raises(ScenarioError, match="calendars.c.tz: needs a start in a known zone"):
        load_scenario({**base, "calendars": {"c": {"days": "mon-fri", "tz": "Europe/Moscow"}}})
    with pytest.raises(ScenarioError, match="unknown time zone 'Mars/Olympus'"):
        load_scenario({**base, "tz": "Mars/Olympus"})
    s = load_scenario({**base, "start": "2027-01-04T00:00+03:00", "calendars": {"c": {"days": "mon-fri", "hours": "09:00-17:00", "tz": "Europe/Moscow"}}})
    assert s.calendar("c").intervals(0, 24) == [(9.0, 17.0)]


@pytest.mark.parametrize("within, fragment", [
    ("1.5bd", "working days are whole"), ("0bd", "at least 1bd"), ("5x", "or bd: working days"),
    ("100000bd", "at most 400bd"),
    ("0h", "more than 0"),
])
def test_bad_targets_name_their_key_path(within, fragment):
    with pytest.raises(ScenarioError) as caught:
        load_scenario({"name": "x", "horizon": "1w", "segments": {"a": {}}, "arrivals": {"rate": "1/h"},
                       "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1m"}}},
                       "sla": {"a": {"resolution": {"within": within}}}})
    assert "sla.a.resolution.within" in str(caught.value) and fragment in str(caught.value)


def test_an_unknown_target_clock_or_attain_out_of_range_is_an_error():
    base = {"name": "x", "horizon": "1w", "segments": {"a": {}}, "arrivals": {"rate": "1/h"},
            "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1m"}}}}
    with pytest.raises(ScenarioError, match="sla.a.reaction.clock: unknown calendar 'ofice'"):
        load_scenario({**base, "sla": {"a": {"reaction": {"within": "1h", "clock": "ofice"}}}})
    with pytest.raises(ScenarioError, match="sla.a.reaction.attain: .*at most 100%"):
        load_scenario({**base, "sla": {"a": {"reaction": {"within": "1h", "attain": "120%"}}}})


def test_days_and_weeks_on_an_office_clock_warn_and_the_bundled_scenarios_do_not():
    s = load_scenario({"name": "x", "start": "2027-01-04T00:00", "horizon": "1w", "segments": {"a": {}},
                       "arrivals": {"rate": "1/h"}, "calendars": OFFICE,
                       "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1m"}}},
                       "sla": {"a": {"reaction": "1d", "resolution": {"within": "1w", "clock": "office"}}}})
    warnings = calendar_unit_warnings(s)
    assert [path for path, _ in warnings] == ["sla.a.resolution"]   # 1d on 24x7 is 24 hours, as written
    assert "write '7bd' for working days, or '168h'" in warnings[0][1]
    from pathlib import Path

    for path in sorted(Path(__file__).parent.parent.glob("scenarios/*.yaml")):
        assert calendar_unit_warnings(load_scenario(path)) == [], path


def test_the_verdict_follows_the_interval():
    assert verdict(0.9, 0.95, 0.91, 0.99) == "met"
    assert verdict(0.9, 0.95, 0.90, 0.99) == "met"
    assert verdict(0.9, 0.85, 0.80, 0.89) == "missed"
    assert verdict(0.9, 0.91, 0.88, 0.94) == "inconclusive"
    assert verdict(0.9, 0.95, None, None) == "inconclusive"


def test_summary_verdicts_agree_with_the_attainment_intervals():
    """Targets with attain set well below, near and well above what a desk attains: summary.json's verdict is
    met exactly when the interval is at or above attain and missed exactly when it is below."""
    from supportsim.api import simulate

    attains = ["5%", "50%", "99.9%", "100%"]
    sla = {"a": {"reaction": {"within": "20m", "attain": attains[0]},
                 "resolution": {"within": "1h", "clock": "always", "attain": attains[2]}},
           "b": {"reaction": {"within": "20m", "attain": attains[1]}, "resolution": {"within": "1h", "attain": attains[3]}}}
    result = simulate({"name": "v", "horizon": "300h", "replications": 5, "seed": 4,
                       "segments": {"a": {"share": 0.5}, "b": {"share": 0.5}}, "arrivals": {"rate": "4/h"},
                       "groups": {"L1": {"staff": 5, "work": {"dist": "exponential", "mean": "1h"},
                                         "escalate": {"L2": 0.3}},
                                  "L2": {"staff": 2, "work": {"dist": "exponential", "mean": "30m"},
                                         "ola": {"pickup": {"within": "30m", "attain": "80%"}}}},
                       "entry": "L1", "sla": sla})
    summary = json.loads(json.dumps(result.summary()))
    judged = summary["variants"]["base"]["targets"]
    assert list(judged) == ["sla.a.reaction", "sla.a.resolution", "sla.b.reaction", "sla.b.resolution",
                            "groups.L2.ola.pickup"]
    seen = set()
    for path, t in judged.items():
        low, high = t["attainment"]["ci95"]
        expected = "met" if low >= t["attain"] else "missed" if high < t["attain"] else "inconclusive"
        assert t["verdict"] == expected, path
        # the attainment is the figure the segment reports
        parts = path.split(".")
        figure = (summary["variants"]["base"]["segments"][parts[1]]["sla"][f"{parts[2]}_met"] if parts[0] == "sla"
                  else summary["variants"]["base"]["groups"][parts[1]]["ola_met"])
        assert figure == t["attainment"]
        seen.add(t["verdict"])
    assert {"met", "missed"} <= seen
    assert summary["format"] == 2 and summary["formats"] == {"tickets.csv": 2}
    assert summary["variants"]["base"]["clocks"]["a"] == {"reaction": "always", "resolution": "always"}


@pytest.mark.parametrize("calendar, arrival, n, due", [
    ({"days": "mon-fri", "hours": "09:00-18:00"}, datetime(2027, 1, 5, 14), 5, datetime(2027, 1, 12, 14)),
    ({"days": "mon-fri", "hours": "09:00-18:00", "holidays": [datetime(2027, 1, 12).date()]},
     datetime(2027, 1, 7, 14), 5, datetime(2027, 1, 15, 14)),
    ({"days": "mon-fri", "hours": "09:00-18:00"}, datetime(2027, 1, 9, 10), 5, datetime(2027, 1, 15, 18)),
    ({"days": "mon-fri", "hours": "09:00-18:00"}, datetime(2027, 1, 4, 7), 1, datetime(2027, 1, 4, 18)),
    ({"days": "mon-fri", "hours": ["08:00-12:00", "14:00-18:00"]}, datetime(2027, 1, 4, 13), 1, datetime(2027, 1, 5, 12)),
    ({"days": "mon-fri", "hours": ["08:00-12:00", "14:00-18:00"]}, datetime(2027, 1, 4, 10), 1, datetime(2027, 1, 5, 10)),
    ({"days": "sun-thu", "hours": "22:00-06:00"}, datetime(2027, 1, 5, 3), 2, datetime(2027, 1, 7, 3)),
    ({"days": "sun-thu", "hours": "22:00-06:00"}, datetime(2027, 1, 5, 23), 2, datetime(2027, 1, 7, 23)),
    ({"days": "sun-thu", "hours": "22:00-06:00"}, datetime(2027, 1, 9, 12), 2, datetime(2027, 1, 12, 6)),
], ids=range(9))
def test_the_working_days_table_of_working_time_md(calendar, arrival, n, due):
    built = build_calendar(start=START, **calendar)
    hours = (arrival - START) / timedelta(hours=1)
    assert at(add_working_days(built, [hours], n)[0]) == due


def test_the_software_vendor_desk_is_written_as_the_manager_said_it():
    """The desk of issue 12, without arithmetic: 120 per working day, Moscow office hours, a holiday range, VIP
    reaction 15 minutes around the clock, VIP resolution 8 business hours, standard 4 business hours and 5
    business days, each with its share."""
    from pathlib import Path

    from supportsim.arrival_calendar import PerWorkingDay
    from supportsim.service_targets import placed_targets

    s = load_scenario(Path(__file__).parent.parent / "scenarios" / "software-vendor.yaml")
    assert s.format == 2 and s.tz == "Europe/Moscow" and s.arrivals.rate == PerWorkingDay(120)
    assert s.calendars["office"].tz == "Europe/Moscow" and s.calendars["office"].holiday_dates[:8] == [
        datetime(2027, 1, d).date() for d in range(1, 9)]
    said = {p.path: (str(p.target.within), p.clock, p.target.attain) for p in placed_targets(s)}
    assert said == {"sla.vip.reaction": ("15m", "always", 0.95), "sla.vip.resolution": ("8h", "office", 0.9),
                    "sla.standard.reaction": ("4h", "office", 0.9), "sla.standard.resolution": ("5bd", "office", 0.95),
                    "sla.standard.by_type.request.resolution": ("10bd", "office", 0.95),
                    "groups.L2.ola.pickup": ("4h", "office", 0.8)}
    assert [b.calendar for b in s.groups["L3"].blocks] == ["always"]
    assert all(rho < 1 for rho in s.offered_load().values())
    assert calendar_unit_warnings(s) == []


def test_the_report_reads_an_older_summary_with_a_note_and_refuses_a_newer_one(tmp_path):
    from supportsim.api import simulate
    from supportsim.report import ReportError, read_results

    result = simulate({"name": "r", "horizon": "50h", "replications": 2, "segments": {"a": {}},
                       "arrivals": {"rate": "2/h"}, "groups": {"L1": {"staff": 2, "work": {"dist": "exponential", "mean": "20m"}}},
                       "sla": {"a": {"reaction": "15m"}}})
    result.save(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert not any("format" in note for note in read_results(tmp_path).notes)

    def rewrite(document):  # as that version would have written it, the folder's manifest agreeing
        from supportsim.manifest import file_digest

        (tmp_path / "summary.json").write_text(json.dumps(document))
        manifest = json.loads((tmp_path / "manifest.json").read_text())
        manifest["files"]["summary.json"] = file_digest(tmp_path / "summary.json")
        (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    del summary["format"]
    rewrite(summary)
    assert any(n.startswith("summary.json format 1: SLA attainment was counted on one clock per segment")
               for n in read_results(tmp_path).notes)
    summary["format"] = 3
    rewrite(summary)
    with pytest.raises(ReportError, match="is summary.json format 3, newer than this supportsim reads"):
        read_results(tmp_path)
