"""Simulated ticket histories for the fit tests: a known scenario, run, exported as an event log."""

from __future__ import annotations

from pathlib import Path

import supportsim
from supportsim.export import export

KNOWN = {
    # escalation with returns, lognormal and gamma work, a weekly profile, two segments, three priorities
    "name": "known-desk",
    "start": "2027-01-04T00:00",
    "horizon": "4w",
    "replications": 1,
    "segments": {"standard": {"share": 0.8}, "vip": {"share": 0.2}},
    "priorities": {"P1": 0.2, "P2": 0.5, "P3": 0.3},
    "arrivals": {"rate": "6/h", "profile": {"weekdays": {"sat": 0.3, "sun": 0.3}, "hours": {"08-18": 2.0}}},
    "groups": {
        "L1": {"staff": 6, "work": {"dist": "lognormal", "mean": "30m", "cv": 1.2}, "escalate": {"L2": 0.3}},
        "L2": {"staff": 5, "work": {"dist": "gamma", "mean": "90m", "cv": 0.7}, "escalate": {"L1": 0.2}},
    },
    "entry": "L1",
}

TRUTH = {  # (what, name) -> true value, in the units FitResult holds (hours, shares, per hour)
    ("rate", ""): 6.0,
    ("segment", "vip"): 0.2, ("priority", "P1"): 0.2, ("priority", "P2"): 0.5, ("priority", "P3"): 0.3,
    ("escalate", "L1>L2"): 0.3, ("escalate", "L2>L1"): 0.2,
    ("work_mean", "L1"): 0.5, ("work_cv", "L1"): 1.2, ("work_mean", "L2"): 1.5, ("work_cv", "L2"): 0.7,
}
FAMILY = {"L1": "lognormal", "L2": "gamma"}


def history(folder: Path, scenario: dict = KNOWN, seed: int = 1, fmt: str = "event-log") -> Path:
    """Simulate one replication of ``scenario`` and export it; returns the event log's path."""
    result = supportsim.simulate(scenario, replications=1, seed=seed)
    run = folder / f"run-{seed}"
    result.save(run, visits=True)
    out = folder / f"history-{seed}.{'xes' if fmt == 'xes' else 'csv'}"
    export(run, out, fmt)
    return out


def intervals(r) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(value, low, high) of each parameter in TRUTH, from a FitResult."""
    out = {("rate", ""): (r.arrivals.rate.value, r.arrivals.rate.low, r.arrivals.rate.high)}
    for seg, e in r.segments.items():
        out[("segment", seg)] = (e.value, e.low, e.high)
    for pri, e in r.priorities.items():
        out[("priority", pri)] = (e.value, e.low, e.high)
    for g, to in r.routing.to.items():
        for h, e in to.items():
            out[("escalate", f"{g}>{h}")] = (e.value, e.low, e.high)
    for g, w in r.work.items():
        if w.fit is not None:
            out[("work_mean", g)] = (w.fit.mean, *w.fit.mean_ci)
            out[("work_cv", g)] = (w.fit.cv, *w.fit.cv_ci)
    return out
