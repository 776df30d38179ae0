"""A backtest saved as one whole run (see :mod:`supportsim.manifest`): summary.json with the backtest block,
backtest.csv, backtest.html and the scenario simulated (and the fitted one)."""

from __future__ import annotations

import json
from pathlib import Path

from ..manifest import digest, save_run
from ..results import _json_safe, resolved_scenario_yaml
from .output import REPORT, backtest_csv, summary
from .report import render
from .result import BacktestResult


def save(r: BacktestResult, out: str | Path) -> Path:
    """summary.json (the backtest block), backtest.csv, backtest.html and the scenario simulated, as one whole
    run (see supportsim.manifest)."""
    resolved = resolved_scenario_yaml(r.scenario)
    files = {"summary.json": json.dumps(_json_safe(summary(r)), indent=2) + "\n", "backtest.csv": backtest_csv(r),
             "scenario.resolved.yaml": resolved, REPORT: render(r)}
    if r.fitted_yaml is not None:
        files["scenario.fitted.yaml"] = r.fitted_yaml
    run = {"kind": "backtest", "scenario": r.scenario.name, "scenario_hash": digest(resolved.encode("utf-8")),
           "seed": r.scenario.seed, "replications": r.replications}
    return save_run(Path(out), files, run)
