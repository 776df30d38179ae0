"""Ticket types (incident, request...): their mix, their own work, escalation and targets, against truth."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from scipy import stats as st

from supportsim import load_scenario
from supportsim.api import simulate
from supportsim.theory import pk_mean_wait
from supportsim.tickets import draw_tickets
from vip_tolerance import assert_matches

REPLICATIONS = 20
HOUR_DELAY = {"dist": "deterministic", "mean": "1h"}


def per_replication(result, *key):
    return [figures[key] for figures in result.figures["base"]]


def desk(**extra) -> dict:
    return {"name": "typed", "horizon": "20000h", "warmup": "100h", "seed": 5,
            "segments": {"everyone": {"share": 1.0}}, "arrivals": {"rate": "0.5/h"},
            "types": {"incident": {"share": 0.7}, "request": {"share": 0.3}},
            "groups": {"desk": {"staff": 1, "work_by_type": {
                "incident": {"dist": "exponential", "mean": "30m"},
                "request": {"dist": "exponential", "mean": "2h"}}}},
            **extra}


def test_two_types_on_one_fifo_engineer_wait_as_pollaczek_khinchine():
    # exponential work of mean 0.5h (70%) or 2h (30%): hyperexponential work, so M/G/1 and E[W] is exactly P-K
    lam, shares, means = 0.5, (0.7, 0.3), (0.5, 2.0)
    mean = sum(p * m for p, m in zip(shares, means))
    second = sum(p * 2 * m * m for p, m in zip(shares, means))
    exact = pk_mean_wait(lam, mean, second)
    result = simulate(load_scenario(desk()), replications=REPLICATIONS)
    assert_matches(per_replication(result, "segments", "all", "reaction", "mean"), exact, "mean wait")
    # FIFO ignores the type, and Poisson arrivals see time averages: each type waits the same on average
    for name in ("incident", "request"):
        assert_matches(per_replication(result, "types", name, "reaction", "mean"), exact, f"{name} wait")
    # and each type's own work is its own distribution's (resolution - reaction is the work here)
    for name, m in zip(("incident", "request"), means):
        work = [r["types", name, "resolution", "mean"] - r["types", name, "reaction", "mean"]
                for r in result.figures["base"]]
        assert_matches(work, m, f"{name} work")


def test_each_segment_draws_its_own_type_mix():
    scenario = load_scenario(desk(
        horizon="4000h",
        segments={"vip": {"share": 0.3, "vip": True, "types": {"incident": 0.9, "request": 0.1}},
                  "standard": {"share": 0.7}}))
    tickets = draw_tickets(scenario, 0)
    assert tickets.type is not None
    for index, shares in ((0, [0.9, 0.1]), (1, [0.7, 0.3])):
        mine = tickets.type[tickets.segment == index]
        observed = np.bincount(mine, minlength=2)
        chi2 = st.chisquare(observed, np.array(shares) * len(mine))
        assert chi2.pvalue > 1e-4, (index, observed)


def test_escalation_by_type_replaces_the_groups_escalation():
    scenario = load_scenario(desk(
        horizon="4000h",
        groups={"L1": {"staff": 3, "work": {"dist": "exponential", "mean": "20m"},
                       "escalate": {"L2": 0.2}, "escalate_by_type": {"request": {"L2": 0.6}}},
                "L2": {"staff": 3, "work": {"dist": "exponential", "mean": "20m"}}},
        entry="L1"))
    tickets = draw_tickets(scenario, 0)
    escalated = tickets.visits == 2
    for index, p in ((0, 0.2), (1, 0.6)):
        mine = tickets.type == index
        n, k = int(mine.sum()), int(escalated[mine].sum())
        assert st.binomtest(k, n, p).pvalue > 1e-4, (index, k, n)
    # the load figures weigh each type's escalation: L2 sees 0.7 * 0.2 + 0.3 * 0.6 visits per ticket
    assert math.isclose(scenario.visits_per_ticket()[1], 0.7 * 0.2 + 0.3 * 0.6)


def test_a_types_own_target_judges_its_tickets_and_the_rest_keep_the_segments():
    # deterministic work: incidents take 1h, requests 3h, on an engineer per ticket (never a wait)
    scenario = load_scenario(desk(
        horizon="500h", arrivals={"rate": "0.2/h"},
        groups={"desk": {"staff": 30, "work": {"dist": "deterministic", "mean": "1h"},
                         "work_by_type": {"request": {"dist": "deterministic", "mean": "3h"}}}},
        sla={"everyone": {"resolution": "2h", "by_type": {"request": {"resolution": {"within": "4h",
                                                                                      "attain": "90%"}}}}}))
    result = simulate(scenario, replications=2)
    figures = result.figures["base"][0]
    assert figures["segments", "everyone", "sla", "resolution_met"] == 1.0  # every ticket meets its own target
    assert figures["segments", "everyone", "by_type", "request", "sla", "resolution_met"] == 1.0
    assert figures["types", "incident", "resolution", "mean"] == 1.0
    assert figures["types", "request", "resolution", "mean"] == 3.0
    summary = result.summary()["variants"]["base"]
    assert summary["targets"]["sla.everyone.by_type.request.resolution"]["verdict"] == "met"
    # without its own target a request would miss the segment's 2h
    plain = simulate(load_scenario({**scenario.model_dump(mode="json", exclude_none=True),
                                    "sla": {"everyone": {"resolution": "2h"}}}), replications=2)
    share_requests = plain.figures["base"][0]["types", "request", "tickets"] / plain.figures["base"][0][
        "segments", "all", "tickets"]
    assert math.isclose(plain.figures["base"][0]["segments", "everyone", "sla", "resolution_met"], 1 - share_requests)


def test_tickets_csv_has_the_type_and_a_trace_may_give_it(tmp_path):
    trace = tmp_path / "history.csv"
    trace.write_text("arrived,type\n2027-01-04T09:00,request\n2027-01-04T10:00,incident\n2027-01-04T11:00,\n",
                     encoding="utf-8")
    data = desk(horizon="24h", warmup="0h", start="2027-01-04T00:00", arrivals={"trace": str(trace)})
    result = simulate(load_scenario(data), replications=1)
    rows = list(csv.DictReader(io.StringIO(result.tickets_csv())))
    assert [row["type"] for row in rows[:2]] == ["request", "incident"]
    assert rows[2]["type"] in ("incident", "request")  # not given: drawn
    assert float(rows[0]["resolution"]) > 0


def test_checks_name_type_and_lifecycle_figures():
    from supportsim.checks import parse_check

    scenario = load_scenario(desk(reopen={"probability": 0.1, "delay": HOUR_DELAY}))
    variants = {"base": scenario}
    check = parse_check("types.request.resolution.p90 <= 8h", variants)
    assert check.key == ("types", "request", "resolution", "p90") and check.bound == 8.0
    assert parse_check("all.reopened <= 10%", variants).bound == 0.1
    assert parse_check("everyone.waiting_on_customer <= 2h", variants).kind == "time"
    with pytest.raises(ValueError, match="types are incident, request"):
        parse_check("types.problem.resolution <= 8h", variants)


def test_the_report_shows_figures_per_type_and_per_segment(tmp_path):
    data = desk(horizon="300h", reopen={"probability": 0.1, "delay": HOUR_DELAY})
    simulate(load_scenario(data), replications=2).save(tmp_path / "run", report=True)
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    section = page.split('id="by-type"', 1)[1].split("</section>", 1)[0]
    assert "By ticket type" in section and ">incident<" in section and ">request<" in section
    assert "By segment" in section and "reopened" in section
