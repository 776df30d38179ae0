"""supportsim: discrete-event simulation for support desk capacity planning.

Load a scenario (engineer groups, customer segments, queue policy), simulate it over many replications,
and read reaction and resolution times per segment with confidence intervals::

    import supportsim
    result = supportsim.simulate("scenarios/small-desk.yaml")
    result.summary()["variants"]["base"]["segments"]["vip"]["reaction"]["mean"]
"""

from typing import Any

from ._version import __version__
from .admit import load_scenario
from .loader import ScenarioError
from .scenario import Scenario

__all__ = ["__version__", "load_scenario", "simulate", "sweep", "staff", "staff_by_hour", "fit", "backtest", "Scenario",
           "ScenarioError", "SimulationResult"]


def __getattr__(name: str) -> Any:
    # the engine and statistics load on first use, so `supportsim validate` and bad input answer at once
    if name in ("simulate", "sweep", "staff", "staff_by_hour", "fit", "backtest"):
        from . import api
        return getattr(api, name)
    if name == "SimulationResult":
        from .results import SimulationResult
        return SimulationResult
    raise AttributeError(f"module 'supportsim' has no attribute {name!r}")
