"""Dates (issue 14): tickets.csv carries ISO timestamps next to the hours when the scenario has start:, wall
clock across a daylight-saving change; summary.json has SLA attainment per calendar week, which agrees with the
tickets themselves; the terminal prints it for a single run."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import yaml

from supportsim.cli import main
from supportsim.weeks import week_starts, weekly_attainment

BERLIN = ZoneInfo("Europe/Berlin")
DESK = {
    "name": "dated",
    "seed": 5,
    "start": "2027-03-15T00:00",   # a Monday; Berlin moves its clocks on Sunday 2027-03-28
    "tz": "Europe/Berlin",
    "horizon": "4w",
    "warmup": "2d",
    "replications": 3,
    "arrivals": {"rate": "4/h"},
    "segments": {"vip": {"share": 0.3, "vip": True}, "standard": {"share": 0.7}},
    "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "12m"}}},
    "entry": "L1",
    "sla": {"vip": {"reaction": {"within": "10m", "attain": "80%"}},
            "standard": {"reaction": {"within": "30m", "attain": "80%"}}},
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("dated")
    scenario = folder / "desk.yaml"
    scenario.write_text(yaml.safe_dump(DESK, sort_keys=False))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["run", str(scenario), "--out", str(folder / "out"), "--jobs", "1"]) == 0
    return folder / "out", printed.getvalue()


def tickets(out: Path) -> list[dict[str, str]]:
    with (out / "tickets.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_timestamps_are_the_hours_after_start_as_wall_clock_across_daylight_saving(dated):
    out, _ = dated
    origin = datetime(2027, 3, 15, tzinfo=BERLIN)
    rows = tickets(out)
    offsets = set()
    for row in rows:
        for event in ("arrived", "first_response", "resolved"):
            stamp = datetime.fromisoformat(row[f"{event}_at"])
            assert stamp.utcoffset() == stamp.astimezone(BERLIN).utcoffset()   # the zone's offset at that moment
            hours = (stamp - origin.astimezone(UTC)) / timedelta(hours=1)
            assert hours == pytest.approx(float(row[event]), abs=1 / 3600)    # to the second
            offsets.add(stamp.utcoffset())
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # both sides of the change were crossed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["format"] == 3 and summary["formats"]["tickets.csv"] == 3


def test_weekly_attainment_is_the_share_of_each_weeks_tickets_that_met_the_target(dated):
    out, printed = dated
    weeks = json.loads((out / "summary.json").read_text())["variants"]["base"]["weeks"]
    # 4w = 672 elapsed hours, one more on the wall clock than the clocks lost on 2027-03-28: the run ends at
    # Monday 2027-04-12 01:00, one hour into W15
    assert list(weeks) == ["2027-W11", "2027-W12", "2027-W13", "2027-W14", "2027-W15"]
    assert [w["part"] for w in weeks.values()] == [True, False, False, False, True]   # warm-up and horizon cut weeks
    rows = tickets(out)
    for week in weeks.values():
        first, last = datetime.fromisoformat(week["from"]).date(), datetime.fromisoformat(week["to"]).date()
        assert (last - first).days == 6 and first.weekday() == 0
        inside = [r for r in rows if first <= datetime.fromisoformat(r["arrived_at"]).date() <= last]
        assert week["tickets"] == pytest.approx(len(inside) / 3)
        for segment in ("vip", "standard"):
            shares = []
            for rep in ("0", "1", "2"):
                mine = [int(r["reaction_sla_met"]) for r in inside if r["replication"] == rep and r["segment"] == segment]
                if mine:  # a replication without such tickets that week has no share
                    shares.append(sum(mine) / len(mine))
            estimate = week["targets"][f"sla.{segment}.reaction"]
            if not shares:
                assert estimate["value"] is None
                continue
            assert estimate["value"] == pytest.approx(np.mean(shares))
            if len(shares) > 1:
                assert estimate["ci95"][0] <= estimate["value"] <= estimate["ci95"][1]
    table = printed[printed.index("week "):].splitlines()
    assert table[0].split()[:5] == ["week", "dates", "tickets", "vip", "reaction"]
    assert table[2].startswith("2027-W11*") and f"{weeks['2027-W12']['targets']['sla.vip.reaction']['value']:.1%}" in table[3]
    assert all(len(line) <= 120 for line in table[:6])


def test_weeks_follow_the_zones_monday_midnight_and_a_window_inside_one_week():
    origin = datetime(2027, 3, 24, 12, tzinfo=BERLIN)   # a Wednesday noon
    mondays = week_starts(origin, 0.0, 24 * 10)
    assert [m.isoformat() for m in mondays] == ["2027-03-22T00:00:00+01:00", "2027-03-29T00:00:00+02:00"]
    arrived = np.array([1.0, 2.0, 200.0])
    met = {"sla.x.reaction": np.array([1.0, 0.0, 1.0])}
    weeks = weekly_attainment(origin, (0.0, 240.0), [(arrived, met)])
    assert list(weeks) == ["2027-W12", "2027-W13"]
    assert [w["targets"]["sla.x.reaction"]["value"] for w in weeks.values()] == [0.5, 1.0]
    assert [w["tickets"] for w in weeks.values()] == [2.0, 1.0] and all(w["part"] for w in weeks.values())


def test_the_reports_window_line_reads_dates_on_the_wall_clock(dated):
    out, _ = dated
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text()
    start = datetime(2027, 3, 15, tzinfo=BERLIN)   # the window: 2 days after start to 4 weeks after it,
    low = (start.astimezone(UTC) + timedelta(days=2)).astimezone(BERLIN)   # in elapsed hours, so the
    high = (start.astimezone(UTC) + timedelta(weeks=4)).astimezone(BERLIN)  # clocks' change shows: 01:00
    assert (low.hour, high.hour) == (0, 1)
    line = (f"tickets arriving from {low:%a %d %b %Y} to {high:%a %d %b %Y %H:%M} (Europe/Berlin) counted")
    assert line in page
