"""The one way in: every command (validate, run, compare, sweep, check, baseline) and the Python API read and
check a scenario here, so whatever ``validate`` refuses, every other command refuses with the same words.

:func:`admit` reads the file (or takes a dict), validates the scenario and each variant, its ``checks:`` and its
``sweep:`` section (every point of the grid), and returns them together. :meth:`Admitted.refuse_beyond` refuses
a run whose estimated size is over the limits (:mod:`supportsim.budget`); :meth:`Admitted.warnings` lists what
is allowed but likely wrong (a group that cannot keep up, an overloaded policy split), for ``validate`` and
``run`` alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import budget
from .checks import Check, parse_checks
from .loader import ScenarioError, expand_variants, read_scenario_data, validate_data
from .plan import Plan, SweepFile, make_plan
from .problems import pydantic_problems
from .scenario import Scenario, Sweep


@dataclass(frozen=True)
class Admitted:
    """A scenario that passed every check; ``source`` and ``lines`` place later problems in its file."""

    scenario: Scenario
    variants: dict[str, Scenario]
    checks: list[Check]
    plan: Plan | None      # the sweep: section, every point checked
    source: str = "<scenario>"
    lines: dict[str, int] = field(default_factory=dict)

    def refuse_beyond(self, replications: int | None = None, max_tickets: int | None = None,
                      kept: bool = True) -> None:
        """Refuse (ScenarioError) when simulating every variant ``replications`` times (default: the scenario's)
        is estimated beyond ``max_tickets``; ``kept``: every ticket's record is kept (``run``), which sizes the
        memory in the message. The sweep: section is sized by :func:`refuse_sweep_beyond`."""
        found = budget.estimate(self.variants.values(), replications or self.scenario.replications)
        budget.refuse_beyond(found, self.source, max_tickets, kept)

    def warnings(self) -> list[tuple[str, str]]:
        """(key path, message) for what is valid but most likely wrong, in every variant."""
        return load_warnings(self.scenario, self.variants)


def admit(source: str | Path | Mapping | Scenario) -> Admitted:
    """Read and check a scenario (a file path, plain data or a Scenario). Raises :class:`ScenarioError`.

    A Scenario object was checked when it was made; its variants and checks are checked again here, its sweep
    section (every point, possibly thousands) only when the sweep is planned (:func:`load_plan`)."""
    if isinstance(source, Scenario):
        return _admitted(source, "<scenario>", {}, sweep=False)
    if isinstance(source, Mapping):
        return admit_data(source)
    data, lines, where = read_scenario_data(source)
    return admit_data(data, where, lines)


def load_scenario(source: str | Path | Mapping) -> Scenario:
    """Load and check a scenario from a YAML file path or a dict, as ``supportsim validate`` does (variants,
    checks and sweep included). Raises :class:`ScenarioError`."""
    return admit(source).scenario


def admit_data(data: Mapping, where: str = "<scenario>", lines: Mapping[str, int] | None = None) -> Admitted:
    """:func:`admit` for plain data (already read from ``where``, with the line of each key)."""
    return _admitted(validate_data(data, where, lines), where, dict(lines or {}))


def _admitted(scenario: Scenario, where: str, lines: dict[str, int], sweep: bool = True) -> Admitted:
    variants = expand_variants(scenario, where, lines)
    checks, problems = parse_checks(scenario, variants)
    if problems:
        raise ScenarioError(problems, where, lines)
    plan = make_plan(scenario, scenario.sweep, where, lines) if sweep and scenario.sweep is not None else None
    return Admitted(scenario, variants, checks, plan, where, lines)


def load_warnings(scenario: Scenario, variants: Mapping[str, Scenario]) -> list[tuple[str, str]]:
    """Groups that cannot keep up over a week, and policies whose split of the engineers is overloaded."""
    from .arrival_calendar import unused_factor_warnings
    from .consistency import route_warnings
    from .service_targets import calendar_unit_warnings
    from .trace import mean_rate

    found = []
    for name, variant in variants.items():
        prefix = f"variants.{name}." if scenario.variants else ""
        for group, (offered, available) in variant.weekly_hours(mean_rate(variant)).items():
            if offered >= available:
                found.append((f"{prefix}groups.{group}", f"cannot keep up over a week: {offered:.0f} h of work "
                              f"offered per week, {available:.0f} engineer-hours on duty (load "
                              f"{offered / available:.2f}); add staff or shifts, or reduce work"))
        found += [(prefix + path, message) for path, message in policy_load_warnings(variant)]
        # targets in days or weeks on a business clock; arrival factors on a calendar customers do not follow
        found += [(prefix + path, message) for path, message in calendar_unit_warnings(variant)]
        found += [(prefix + path, message) for path, message in unused_factor_warnings(variant)]
        found += [(prefix + path, message) for path, message in route_warnings(variant)]
    return found


def policy_load_warnings(scenario: Scenario) -> list[tuple[str, str]]:
    """The load warnings of every policy in force (the scenario's and the groups' own)."""
    found = scenario.policy.load_warnings(scenario, "policy")
    for group, spec in scenario.groups.items():
        if spec.policy is not None:
            found += spec.policy.load_warnings(scenario, f"groups.{group}.policy")
    return found


def load_plan(source: str | Path | Mapping | Scenario, grid: Mapping[str, list] | None = None,
              replications: int | None = None, max_tickets: int | None = None) -> Plan:
    """A sweep plan from a sweep file, a scenario with a ``sweep:`` section, or a scenario and a ``grid``;
    refused when its estimated size is beyond ``max_tickets``."""
    lines: Mapping[str, int] = {}
    where = "<scenario>"
    data: Any = None
    if isinstance(source, (str, Path)):
        data, lines, where = read_scenario_data(source)
    elif isinstance(source, Mapping):
        data = dict(source)
    if data is not None and "scenario" in data:
        spec = _sweep_file(data, where, lines)
        path = (Path(where).parent if isinstance(source, (str, Path)) else Path(".")) / spec.scenario
        if not path.is_file():
            raise ScenarioError([("scenario", f"no such scenario file {str(path)!r}")], where, lines)
        admitted = admit(path)
        sweep: Sweep | None
        sweep, prefix = Sweep(**spec.model_dump(exclude={"scenario"})), "grid."
    else:
        admitted = admit(source) if data is None else admit_data(data, where, lines)
        sweep, prefix = admitted.scenario.sweep, "sweep.grid."
    scenario = admitted.scenario
    if grid is not None:
        sweep = Sweep(grid=dict(grid), **(sweep.model_dump(exclude={"grid"}) if sweep else {}))
        where, lines, prefix = "grid", {}, ""
    if sweep is None:
        raise ScenarioError([("sweep", "is missing: add a sweep: section with a grid, or give a sweep file "
                                       "(see docs/sweeps.md)")], where, lines)
    if replications is not None:
        sweep = sweep.model_copy(update={"replications": replications})
    if admitted.plan is not None and sweep == scenario.sweep:
        plan = admitted.plan
    else:
        plan = make_plan(scenario, sweep, where, lines, prefix)
    refuse_sweep_beyond(plan, where, max_tickets)
    return plan


def refuse_sweep_beyond(plan: Plan, source: str, max_tickets: int | None = None) -> None:
    found = budget.Estimate(0.0, 0.0, 0.0)
    for point in plan.points:
        found = found + budget.estimate(point.variants.values(), plan.replications)
    budget.refuse_beyond(found, source, max_tickets, kept=False, what=f"the sweep ({len(plan.points)} points)")


def _sweep_file(data: dict, where: str, lines: Mapping[str, int]) -> SweepFile:
    known = list(SweepFile.model_fields)
    problems = []
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
            problems.append((str(key), "unknown key" + (f"; did you mean {close[0]!r}?" if close else
                                                         f"; a sweep file has {', '.join(known)}")))
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as exc:
        problems += [p for p in pydantic_problems(exc, data) if not p[1].startswith("unknown key")]
        raise ScenarioError(problems, where, lines) from None
    if problems:
        raise ScenarioError(problems, where, lines)
    return spec
