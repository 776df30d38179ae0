"""supportsim backtest: on simulated histories of a known desk, the actual weeks fall inside the 90% prediction
intervals about 90% of the time; starting from the open backlog predicts a busy desk's next week better than
starting empty; the engine starts from a backlog as it says; bad input is one line, exit 2, nothing written."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from fit_histories import history
from supportsim.admit import load_scenario
from supportsim.backlog import Backlog, backlog_tickets, with_backlog
from supportsim.backtesting import backtest
from supportsim.backtesting.figures import interval
from supportsim.backtesting.output import summary
from supportsim.cli import main
from supportsim.engine import simulate_replication, simulate_tickets
from supportsim.tickets import draw_tickets

DESK = {  # a weekly profile, an office-hours second line, two segments with SLA targets, two priorities
    "name": "backtest-desk", "start": "2027-03-01T00:00", "horizon": "3w", "replications": 1,
    "calendars": {"office": {"days": "mon-fri", "hours": "08:00-18:00"}},
    "segments": {"standard": {"share": 0.8}, "vip": {"share": 0.2, "vip": True}},
    "priorities": {"P1": 0.2, "P2": 0.8},
    "sla": {"standard": {"reaction": "1h", "resolution": "8h"}, "vip": {"reaction": "30m", "resolution": "4h"}},
    "arrivals": {"rate": "1.5/h", "profile": {"weekdays": {"sat": 0.3, "sun": 0.3},
                                              "hours": {"08-18": 2.0, "00-06": 0.3}}},
    "groups": {"L1": {"staff": 2, "work": {"dist": "lognormal", "mean": "30m", "cv": 1.0}, "escalate": {"L2": 0.3}},
               "L2": {"staff": [{"count": 3, "calendar": "office"}],
                      "work": {"dist": "gamma", "mean": "90m", "cv": 0.8}}},
    "entry": "L1",
}
BUSY = {  # a desk falling behind: load 1.05, so the week before the split leaves a long queue
    "name": "busy-desk", "start": "2027-03-01T00:00", "horizon": "2w", "replications": 1,
    "segments": {"standard": {"share": 1.0}},
    "arrivals": {"rate": "3.5/h"},
    "groups": {"L1": {"staff": 2, "work": {"dist": "exponential", "mean": "36m"}}},
    "entry": "L1",
}
ROOT = Path(__file__).resolve().parents[1]
HISTORIES = 40
REPLICATIONS = 39  # with 39, the 2nd and 38th order statistics make an exact 90% interval


@pytest.fixture(scope="module")
def coverage_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("histories")
    return [backtest(history(folder, DESK, seed=s), DESK, split="2027-03-08", replications=REPLICATIONS,
                     seed=1000 + s) for s in range(1, HISTORIES + 1)]


def test_the_actual_weeks_fall_inside_the_90_percent_intervals_about_90_percent_of_the_time(coverage_runs):
    # Independent trials: one figure per history (week 1, all segments; the figure cycles through the six),
    # since figures of one history share its busy and quiet days. A correct 90% interval passes this
    # two-sided binomial test with probability above 0.9999; intervals of the mean (which shrink with
    # replications) would put well under half inside.
    hits = np.array([r.hits[0, -1, s % 6] for s, r in enumerate(coverage_runs)])
    assert not np.isnan(hits).any()
    inside = int(hits.sum())
    assert stats.binomtest(inside, len(hits), 0.9).pvalue > 1e-4, f"{inside} of {len(hits)} inside"
    # every figure of every history: the mean of the histories' shares (independent across histories) is 90%
    # within 4.5 standard errors of that mean
    shares = np.array([r.coverage()["share"] for r in coverage_runs])
    se = shares.std(ddof=1) / math.sqrt(len(shares))
    assert abs(shares.mean() - 0.9) < 4.5 * se + 0.01, (shares.mean(), se)
    assert all(r.coverage()["weeks"] == 2 * 3 * 6 for r in coverage_runs)  # 2 weeks, 2 segments + all, 6 figures


def test_starting_from_the_open_backlog_predicts_a_busy_desks_next_week_better_than_starting_empty(tmp_path):
    errors = {True: [], False: []}
    for seed in range(1, 7):
        log = history(tmp_path, BUSY, seed=seed)
        for start_from_backlog in (True, False):
            r = backtest(log, BUSY, split="2027-03-08", replications=19, seed=7, backlog=start_from_backlog)
            assert (len(r.backlog) > 0) == start_from_backlog
            errors[start_from_backlog].append(abs(r.middle[0, -1, 0] - r.actual[0, -1, 0]))  # week 1 median reaction
    with_backlog_error, empty_error = np.mean(errors[True]), np.mean(errors[False])
    assert all(a < b for a, b in zip(errors[True], errors[False])), errors
    assert with_backlog_error < 0.5 * empty_error, (with_backlog_error, empty_error)


def test_a_run_without_a_backlog_is_the_drawn_tickets_simulated_as_before():
    scenario = load_scenario(ROOT / "scenarios" / "small-desk.yaml")
    a = simulate_replication(scenario, 0)
    tickets = draw_tickets(scenario, 0)
    assert with_backlog(scenario, tickets, Backlog.empty(), 0) is tickets
    b = simulate_tickets(scenario, 0, tickets)
    assert np.array_equal(a.ended, b.ended) and np.array_equal(a.started, b.started)


def _one_group(work: dict, staff: int = 1):
    return load_scenario({"name": "one", "horizon": "1h", "segments": {"s": {"share": 1}}, "arrivals": {"rate": "0.001/h"},
                          "groups": {"G": {"staff": staff, "work": work}}, "entry": "G"})


def test_the_backlog_enters_at_time_0_in_work_first_then_queued_oldest_first():
    scenario = _one_group({"dist": "deterministic", "mean": "1h"})
    backlog = Backlog(group=np.zeros(3, dtype=np.int64), working=np.array([False, True, False]),
                      age=np.array([2.0, 5.0, 7.0]), done=np.array([0.0, 0.25, 0.0]),
                      segment=np.zeros(3, dtype=np.int64), priority=np.zeros(3, dtype=np.int64))
    tickets = with_backlog(scenario, draw_tickets(scenario, 0), backlog, 0)
    record = simulate_tickets(scenario, 0, tickets)
    assert list(tickets.arrived[:3]) == [-5.0, -7.0, -2.0]  # in work, then queued oldest first
    # the one in work has 45 minutes left and starts at 0; the queued ones follow it in order of age
    assert list(record.first_response[:3]) == pytest.approx([0.0, 0.75, 1.75])
    assert list(record.resolved[:3]) == pytest.approx([0.75, 1.75, 2.75])


def test_the_work_left_on_a_visit_in_progress_is_drawn_given_the_work_done():
    # exponential work is memoryless: the work left after any work done has the same mean (theory, not a pin)
    scenario = _one_group({"dist": "exponential", "mean": "1h"})
    n = 20000
    backlog = Backlog(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool), np.full(n, 3.0), np.full(n, 2.0),
                      np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))
    left = backlog_tickets(scenario, backlog, 0).work
    assert (left > 0).all()
    assert abs(left.mean() - 1.0) < 4 * 1.0 / math.sqrt(n)
    # lognormal work is not: after 2 h of a 1 h mean, more is left than a fresh visit's mean
    scenario = _one_group({"dist": "lognormal", "mean": "1h", "cv": 1.5})
    assert backlog_tickets(scenario, backlog, 0).work.mean() > 1.5


def test_the_prediction_interval_is_made_of_order_statistics_of_the_replications():
    samples = np.arange(1.0, 40.0)[:, None]  # 39 replications: 1..39
    low, high, middle = interval(samples, 0.9)
    assert (low[0], high[0], middle[0]) == (2.0, 38.0, 20.0)
    samples[5:, 0] = np.nan  # only 5 replications have the figure: the interval is their whole range
    low, high, _ = interval(samples, 0.9)
    assert (low[0], high[0]) == (1.0, 5.0)


@pytest.fixture(scope="module")
def one_history(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one")
    return history(folder, DESK, seed=3)


def test_the_command_writes_one_whole_run_with_summary_csv_and_report(one_history, tmp_path, capsys):
    out = tmp_path / "bt"
    scenario = tmp_path / "desk.yaml"
    scenario.write_text(json.dumps(DESK))
    assert main(["backtest", str(one_history), str(scenario), "--split", "2027-03-08", "--replications", "19",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "inside the 90% interval" in printed and "backlog at the split" in printed
    assert {p.name for p in out.iterdir()} == {"summary.json", "backtest.csv", "backtest.html",
                                               "scenario.resolved.yaml", "manifest.json"}
    block = json.loads((out / "summary.json").read_text())["backtest"]
    assert block["coverage"]["weeks"] == len(block["cells"]) == 36
    assert block["split"] == "2027-03-08T00:00" and block["replications"] == 19
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "backtest" and "backtest.html" in manifest["files"]
    page = (out / "backtest.html").read_text()
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org", "") and "<script src" not in page
    assert (out / "backtest.csv").read_text().splitlines()[0] == \
        "week,week_start,segment,metric,actual,low,high,predicted,inside,tickets"


def test_replayed_arrivals_are_the_exports(one_history):
    r = backtest(one_history, DESK, split="2027-03-08", replications=5, replay_arrivals=True)
    assert summary(r)["backtest"]["arrivals"] == "replayed"
    assert r.coverage()["weeks"] > 0


@pytest.mark.parametrize("argv, message", [
    (["--split", "2030-01-01"], "--split 2030-01-01: outside the export"),
    (["--split", "2027-03-20"], "needs at least one whole week"),
    (["--split", "someday"], "--split someday: not a date"),
    (["--split", "NaT"], "--split NaT: not a date"),  # pandas reads it as "not a time", not as an error
    (["--split", ""], "--split : not a date"),
])
def test_bad_splits_are_one_line_exit_2_and_nothing_written(one_history, tmp_path, capsys, argv, message):
    out = tmp_path / "bt"
    assert main(["backtest", str(one_history), *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and not out.exists()


def test_an_unreadable_export_and_a_bad_scenario_say_so_as_validate_does(tmp_path, capsys, one_history):
    assert main(["backtest", str(tmp_path / "missing.csv"), "--split", "2027-03-08"]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    assert main(["validate", str(bad)]) == 2
    said = capsys.readouterr().err
    assert main(["backtest", str(one_history), str(bad), "--split", "2027-03-08"]) == 2
    assert capsys.readouterr().err == said


def test_an_export_whose_names_the_scenario_lacks_is_refused(one_history, capsys, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(json.dumps({**DESK, "groups": {"Desk": {"staff": 2, "work": {"dist": "exponential", "mean": "30m"}}},
                                 "entry": "Desk"}))
    assert main(["backtest", str(one_history), str(other), "--split", "2027-03-08", "--out", str(tmp_path / "bt")]) == 2
    err = capsys.readouterr().err
    assert "groups 'L1', 'L2' of the export are not in the scenario, whose groups are Desk" in err
    assert not (tmp_path / "bt").exists()


def test_an_output_target_that_is_a_file_is_refused_before_anything_runs(one_history, tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("mine")
    assert main(["backtest", str(one_history), "--split", "2027-03-08", "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err and target.read_text() == "mine"


def test_the_python_api_backtests_and_saves(one_history, tmp_path):
    import supportsim

    r = supportsim.backtest(one_history, split="2027-03-08", replications=5, out=tmp_path / "api")
    assert r.fitted_yaml is not None and (tmp_path / "api" / "scenario.fitted.yaml").exists()
    assert Path(tmp_path / "api" / "summary.json").exists()


def test_the_backlog_and_the_tickets_after_the_split_are_read_from_the_export(tmp_path):
    from supportsim.backtesting.history import history as read_history
    from supportsim.fitting.events import load_events

    rows = [  # case, time, status, group (split: Monday 2027-03-08 00:00)
        ("A", "2027-03-07 14:00", "queued", "L1"),                     # queued at L1 for 10 h at the split
        ("B", "2027-03-07 20:00", "queued", "L1"), ("B", "2027-03-07 20:30", "working", "L1"),
        ("B", "2027-03-07 21:00", "queued", "L2"), ("B", "2027-03-07 22:00", "working", "L2"),
        ("B", "2027-03-07 22:30", "queued", "L2"), ("B", "2027-03-07 23:00", "working", "L2"),
        ("B", "2027-03-08 02:00", "resolved", "L2"),                   # in work at L2, 1.5 h of it done
        ("C", "2027-03-07 10:00", "queued", "L1"), ("C", "2027-03-07 11:00", "waiting", "L1"),
        ("C", "2027-03-09 11:00", "resolved", "L1"),                   # waiting on the customer
        ("D", "2027-03-07 09:00", "queued", "L1"), ("D", "2027-03-07 09:30", "resolved", "L1"),
        ("E", "2027-03-08 00:00", "queued", "L1"), ("E", "2027-03-08 01:00", "working", "L1"),
        ("E", "2027-03-08 03:00", "resolved", "L1"),                   # arrives at the split: after it
        ("F", "2027-03-10 08:00", "queued", "L1"), ("F", "2027-03-10 08:00", "resolved", "L1"),
        ("G", "2027-03-14 08:00", "queued", "L1"),                     # still open when the export ends
        ("H", "2027-03-16 00:00", "queued", "L1"), ("H", "2027-03-16 00:30", "resolved", "L1"),
    ]
    path = tmp_path / "log.csv"
    path.write_text("case:concept:name,time:timestamp,concept:name,org:group\n"
                    + "".join(",".join(r) + "\n" for r in rows))
    ev = load_events(path)
    h = read_history(ev, (np.datetime64("2027-03-08") - np.datetime64("2027-03-01")) / np.timedelta64(1, "h"),
                     "2027-03-08")
    assert h.weeks == 1 and h.end == pytest.approx(8 * 24 + 0.5)  # to the last event
    backlog = {ev.case_ids[c]: (ev.groups[g], bool(w), age, done) for c, g, w, age, done in
               zip(h.backlog_case, h.backlog_group, h.backlog_working, h.backlog_age, h.backlog_done)}
    assert backlog == {"A": ("L1", False, pytest.approx(10.0), 0.0), "B": ("L2", True, pytest.approx(4.0),
                                                                          pytest.approx(1.5))}
    assert h.waiting == 1
    after = {ev.case_ids[c]: (a, r, t) for c, a, r, t in zip(h.case, h.arrived, h.reaction, h.resolution)}
    assert set(after) == {"E", "F", "G"}  # H arrived after the whole week
    assert after["E"] == (0.0, 1.0, 3.0)
    assert after["F"] == (56.0, 0.0, 0.0)  # resolved at once: it reacted then
    assert after["G"][1:] == (math.inf, math.inf)
