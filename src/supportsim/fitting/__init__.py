"""From ticket history to a calibrated scenario: ``supportsim fit`` (see docs/fit.md).

Read an export (:mod:`.read`, :mod:`.events`), cut it into spells and visits (:mod:`.visits`), estimate
arrivals, mix and routing (:mod:`.estimate`) and work, waiting and staff (:mod:`.work`), each by maximum
likelihood with its interval, then write a scenario (:mod:`.result`) and a report (:mod:`.report`).
"""

from __future__ import annotations

from typing import Any

from .errors import FitError

__all__ = ["FitError", "FitResult", "ReadOptions", "fit_export", "save"]


def __getattr__(name: str) -> Any:  # the estimators load scipy: only when a fit is asked for
    if name in ("FitResult", "fit_export", "save", "scenario_name"):
        from . import pipeline
        return getattr(pipeline, name)
    if name == "ReadOptions":
        from .read import ReadOptions
        return ReadOptions
    raise AttributeError(f"module 'supportsim.fitting' has no attribute {name!r}")
