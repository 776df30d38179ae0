"""Reading exports: each preset's real column and status names, time zones, ticket tables, and bad input
(each bad-row kind named with its row number, exit 2, nothing written)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import supportsim
from supportsim.cli import main
from supportsim.fitting import FitError, ReadOptions, fit_export
from supportsim.fitting.events import load_events
from supportsim.fitting.states import STATES

JIRA = """\
Issue key,Changed,Status,Team,Assignee,Priority,Request Type,Organizations
SD-101,2027-03-01 09:02,Waiting for support,Service Desk,,Medium,Get IT help,Acme
SD-101,2027-03-01 09:20,In Progress,Service Desk,Ana,Medium,Get IT help,Acme
SD-101,2027-03-01 09:50,Escalated,Network Team,,Medium,Get IT help,Acme
SD-101,2027-03-01 10:30,In Progress,Network Team,Bo,Medium,Get IT help,Acme
SD-101,2027-03-01 11:00,Waiting for customer,Network Team,Bo,Medium,Get IT help,Acme
SD-101,2027-03-01 15:00,In Progress,Network Team,Bo,Medium,Get IT help,Acme
SD-101,2027-03-01 15:40,Resolved,Network Team,Bo,Medium,Get IT help,Acme
SD-101,2027-03-04 15:40,Closed,Network Team,,Medium,Get IT help,Acme
SD-102,2027-03-01 10:05,Waiting for support,Service Desk,,Highest,Report a system problem,Globex
SD-102,2027-03-01 10:07,In Progress,Service Desk,Ana,Highest,Report a system problem,Globex
SD-102,2027-03-01 10:45,Resolved,Service Desk,Ana,Highest,Report a system problem,Globex
SD-103,2027-03-02 08:30,Waiting for support,Service Desk,,Low,Get IT help,Acme
SD-103,2027-03-02 09:10,In Progress,Service Desk,Cy,Low,Get IT help,Acme
SD-103,2027-03-02 09:30,Resolved,Service Desk,Cy,Low,Get IT help,Acme
"""

ZENDESK = """\
Ticket ID,Update - Timestamp,Ticket status,Ticket group,Assignee name,Ticket priority,Ticket organization name
4711,2027-03-01T09:02:00Z,New,Support,,Normal,Initech
4711,2027-03-01T09:15:00Z,Open,Support,Dana Scully,Normal,Initech
4711,2027-03-01T09:40:00Z,Pending,Support,Dana Scully,Normal,Initech
4711,2027-03-02T11:00:00Z,Open,Support,Dana Scully,Normal,Initech
4711,2027-03-02T11:20:00Z,Solved,Support,Dana Scully,Normal,Initech
4711,2027-03-06T11:20:00Z,Closed,Support,Dana Scully,Normal,Initech
4712,2027-03-01T10:00:00Z,New,Support,,Urgent,Umbrella
4712,2027-03-01T10:03:00Z,Open,Support,Fox Mulder,Urgent,Umbrella
4712,2027-03-01T10:30:00Z,Open,Tier 2 / Billing,Walter Skinner,Urgent,Umbrella
4712,2027-03-01T12:00:00Z,On-hold,Tier 2 / Billing,Walter Skinner,Urgent,Umbrella
4712,2027-03-01T16:00:00Z,Open,Tier 2 / Billing,Walter Skinner,Urgent,Umbrella
4712,2027-03-01T16:30:00Z,Solved,Tier 2 / Billing,Walter Skinner,Urgent,Umbrella
4713,2027-03-02T08:00:00Z,New,Support,,Low,Initech
4713,2027-03-02T08:45:00Z,Open,Support,Dana Scully,Low,Initech
4713,2027-03-02T09:00:00Z,Solved,Support,Dana Scully,Low,Initech
"""

SERVICENOW = """\
number,sys_updated_on,state,hold_reason,assignment_group,assigned_to,priority,company
INC0010001,2027-03-01 09:00:00,New,,Service Desk,,3 - Moderate,ACME North
INC0010001,2027-03-01 09:12:00,In Progress,,Service Desk,Beth Anglin,3 - Moderate,ACME North
INC0010001,2027-03-01 09:30:00,On Hold,Awaiting Caller,Service Desk,Beth Anglin,3 - Moderate,ACME North
INC0010001,2027-03-01 13:30:00,In Progress,,Service Desk,Beth Anglin,3 - Moderate,ACME North
INC0010001,2027-03-01 13:45:00,Resolved,,Service Desk,Beth Anglin,3 - Moderate,ACME North
INC0010001,2027-03-04 13:45:00,Closed,,Service Desk,,3 - Moderate,ACME North
INC0010002,2027-03-01 10:00:00,New,,Service Desk,,1 - Critical,ACME South
INC0010002,2027-03-01 10:02:00,In Progress,,Service Desk,David Loo,1 - Critical,ACME South
INC0010002,2027-03-01 10:20:00,New,,Network,,1 - Critical,ACME South
INC0010002,2027-03-01 10:25:00,In Progress,,Network,Fred Luddy,1 - Critical,ACME South
INC0010002,2027-03-01 11:00:00,On Hold,Awaiting Vendor,Network,Fred Luddy,1 - Critical,ACME South
INC0010002,2027-03-01 14:00:00,In Progress,,Network,Fred Luddy,1 - Critical,ACME South
INC0010002,2027-03-01 14:30:00,Resolved,,Network,Fred Luddy,1 - Critical,ACME South
INC0010003,2027-03-02 08:00:00,New,,Service Desk,,3 - Moderate,ACME North
INC0010003,2027-03-02 08:20:00,In Progress,,Service Desk,Beth Anglin,3 - Moderate,ACME North
INC0010003,2027-03-02 08:50:00,Resolved,,Service Desk,Beth Anglin,3 - Moderate,ACME North
"""

WAITING = STATES.index("waiting")


@pytest.mark.parametrize("preset, text, groups, priorities, waits", [
    ("jira", JIRA, ["Service_Desk", "Network_Team"], ["Highest", "Medium", "Low"], 1),
    ("zendesk", ZENDESK, ["Support", "Tier_2_Billing"], ["Urgent", "Normal", "Low"], 2),
    ("servicenow", SERVICENOW, ["Service_Desk", "Network"], ["1 - Critical", "3 - Moderate"], 2),
])
def test_each_preset_reads_its_tools_export(tmp_path, capsys, preset, text, groups, priorities, waits):
    path = tmp_path / f"{preset}.csv"
    path.write_text(text)
    ev = load_events(path, ReadOptions(preset=preset))
    assert ev.groups == groups  # names with spaces or slashes mapped to valid scenario names
    assert ev.priorities == [p.replace(" - ", "_-_").replace(" ", "_") for p in priorities]
    assert int((ev.state == WAITING).sum()) == waits
    assert ev.quality["cases"] == 3 and not ev.quality["bad"]
    out = tmp_path / "desk.yaml"
    assert main(["fit", str(path), "--preset", preset, "--out", str(out), "--bootstrap", "0"]) == 0
    printed = capsys.readouterr().out
    assert "names mapped to valid names" in printed
    scenario = supportsim.load_scenario(out)
    assert scenario.entry_group == groups[0] and set(scenario.group_names) == set(groups)
    assert scenario.groups[groups[0]].escalate[groups[1]] > 0  # the escalation was seen
    assert "names changed to valid scenario names" in out.read_text()
    assert (tmp_path / "fit-report.html").exists()


def test_servicenow_hold_reasons_combine_with_the_state(tmp_path):
    path = tmp_path / "snow.csv"
    path.write_text(SERVICENOW)
    options = ReadOptions(columns={"status": "state"}, preset="servicenow", ignore_unknown=False)
    # without the hold reason, plain 'On Hold' is still a waiting state of the preset
    ev = load_events(path, options)
    assert int((ev.state == WAITING).sum()) == 2


def test_zendesk_times_with_an_offset_are_read_on_the_desks_clock(tmp_path):
    path = tmp_path / "zd.csv"
    path.write_text(ZENDESK)
    utc = load_events(path, ReadOptions(preset="zendesk"))
    berlin = load_events(path, ReadOptions(preset="zendesk", tz="Europe/Berlin"))
    # 09:02Z is 10:02 in Berlin in March (before daylight saving starts): the wall clock moves, elapsed time not
    assert berlin.wall[0] - utc.wall[0] == pytest.approx(1.0)
    assert np.allclose(np.diff(berlin.time), np.diff(utc.time))


def test_a_ticket_table_is_read_as_events(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(textwrap.dedent("""\
        ticket,created,first_response,resolved,group,priority
        1,2027-03-01 09:00,2027-03-01 09:10,2027-03-01 10:00,L1,P2
        2,2027-03-01 09:30,2027-03-01 09:35,2027-03-01 09:55,L1,P1
        3,2027-03-01 11:00,,,L1,P2
        """))
    r = fit_export(path, draws=0)
    assert r.events.kind == "ticket table"
    assert r.work["L1"].censored == 0  # ticket 3 never answered: open, but no work yet
    assert sorted(np.round(r.work["L1"].observations, 3)) == [0.333, 0.833]
    assert any("upper bound" in note for note in r.notes)


CANONICAL = """\
case:concept:name,time:timestamp,concept:name,org:group,org:resource
T1,2027-03-01T09:00:00,queued,L1,
T1,2027-03-01T09:10:00,working,L1,e1
T1,2027-03-01T09:40:00,resolved,L1,e1
T2,2027-03-01T09:30:00,queued,L1,
T2,2027-03-01T09:45:00,working,L1,e2
T2,2027-03-01T10:15:00,resolved,L1,e2
T3,2027-03-01T10:00:00,queued,L1,
T3,2027-03-01T10:05:00,working,L1,e1
T3,2027-03-01T10:20:00,resolved,L1,e1
"""


@pytest.mark.parametrize("kind, line, edit", [
    ("unparseable time", 5, lambda rows: rows.__setitem__(4, rows[4].replace("2027-03-01T09:30:00", "half past 9"))),
    ("no case id", 6, lambda rows: rows.__setitem__(5, rows[5].replace("T2,", ",", 1))),
    ("event out of order in its case", 7, lambda rows: rows.__setitem__(6, rows[6].replace("10:15", "09:40"))),
    ("case with no start", 8, lambda rows: rows.__setitem__(7, rows[7].replace("queued", "resolved"))),
])
def test_each_bad_row_kind_is_named_with_its_row_exit_2_nothing_written(tmp_path, capsys, kind, line, edit):
    rows = CANONICAL.splitlines()
    edit(rows)
    path = tmp_path / "log.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out" / "desk.yaml"
    assert main(["fit", str(path), "--out", str(out), "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert f"line {line}: {kind}" in err and "--skip-bad" in err
    assert not out.exists() and not (tmp_path / "out" / "fit-report.html").exists()
    # with --skip-bad the rest is fitted and the bad rows are reported
    assert main(["fit", str(path), "--out", str(out), "--bootstrap", "0", "--skip-bad"]) == 0
    assert f"bad rows: {kind}" in capsys.readouterr().out
    assert out.exists()


def test_unknown_statuses_are_listed_with_counts_or_skipped(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text(CANONICAL.replace("working", "In Progress").replace("T3,2027-03-01T10:20:00,resolved",
                                                                         "T3,2027-03-01T10:20:00,Done"))
    out = tmp_path / "desk.yaml"
    assert main(["fit", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'In Progress' (3)" in err and "'Done' (1)" in err and "--states" in err
    assert not out.exists()
    states = tmp_path / "states.yaml"
    states.write_text("queued: [queued]\nworking: [In Progress]\nresolved: [resolved]\n")
    assert main(["fit", str(path), "--out", str(out), "--states", str(states), "--ignore-unknown",
                 "--bootstrap", "0"]) == 0
    assert "ignored unknown status 'Done' (1 events)" in capsys.readouterr().out


def test_a_states_file_with_a_wrong_state_is_one_clear_error(tmp_path):
    states = tmp_path / "states.yaml"
    states.write_text("queued: [New]\nin_work: [Open]\n")
    path = tmp_path / "log.csv"
    path.write_text(CANONICAL)
    with pytest.raises(FitError, match="in_work: not a canonical state"):
        load_events(path, ReadOptions(states=str(states)))


def test_a_missing_column_names_the_option(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(CANONICAL)
    with pytest.raises(FitError, match=r"log.csv: no column .Team. for the group \(--group\)"):
        load_events(path, ReadOptions(columns={"group": "Team"}))


def test_the_hour_repeated_when_clocks_go_back_is_read_not_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(CANONICAL.replace("2027-03-01T09:", "2027-10-31T02:").replace("2027-03-01T10:", "2027-10-31T03:"))
    ev = load_events(path, ReadOptions(tz="Europe/Berlin"))
    assert not ev.quality["bad"] and ev.quality["events"] == 9


def test_fit_without_pandas_says_which_extra_to_install(tmp_path, monkeypatch, capsys):
    import sys

    path = tmp_path / "log.csv"
    path.write_text(CANONICAL)
    monkeypatch.setitem(sys.modules, "pandas", None)
    assert main(["fit", str(path), "--out", str(tmp_path / "desk.yaml")]) == 2
    assert "pip install 'supportsim[pandas]'" in capsys.readouterr().err
    assert not (tmp_path / "desk.yaml").exists()


def test_export_without_visits_says_how_to_get_them(tmp_path, capsys):
    result = supportsim.simulate({"name": "tiny", "horizon": "20h", "segments": {"s": {"share": 1.0}},
                                  "arrivals": {"rate": "2/h"}, "groups": {"L1": {"staff": 2, "work":
                                                                                 {"dist": "exponential", "mean": "20m"}}}},
                                 replications=1)
    result.save(tmp_path / "run")
    assert main(["export", str(tmp_path / "run"), "--out", str(tmp_path / "log.csv")]) == 2
    assert "supportsim run --visits" in capsys.readouterr().err
    result.save(tmp_path / "run", visits=True)
    assert main(["export", str(tmp_path / "run"), "--format", "xes", "--out", str(tmp_path / "log.xes")]) == 0
    ev = load_events(tmp_path / "log.xes")
    assert ev.groups == ["L1"] and ev.quality["unit"] == "event"
