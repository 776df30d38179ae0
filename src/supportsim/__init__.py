"""supportsim: discrete-event simulation for support desk capacity planning.

Load a scenario (engineer groups, customer segments, queue strategy), simulate it over many replications,
and read reaction and resolution times per segment with confidence intervals::

    import supportsim
    result = supportsim.simulate("scenarios/small-desk.yaml")
    result.summary()["variants"]["base"]["segments"]["vip"]["reaction"]["mean"]
"""

from .api import simulate
from .loader import ScenarioError, load_scenario
from .results import SimulationResult
from .scenario import Scenario

__all__ = ["load_scenario", "simulate", "Scenario", "ScenarioError", "SimulationResult"]
__version__ = "0.1.0"
