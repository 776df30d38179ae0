"""The report of a sweep draws every combination of the swept keys: beyond the x axis and the policy, a few
combinations of further keys are columns of panels, more are lines of their own; nothing is held fixed. The
test reads the plotted data the figure carries and finds every sweep.csv row in it exactly once."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from supportsim.report import sweepplots
from supportsim.report.data import Results
from supportsim.report.plots import variant_styles

STAFF = ["2", "3", "4"]
POLICIES = ["fifo", "priority"]
PANELS = [("vip", "sla", "reaction_met", "vip reaction within 15m"), ("vip", "reaction", "mean", "vip reaction mean")]


def value(staff: str, policy: str, mean: str, metric: str) -> float:
    """A distinct figure per point and metric, so a line drawn from the wrong rows shows."""
    return (0.5 + 0.1 * int(staff) + 0.01 * POLICIES.index(policy) + 0.001 * MEANS_ALL.index(mean)) / \
        (1 if metric == "sla" else 3)


MEANS_ALL = ["8m", "9m", "10m", "11m", "12m"]


def results(means: list[str]) -> Results:
    rows = [{"variant": "base", "scope": scope, "metric": metric, "statistic": statistic,
             "value": value(staff, policy, mean, metric), "low": value(staff, policy, mean, metric) - 0.01,
             "high": value(staff, policy, mean, metric) + 0.01,
             "point": {"groups.L1.staff.0.count": staff, "policy.kind": policy, "groups.L1.work.mean": mean}}
            for staff, policy, mean in itertools.product(STAFF, POLICIES, means)
            for scope, metric, statistic, _ in PANELS]
    return Results(Path("."), sweep=rows,
                   sweep_parameters=["groups.L1.staff.0.count", "policy.kind", "groups.L1.work.mean"])


def drawn_points(plotted: list[dict]) -> dict[tuple[str, str, str, str], float]:
    """(panel, staff, policy, mean) -> the value drawn, from every line of every panel (each point once)."""
    found: dict[tuple[str, str, str, str], float] = {}
    for panel in plotted:
        assert panel["x_parameter"] == "groups.L1.staff.0.count"
        for line in panel["lines"].values():
            mean = line["where"]["groups.L1.work.mean"]
            for x, v in zip(line["x"], line["value"]):
                key = (panel["panel"], x, line["policy"], mean)
                assert key not in found, f"{key} drawn twice"
                found[key] = v
    return found


@pytest.mark.parametrize("means", [MEANS_ALL[:2], MEANS_ALL], ids=["columns", "lines"])
def test_every_combination_of_further_swept_keys_is_drawn(means):
    drawn = sweepplots.sweep(results(means), PANELS, variant_styles(["base"]), {("vip", "reaction"): 0.9})
    assert drawn is not None
    svg, how, plotted = drawn
    assert svg.startswith("<svg")
    expected = {(label, staff, policy, mean): value(staff, policy, mean, metric) * (100 if metric == "sla" else 1)
                for staff, policy, mean in itertools.product(STAFF, POLICIES, means)
                for _, metric, _, label in PANELS}
    found = drawn_points(plotted)
    assert set(found) == set(expected)
    for key, v in expected.items():  # reaction means are drawn in minutes
        assert found[key] == pytest.approx(v * (60 if "mean" in key[0] else 1)), key
    if len(means) <= sweepplots.COLUMNS:  # a column of panels per further value, a line per policy
        assert len(plotted) == len(PANELS) * len(means)
        assert all(set(p["lines"]) == set(POLICIES) for p in plotted)
        assert "a column per combination of groups.L1.work.mean" in how
    else:  # one panel per figure, a line per policy and further value, each named by both
        assert len(plotted) == len(PANELS)
        assert all(len(p["lines"]) == len(POLICIES) * len(means) for p in plotted)
        assert "fifo, mean=8m" in plotted[0]["lines"]
        assert "one line per policy.kind value and combination of groups.L1.work.mean" in how
    sla = [p for p in plotted if p["panel"].startswith("vip reaction within")]
    assert sla and all(p["target"] == pytest.approx(90) for p in sla)
