"""Arrivals that vary over the week, incident bursts and replayed traces; and the errors bad input gets."""

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from supportsim import load_scenario
from supportsim.calendar import profile_table
from supportsim.cli import main
from supportsim.loader import ScenarioError
from supportsim.tickets import burst_times, draw_tickets

PROFILE = {"weekdays": {"mon": 1.3, "tue": 1.1, "fri": 0.9, "sat": 0.2, "sun": 0.2},
           "hours": {"00-07": 0.1, "07-09": 0.8, "09-12": 1.6, "12-14": 1.1, "14-18": 1.4, "18-24": 0.3}}


def scenario(**changes):
    data = {
        "name": "arrivals", "start": "2027-01-06T09:00", "horizon": "1000h", "seed": 3,
        "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
        "priorities": {"P1": 0.1, "P2": 0.9},
        "arrivals": {"rate": "120/d", "profile": PROFILE},
        "groups": {"L1": {"staff": 10, "work": {"dist": "exponential", "mean": "1h"}}},
    }
    data.update(changes)
    return load_scenario(data)


def test_arrivals_per_hour_of_week_follow_the_profile():
    """200 weeks and a bit, starting on a Wednesday 09:00: counts per hour of week against the rate times the
    hours of that kind the horizon holds (counted here one clock hour at a time). Chi-square at a
    significance no correct sampler will reach."""
    hours = 200 * 168 + 30
    s = scenario(horizon=f"{hours}h")
    arrived = draw_tickets(s, 0).arrived
    phase = 2 * 24 + 9  # Wednesday 09:00 is hour 57 of the week
    exposure = np.bincount((phase + np.arange(hours)) % 168, minlength=168)
    expected = 5.0 * profile_table(PROFILE["weekdays"], PROFILE["hours"]) * exposure
    observed = np.bincount(((np.floor(arrived) + phase) % 168).astype(int), minlength=168)
    assert observed.sum() == pytest.approx(expected.sum(), rel=6 / np.sqrt(expected.sum()))
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 1e-6
    # within each hour the rate is constant: positions within the hour are uniform
    assert stats.kstest(arrived % 1.0, "uniform").pvalue > 1e-6
    # exactly: the Poisson count over the whole run is within 6 sigma of its mean
    assert abs(len(arrived) - expected.sum()) <= 6 * np.sqrt(expected.sum())


def test_a_short_peak_is_never_skipped():
    """One hour a week at 100 times the rate: the sampler must put its tickets in that hour."""
    spike = {"hours": {"00-10": 0.01, "10-11": 1.0, "11-24": 0.01}, "weekdays": {"tue": 100.0}}
    s = scenario(start="2027-01-04T00:00", horizon="20w", arrivals={"rate": "10/d", "profile": spike})
    arrived = draw_tickets(s, 0).arrived
    in_peak = ((arrived % 168) >= 34) & ((arrived % 168) < 35)
    table = profile_table(spike["weekdays"], spike["hours"])
    share = table[34] / table.sum()
    n = len(arrived)
    assert abs(in_peak.mean() - share) <= 6 * np.sqrt(share * (1 - share) / n)


def test_burst_tickets_fall_inside_their_incident_window():
    rng = np.random.default_rng(7)
    starts, times = burst_times(every=24.0, tickets=25, within=2.0, horizon=24 * 400, rng=rng)
    assert abs(len(starts) - 400) <= 6 * np.sqrt(400)
    windows = times.reshape(len(starts), 25)
    assert np.all(windows >= starts[:, None]) and np.all(windows < starts[:, None] + 2.0)
    # an incident just before the horizon is cut there: arrivals stop at the horizon
    starts, times = burst_times(every=1.0, tickets=5, within=10.0, horizon=3.0, rng=rng)
    assert np.all(times < 3.0)


def test_bursts_join_the_ticket_stream_with_their_priority_and_segment():
    bursts = [{"every": "1w", "tickets": 25, "within": "2h", "priority": "P1", "segment": "vip"}]
    s = scenario(arrivals={"rate": "24/d", "bursts": bursts}, horizon="40w")
    t = draw_tickets(s, 2)
    from_burst = t.burst >= 0
    n_incidents = int(t.burst.max()) + 1
    assert abs(n_incidents - 40) <= 6 * np.sqrt(40)
    assert from_burst.sum() == 25 * n_incidents
    assert np.all(t.priority[from_burst] == 0) and np.all(t.segment[from_burst] == 0)
    assert np.all(np.diff(t.arrived) >= 0)
    for k in range(n_incidents):
        times = t.arrived[t.burst == k]
        assert times.max() - times.min() < 2.0
    # the regular arrivals are those a scenario without bursts draws
    plain = draw_tickets(scenario(arrivals={"rate": "24/d"}, horizon="40w"), 2)
    assert np.array_equal(t.arrived[~from_burst], plain.arrived)
    assert s.mean_arrival_rate == pytest.approx(1.0 + 25 / 168)


def write_scenario(folder: Path, trace_rows: list[str], header="arrived,segment,priority,work_L1", **extra) -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "tickets.csv").write_text("\n".join([header, *trace_rows]) + "\n")
    lines = [
        "name: replay",
        f"start: {extra.get('start', '2027-01-04T00:00')}",
        "horizon: 2w",
        "segments: {vip: {vip: true}, standard: {}}",
        "priorities: {P1: 0.5, P2: 0.5}",
        "arrivals:",
        "  trace: data/tickets.csv",
        "groups:",
        "  L1: {staff: 2, work: {dist: exponential, mean: 1h}}",
    ]
    path = folder / "replay.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_trace_is_replayed_from_a_path_relative_to_the_scenario_file(tmp_path, monkeypatch):
    rows = ["2027-01-05T10:00,vip,P1,0.5", "2027-01-04T09:00,standard,P2,", "2027-02-01T09:00,standard,P2,1",
            "2027-01-04T09:00,vip,P2,45m"]
    path = write_scenario(tmp_path / "desk", rows)
    monkeypatch.chdir(tmp_path)
    s = load_scenario(path)
    t0, t1 = draw_tickets(s, 0), draw_tickets(s, 1)
    # sorted by time (ties keep file order); the row after the horizon (2 weeks) is left out
    assert t0.arrived.tolist() == [9.0, 9.0, 34.0]
    assert t0.segment.tolist() == [1, 0, 0] and t0.priority.tolist() == [1, 1, 0]
    assert t0.work[[1, 2]].tolist() == [0.75, 0.5]     # given in the trace: the same every replication
    assert t1.work[[1, 2]].tolist() == [0.75, 0.5]
    assert t0.work[0] != t1.work[0]                    # not given: drawn per replication


@pytest.mark.parametrize("rows, header, fragment", [
    (["2027-01-05T25:00,vip,P1,"], None, "tickets.csv:2: cannot read time '2027-01-05T25:00'"),
    (["2027-01-05T10:00,vip,P1,", "2027-01-05T10:00,gold,P1,"], None, "tickets.csv:3: unknown segment 'gold'"),
    (["2027-01-03T10:00,vip,P1,"], None, "tickets.csv:2: time '2027-01-03T10:00' is before start"),
    (["2027-01-05T10:00,vip,P7,"], None, "unknown priority 'P7'"),
    (["2027-01-05T10:00,vip,P1,-1"], None, "must be a number of hours >= 0"),
    (["2027-01-05T10:00Z,vip,P1,"], None, "has a time zone but start has none"),
    (["2027-01-05T10:00,vip,P1"], "arrived,segment,priority,work_L9", "column 'work_L9' names no group"),
    (["2027-01-05T10:00,vip"], "arrived,segment", "no 'priority' column"),
])
def test_bad_trace_rows_name_the_file_and_line(tmp_path, rows, header, fragment):
    path = write_scenario(tmp_path, rows, **({"header": header} if header else {}))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"{path}:7: arrivals.trace: " in message and fragment in message


def test_a_missing_trace_file_is_bad_input(tmp_path):
    path = write_scenario(tmp_path, [])
    (tmp_path / "data" / "tickets.csv").unlink()
    with pytest.raises(ScenarioError, match="arrivals.trace: .*tickets.csv: cannot read"):
        load_scenario(path)


BASE = {
    "name": "bad", "start": "2027-01-04T00:00", "horizon": "100h",
    "segments": {"standard": {}}, "arrivals": {"rate": "1/h"},
    "calendars": {"office": {"days": "mon-fri", "hours": "09:00-18:00"}},
    "groups": {"L1": {"staff": [{"count": 2, "calendar": "office"}], "work": {"dist": "exponential", "mean": "1h"}}},
}


@pytest.mark.parametrize("change, path, fragment", [
    ({"groups": {"L1": {"staff": [{"count": 2, "calendar": "ofice"}], "work": {"dist": "exponential", "mean": "1h"}}}},
     "groups.L1.staff.0.calendar", "unknown calendar 'ofice'"),
    ({"calendars": {"office": {"days": "mon-fri", "hours": "9 to 5"}}}, "calendars.office.hours", "cannot read hours"),
    ({"calendars": {"office": {"days": "mon-fry"}}}, "calendars.office.days", "unknown day 'fry'"),
    ({"calendars": {"office": "8x5"}}, "calendars.office", "a calendar is '24x7' or a mapping"),
    ({"calendars": {"office": {"days": "mon-fri", "hours": "09:00-18:00", "holidays": ["2027-01-01"]}}, "start": None},
     "calendars.office.holidays", "need start"),
    ({"calendars": {"office": {"week": {"mon": "0" * 24}}}}, "calendars.office", "has no working time"),
    ({"calendars": {"office": {"days": "mon-fri", "week": {"mon": "1" * 24}}}}, "calendars.office.week", "either week"),
    ({"calendars": {"office": {"days": "mon-fri"}, "always": {"days": "mon"}}}, "calendars.always", "built in"),
    ({"groups": {"L1": {"staff": [{"count": 0, "calendar": "office"}], "work": {"dist": "exponential", "mean": "1h"}}}},
     "groups.L1.staff.0.count", "whole number >= 1"),
    ({"groups": {"L1": {"staff": 2, "work": {"dist": "exponential", "mean": "1h"}, "ola": {"pickup": "1h", "clock": "x"}}}},
     "groups.L1.ola.clock", "unknown calendar 'x'"),
    ({"sla": {"standard": {"reaction": "1h", "clock": "nights"}}}, "sla.standard.clock", "unknown calendar 'nights'"),
    ({"arrivals": {"rate": "1/h", "profile": {"hours": {"00-10": 1, "09-12": 2}}}}, "arrivals.profile.hours", "overlap at hour 09"),
    ({"arrivals": {"rate": "1/h", "profile": {"weekdays": {"monday": 1, "fun": 2}}}}, "arrivals.profile.weekdays", "unknown day 'fun'"),
    ({"arrivals": {"rate": "1/h", "bursts": {"every": "4w", "tickets": 5, "within": "1h", "priority": "P1"}}},
     "arrivals.bursts.0.priority", "unknown priority 'P1'"),
    ({"arrivals": {"rate": "1/h", "trace": "x.csv"}}, "arrivals.rate", "either a rate or a trace"),
    ({"start": "next monday"}, "start", "datetime"),
])
def test_bad_working_time_keys_name_their_path(change, path, fragment):
    data = {**BASE, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    assert any(p == path and fragment in m for p, m in caught.value.problems), caught.value.problems


def test_cli_validate_warns_when_a_group_cannot_keep_up_over_a_week(tmp_path, capsys):
    path = tmp_path / "tight.yaml"
    path.write_text(
        "name: tight\nhorizon: 2w\nsegments: {standard: {}}\narrivals: {rate: 10/d}\n"
        "calendars: {office: {days: mon-fri, hours: '09:00-18:00'}}\n"
        "groups:\n  L1:\n    staff: [{count: 1, calendar: office}]\n    work: {dist: exponential, mean: 1h}\n")
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "70 h of work per week, 45 engineer-hours on duty" in out
    assert "groups.L1: cannot keep up over a week" in err
    path.write_text(path.read_text().replace("calendar: office", "calendar: offices"))
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err == f"error: {path}:8: groups.L1.staff.0.calendar: unknown calendar 'offices'; calendars are office, always, 24x7\n"
