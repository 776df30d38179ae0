"""The estimators one by one: holidays, left truncation, the on-duty cut, work by priority, customers, and
what the report holds."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from fit_histories import history
from supportsim.fitting import ReadOptions, fit_export, save
from supportsim.fitting.estimate import arrivals
from test_fit_input import ZENDESK

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "fit" / "jira-export.csv"


def test_a_day_without_tickets_is_found_as_a_holiday_and_left_out_of_the_rate():
    rng = np.random.default_rng(5)
    wall = np.sort(rng.uniform(0, 4 * 168, rng.poisson(10 * 4 * 168)))
    holiday = 9  # the Wednesday of the second week
    wall = wall[np.floor(wall / 24) != holiday]
    a = arrivals(wall, 0.0, 4 * 168.0)
    assert [h["day"] for h in a.holidays] == [holiday]
    assert a.rate.low <= 10 <= a.rate.high  # the holiday does not pull the rate down
    assert a.exposure.sum() == pytest.approx(4 * 168 - 24)


LONG = {"name": "long-work", "start": "2027-01-04T00:00", "horizon": "3w", "replications": 1,
        "segments": {"all_tickets": {"share": 1.0}}, "arrivals": {"rate": "2/h"},
        "groups": {"desk": {"staff": 80, "work": {"dist": "lognormal", "mean": "24h", "cv": 1.5}}}}


def test_tickets_open_before_since_are_left_truncated_and_do_not_bias_work_or_arrivals(tmp_path):
    path = history(tmp_path, LONG, seed=4)
    full = fit_export(path, draws=0)
    window = fit_export(path, ReadOptions(since="2027-01-08T00:00", until="2027-01-22T00:00"), draws=0)
    assert window.events.quality["truncated"] > 20  # tickets in work at the start of the window
    assert window.arrivals.rate.low <= 2.0 <= window.arrivals.rate.high
    f, w = full.work["desk"].fit, window.work["desk"].fit
    se = (w.mean_ci[1] - w.mean_ci[0]) / (2 * 1.96)
    assert abs(w.mean - f.mean) <= 3 * se


def test_the_on_duty_cut_recovers_work_left_in_progress_overnight():
    """The sample's second line works Monday-Friday 08-18 and leaves tickets in progress overnight; its true
    work is gamma with mean 90 minutes (scenarios/fit/sample-desk.yaml)."""
    options = ReadOptions(preset="jira", columns={"segment": "Customer Tier"})
    cut = fit_export(SAMPLE, options, cut=True, draws=0).work["Second_Line"]
    assert cut.fit.family == "gamma"
    assert 0.8 * 1.5 <= cut.fit.mean <= 1.2 * 1.5
    assert cut.uncut_mean > 2 * 1.5  # counted in full, nights and weekends look like work
    assert cut.cut_mean == cut.fit.mean


def test_work_is_split_by_priority_where_the_data_support_it(tmp_path):
    scenario = {"name": "by-priority", "start": "2027-01-04T00:00", "horizon": "2w", "replications": 1,
                "segments": {"standard": {"share": 1.0}}, "priorities": {"P1": 0.3, "P2": 0.7},
                "arrivals": {"rate": "4/h"},
                "groups": {"L1": {"staff": 8, "work": {"default": {"dist": "lognormal", "mean": "1h", "cv": 1.0},
                                                       "by_priority": {"P1": {"dist": "lognormal", "mean": "10m",
                                                                              "cv": 1.0}}}}}}
    r = fit_export(history(tmp_path, scenario, seed=2), draws=0)
    split = r.work["L1"].by_priority
    assert set(split) == {"P1", "P2"}
    for priority, truth in (("P1", 1 / 6), ("P2", 1.0)):
        fit = split[priority]
        se = (fit.mean_ci[1] - fit.mean_ci[0]) / (2 * 1.96)
        assert abs(fit.mean - truth) <= 4 * se, (priority, fit.mean, fit.mean_ci)
    assert "by_priority:" in r.scenario_yaml("split")


def test_customers_come_in_size_classes(tmp_path):
    path = tmp_path / "zd.csv"
    path.write_text(ZENDESK)
    r = fit_export(path, ReadOptions(preset="zendesk"), draws=0)
    assert [c["tickets"] for c in r.customers] == ["1", "2-5"]  # Umbrella 1 ticket, Initech 2
    assert math.isclose(sum(c["share_of_tickets"] for c in r.customers), 1.0)


def test_the_report_shows_each_part(tmp_path):
    r = fit_export(SAMPLE, ReadOptions(preset="jira"), draws=9)
    save(r, tmp_path / "desk.yaml", tmp_path / "fit-report.html")
    page = (tmp_path / "fit-report.html").read_text()
    for heading in ("Data quality", "Arrivals", "Ticket mix", "Routing", "Work per group",
                    "Engineers on duty", "Q-Q plot"):
        assert heading in page
    assert page.count("<svg") == 1 + 2 * 2 + 1  # arrivals, histogram and Q-Q per group, staff
    assert "http" not in page.replace("http://www.w3.org", "")  # self-contained
