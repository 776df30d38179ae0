"""The benchmark's four implementations of R1 are the same model, and that model is the one Cobham solved.

No timings are asserted here (the machine is shared; timings belong to the benchmark's report). What is checked:
the exact formula against Erlang C, the hand-written loop and the SimPy model replaying supportsim's own tickets
exactly, every implementation against Cobham, and the command producing its document.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from supportsim.admit import load_scenario
from supportsim.api import run_replications
from supportsim.bench import models, report, runs
from supportsim.bench.__main__ import main
from supportsim.bench.models import CLASSES, R1
from supportsim.bench.runs import LABELS

# Tolerances. Forty to sixty seeds of the floor at 80% load and 20,000 tickets gave a relative standard deviation
# of the mean wait of 0.06 (VIP) and 0.14 (standard) around Cobham; it shrinks as 1/sqrt(tickets). A check at
# five standard deviations cannot fail for a correct model, while serving standard tickets first, or FIFO, or
# preempting, moves a class mean by far more.
LOAD = 0.8
RELATIVE_SD_AT_20K = {"vip": 0.06, "standard": 0.14}


def tolerance(klass: str, tickets: int) -> float:
    return 5 * RELATIVE_SD_AT_20K[klass] * math.sqrt(20_000 / tickets)


def test_cobham_keeps_the_fifo_mean_wait():
    # Kleinrock's conservation law: with equal work, the arrival-weighted mean wait is the FIFO (Erlang C) one.
    for c, load in ((1, 0.5), (10, 0.9), (200, 0.95)):
        model = R1(engineers=c, load=load)
        fifo = models.erlang_c(c, model.rate * model.mean_work) / (c / model.mean_work - model.rate)
        waits = models.cobham_waits(model)
        mixed = model.vip_share * waits["vip"] + (1 - model.vip_share) * waits["standard"]
        assert mixed == pytest.approx(fifo, rel=1e-12)
        assert waits["vip"] < fifo < waits["standard"]


def _supportsim_tickets(record):
    t = record.tickets
    vip_segment = record.scenario.segment_names.index("vip")
    klass = np.where(t.segment == vip_segment, 0, 1)
    return t.arrived.tolist(), klass.tolist(), t.work.tolist()


def test_floor_and_simpy_replay_supportsim_exactly():
    model = R1(tickets=20_000, load=LOAD)
    scenario = load_scenario(models.scenario_dict(model))
    record = models.run_supportsim(model, scenario)
    tickets = _supportsim_tickets(record)
    waits = record.first_response - record.tickets.arrived
    own = {k: float(waits[np.array(tickets[1]) == i].mean()) for i, k in enumerate(CLASSES)}
    summary = models.supportsim_waits(scenario, record)
    floor = models.run_floor(model, tickets)
    simpy = models.run_simpy(model, tickets)
    assert floor.tickets == simpy.tickets == summary.tickets == len(record.tickets)
    for k in CLASSES:
        # the same tickets under the same discipline: the same waits, up to the order of float additions
        assert summary.mean_wait[k] == pytest.approx(own[k], rel=1e-9)
        assert floor.mean_wait[k] == pytest.approx(own[k], rel=1e-9)
        assert simpy.mean_wait[k] == pytest.approx(own[k], rel=1e-9)


def test_simpy_and_floor_agree_on_their_own_draw():
    model = R1(tickets=5_000, load=LOAD, seed=7)
    assert models.run_simpy(model).mean_wait == pytest.approx(models.run_floor(model).mean_wait, rel=1e-9)


@pytest.mark.parametrize("name, tickets", [("supportsim", 200_000), ("floor", 200_000), ("ciw", 40_000)])
def test_implementation_agrees_with_cobham(name, tickets):
    model = R1(tickets=tickets, load=LOAD, seed=3)
    if name == "supportsim":
        record = models.run_supportsim(model)
        waits = models.supportsim_waits(record.scenario, record).mean_wait
    elif name == "floor":
        waits = models.run_floor(model).mean_wait
    else:
        pytest.importorskip("ciw")
        waits = models.run_ciw(model).mean_wait
    exact = models.cobham_waits(model)
    for k in CLASSES:
        assert abs(waits[k] / exact[k] - 1) <= tolerance(k, tickets), (name, k, waits[k], exact[k])


def test_scenario_dict_is_the_model():
    model = R1(engineers=50, tickets=1000)
    scenario = load_scenario(models.scenario_dict(model))
    assert scenario.groups["desk"].staff == 50
    assert scenario.total_rate == pytest.approx(45.0)
    assert scenario.offered_load()["desk"] == pytest.approx(0.9)
    assert run_replications(scenario, 1, 1)[0].tickets.arrived.max() < scenario.horizon


def test_command_prints_and_writes_the_figures(tmp_path, capsys):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\nProse kept.\n\n{report.BEGIN}\nold figures\n{report.END}\n\nMore prose.\n")
    code = main(["--quick", "--tickets", "2000", "--ciw-tickets", "1000", "--engineers", "20",
                 "--memory-tickets", "2000", "--horizon", "10d", "--replications", "2", "--write", str(doc)])
    assert code == 0
    printed = capsys.readouterr().out
    text = doc.read_text()
    assert "old figures" not in text and "Prose kept." in text and text.rstrip().endswith("More prose.")
    for heading in ("### Targets", "### R1:", "### R1 scaled", "### R2:", "### Memory", "### Scaling",
                    "### Staffing search"):
        assert heading in printed and heading in text
    for name, label in LABELS.items():  # without Ciw installed (no bench extra) its row is left out
        assert (label in printed) == (name != "ciw" or runs.ciw_available())
    assert "Cobham (exact)" in printed and "Summaries with 1 and 2 workers identical" in printed

