"""A sweep's plan: every point of its grid checked, with the seed and the hash that fix its numbers.

Planning needs no engine: :func:`supportsim.admit.admit` plans a ``sweep:`` section when it checks a scenario,
and :mod:`supportsim.sweeps` runs a plan (see there for how seeds are chosen).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._version import __version__
from .grid import check_grid
from .loader import expand_variants
from .scenario import Scenario, Sweep


class SweepFile(Sweep):
    """A sweep kept apart from its scenario."""

    scenario: str



@dataclass(frozen=True)
class Point:
    id: str
    params: dict[str, Any]
    variants: dict[str, Scenario]
    seed: int
    definition: str   # hash of everything this point's numbers depend on


@dataclass(frozen=True)
class Plan:
    scenario: Scenario   # with ``sweep`` set to the sweep being run
    replications: int
    points: list[Point]

    @property
    def grid(self) -> dict[str, list]:
        assert self.scenario.sweep is not None, "a plan's scenario always has its sweep"
        return self.scenario.sweep.grid

    @property
    def tasks(self) -> int:
        return sum(len(p.variants) for p in self.points) * self.replications


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def make_plan(scenario: Scenario, sweep: Sweep, source: str = "<scenario>", lines: Mapping[str, int] | None = None,
              prefix: str = "sweep.grid.") -> Plan:
    """Check every point of the grid (all problems at once, as a ScenarioError) and fix its seed and hash."""
    replications = sweep.replications or scenario.replications
    sweep = sweep.model_copy(update={"replications": replications})
    points = []
    # the grid applies to each variant's data in canonical form (policy shorthands spelled out, defaults in)
    canonical = {name: variant.model_dump(mode="json", exclude_none=True)
                 for name, variant in expand_variants(scenario, source, lines).items()}
    for params, variants in check_grid(sweep.grid, canonical, source, lines, prefix):
        point_id = "p" + _digest(params)[:11]  # a letter first: never read as a number by CSV readers
        seed = next(iter(variants.values())).seed
        if sweep.tickets == "independent":
            seed = int(_digest([seed, point_id])[:8], 16)
        definition = _digest({"supportsim": __version__, "seed": seed, "replications": replications,
                              "variants": {name: s.model_dump(mode="json") for name, s in variants.items()}})
        points.append(Point(point_id, params, variants, seed, definition))
    return Plan(scenario.model_copy(update={"sweep": sweep}), replications, points)
