"""What a backtest found: the actual figures per week and the simulated ones, with each week's prediction
interval (see :mod:`.figures`); :mod:`.output` turns it into the summary and the terminal text, :mod:`.saving`
into a results folder."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..backlog import Backlog
from ..scenario import Scenario
from . import figures as fig
from .history import History


@dataclass
class BacktestResult:
    export: str
    split: str                  # as given
    split_start: str            # the split as a date-time (the simulation's start)
    scenario: Scenario          # what was simulated (start at the split, horizon the weeks after it)
    source: str                 # where the scenario came from: the file, or "fitted before <split>"
    fitted_yaml: str | None     # the fitted scenario's text, when fitted
    replay: bool
    backlog: Backlog
    backlog_groups: dict[str, dict[str, int]]  # group -> {"queued": n, "working": n}
    history: History
    level: float
    segments: list[str]
    actual: np.ndarray          # [weeks, segments + 1, METRICS]
    simulated: np.ndarray       # [replications, weeks, segments + 1, METRICS]
    actual_segment: np.ndarray  # per ticket after the split: index into segments
    week_starts: list[str] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        self.low, self.high, self.middle = fig.interval(self.simulated, self.level)
        self.hits = fig.inside(self.actual, self.low, self.high)

    @property
    def replications(self) -> int:
        return len(self.simulated)

    def coverage(self, metric: str | None = None) -> dict[str, Any]:
        hits = self.hits if metric is None else self.hits[..., fig.METRICS.index(metric)]
        return fig.coverage(hits)
