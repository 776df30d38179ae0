"""supportsim: discrete-event simulation for support desk capacity planning.

Load a scenario (engineer groups, customer segments, queue strategy), simulate it over many replications,
and read reaction and resolution times per segment with confidence intervals::

    import supportsim
    result = supportsim.simulate("scenarios/small-desk.yaml")
    result.summary()["variants"]["base"]["segments"]["vip"]["reaction"]["mean"]
"""

__version__ = "0.1.0"  # before the imports: modules below record it in what they write

from .api import simulate, sweep
from .loader import ScenarioError, load_scenario
from .results import SimulationResult
from .scenario import Scenario

__all__ = ["load_scenario", "simulate", "sweep", "Scenario", "ScenarioError", "SimulationResult"]
