"""Trust, measured: ``supportsim backtest`` predicts the weeks after a split of a ticket history (docs/fit.md).

Read the export and find the backlog open at the split and the tickets after it (:mod:`.history`), fit a
scenario before the split or take the one given, simulate the weeks after it from that backlog
(:mod:`.pipeline`), and compare each week's actual figures with the simulation's prediction interval for one
week (:mod:`.figures`); write the summary, backtest.csv and backtest.html (:mod:`.output`, :mod:`.report`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["BacktestResult", "backtest"]


def __getattr__(name: str) -> Any:  # the engine and the estimators load only when a backtest runs
    if name == "BacktestResult":
        from .result import BacktestResult
        return BacktestResult
    if name == "backtest":
        from .pipeline import backtest
        return backtest
    raise AttributeError(f"module 'supportsim.backtesting' has no attribute {name!r}")
