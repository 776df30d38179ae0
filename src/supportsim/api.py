"""The Python entry points: load a scenario, simulate it, get a result."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .admit import admit, load_plan
from .extras import require
from .progress import Callback
from .records import ReplicationRecord
from .results import SimulationResult
from .scenario import Scenario
from .sweeps import run_sweep
from .variants import baseline_name
from .workers import run_in_order

if TYPE_CHECKING:
    from .backtesting.result import BacktestResult
    from .fitting.result import FitResult


def run_replications(scenario: Scenario, replications: int, seed: int, jobs: int = 1,
                     scheduler: str | None = None) -> list[ReplicationRecord]:
    """Replications 0..n-1 of one scenario, in order. Each depends only on its own arguments, never on the worker
    that runs it, so ``jobs`` changes the speed and nothing else."""
    return run_in_order([(scenario, r, seed) for r in range(replications)], jobs, scheduler, keep="records")


def simulate(scenario: Scenario | str | Mapping, replications: int | None = None, seed: int | None = None,
             jobs: int = 1, scheduler: str | None = None, progress: Callback | None = None,
             max_tickets: int | None = None) -> SimulationResult:
    """Simulate a scenario (a Scenario, a file path or a dict) and return its :class:`SimulationResult`.

    Checked exactly as ``supportsim validate`` checks it, and refused (:class:`ScenarioError`) when its
    estimated size is over ``max_tickets`` (default: docs/limits.md). ``jobs`` worker processes, or a Dask
    ``scheduler`` (see :class:`supportsim.workers.Workers`); ``progress(done, total)`` is called as replications
    finish (a :class:`supportsim.progress.Progress` draws it on a terminal)."""
    admitted = admit(scenario)
    scenario = admitted.scenario
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    admitted.refuse_beyond(replications, max_tickets)
    variants = admitted.variants
    tasks = [(variant, r, seed) for variant in variants.values() for r in range(replications)]
    done = run_in_order(tasks, jobs, scheduler, keep="records", progress=progress)
    records = {name: done[i * replications:(i + 1) * replications] for i, name in enumerate(variants)}
    return SimulationResult(scenario, records, seed)


def sweep(source: Scenario | str | Path | Mapping, grid: Mapping[str, list] | None = None,
          replications: int | None = None, jobs: int | None = None, scheduler: str | None = None,
          out: str | Path | None = None, progress: bool = False, max_tickets: int | None = None) -> Any:
    """Run a parameter sweep and return its tidy table as a pandas DataFrame (see docs/sweeps.md).

    ``source`` is a sweep file, or a scenario (path, dict or Scenario) with a ``sweep:`` section or a
    ``grid`` given here. ``jobs`` worker processes (default: all cores), or a Dask ``scheduler`` address
    (``"local"`` starts a LocalCluster of ``jobs`` workers). With ``out``, points are saved there as they
    finish and a later call resumes; the folder then also holds sweep.csv like the command line's.
    """
    pandas = require("pandas", "pandas", "supportsim.sweep()")
    plan = load_plan(source, grid, replications, max_tickets)
    result = run_sweep(plan, out, jobs or os.cpu_count() or 1, scheduler, progress=None if progress else False)
    if out is not None:
        result.save(out)
    return pandas.DataFrame(result.rows, columns=result.columns)


def staff(scenario: Scenario | str | Mapping, groups: list[str] | None = None, delta: float = 0.01,
          batch: int | None = None, cap: int | None = None, seed: int | None = None, jobs: int = 1,
          scheduler: str | None = None, out: str | Path | None = None) -> Any:
    """The least-cost staff per variant such that every constraint (checks and SLA/OLA targets with ``attain``)
    holds with 95% confidence, as ``supportsim staff`` finds it (see docs/staffing.md). Returns a pandas DataFrame,
    one row per variant and searched group (``staff``, ``cost_per_week``, ``binding``, ``reachable``); with
    ``out``, the results folder is saved there as the command line saves it."""
    pandas = require("pandas", "pandas", "supportsim.staff()")
    from .staffing import settings_for
    from .staffing import staff as search
    from .staffing_output import save

    admitted = admit(scenario)
    settings = settings_for(admitted.scenario, groups, delta, batch, cap, seed, jobs, scheduler)
    answers = search(admitted.variants, admitted.checks, settings)
    if out is not None:
        save(out, admitted.scenario, answers, settings, baseline_name(admitted.scenario))
    rows = [{"variant": a.variant, "group": group, "staff": count, "cost_per_week": a.cost,
             "binding": "; ".join(sorted({n for p, names in a.binding.items() if p.split("[")[0] == group
                                          for n in names})),
             "reachable": a.reachable, "reason": a.reason}
            for a in answers for group, count in (a.staff() if a.reachable else dict.fromkeys(settings.groups)).items()]
    return pandas.DataFrame(rows)


def staff_by_hour(scenario: Scenario | str | Mapping, alpha: float | None = None, interval: int = 1,
                  groups: list[str] | None = None, delta: float = 0.01, batch: int | None = None,
                  cap: int | None = None, seed: int | None = None, jobs: int = 1, scheduler: str | None = None,
                  out: str | Path | None = None) -> Any:
    """Staff per interval of the week (the iterative staffing algorithm) and, with a ``roster:`` section, the
    verified least-cost roster, as ``supportsim staff --by-hour`` finds them (see docs/staffing.md). Returns a
    pandas DataFrame, the rows of by-hour.csv (group, interval, requirement, rostered, ...); with ``out``, the
    results folder is saved there as the command line saves it. Raises StaffingError for what cannot be done."""
    pandas = require("pandas", "pandas", "supportsim.staff_by_hour()")
    import io

    from .roster import verified_roster
    from .roster_output import by_hour_csv, document, save
    from .staffing import constraints_of, settings_for
    from .staffing_by_hour import by_hour

    admitted = admit(scenario)
    settings = settings_for(admitted.scenario, groups, delta, batch, cap, seed, jobs, scheduler)
    constraints = constraints_of(admitted.scenario, admitted.checks, next(iter(admitted.variants)))
    answer = by_hour(admitted.scenario, constraints, settings, interval, alpha)
    roster = None
    if admitted.scenario.roster is not None:
        roster = verified_roster(admitted.scenario, answer.staffing, constraints, settings, interval, answer.alpha,
                                 before=answer.simulations)
    if out is not None:
        save(out, admitted.scenario, answer, settings, roster)
    return pandas.read_csv(io.StringIO(by_hour_csv(document(admitted.scenario, answer, settings, roster))))


def fit(export: str | Path, out: str | Path | None = None, report: str | Path | None = None, *,
        preset: str | None = None, states: str | Path | Mapping | None = None, columns: Mapping[str, str] | None = None,
        ignore_unknown: bool = False, skip_bad: bool = False, tz: str | None = None, since: str | None = None,
        until: str | None = None, on_duty_cut: bool = False, bootstrap: int = 99, name: str | None = None,
        vip: list[str] | None = None) -> FitResult:
    """Fit a scenario to a ticket system's export, as ``supportsim fit`` does (see docs/fit.md).

    Returns the :class:`supportsim.fitting.FitResult` (every estimate with its interval; ``scenario_yaml(name)``
    gives the commented scenario). With ``out``, the scenario is written there and the report to ``report``
    (default: fit-report.html next to it). Bad input raises :class:`supportsim.fitting.FitError`.
    """
    from .fitting import ReadOptions, fit_export, save

    options = ReadOptions(columns=dict(columns or {}), preset=preset,
                          states=dict(states) if isinstance(states, Mapping) else (str(states) if states else None),
                          ignore_unknown=ignore_unknown, skip_bad=skip_bad, tz=tz, since=since, until=until)
    result = fit_export(export, options, cut=on_duty_cut, draws=bootstrap, vip=vip)
    if out is not None:
        save(result, out, Path(report) if report else Path(out).parent / "fit-report.html", name)
    return result


def backtest(export: str | Path, scenario: str | Path | None = None, *, split: str, out: str | Path | None = None,
             replay_arrivals: bool = False, backlog: bool = True, replications: int = 99, seed: int = 1,
             level: float = 0.9, preset: str | None = None, states: str | Path | Mapping | None = None,
             columns: Mapping[str, str] | None = None, ignore_unknown: bool = False, skip_bad: bool = False,
             tz: str | None = None, on_duty_cut: bool = False, vip: list[str] | None = None,
             max_tickets: int | None = None) -> BacktestResult:
    """Backtest, as ``supportsim backtest`` does (see docs/fit.md): fit on the export before ``split`` (or take
    ``scenario``), simulate the whole weeks after it from the backlog open at the split, and compare each week's
    figures with the simulation's prediction interval for one week.

    Returns the :class:`supportsim.backtesting.BacktestResult` (``coverage()``, ``summary()``, ``text()``); with
    ``out``, saves the results folder there. Bad input raises FitError or ScenarioError.
    """
    from .backtesting import backtest as run
    from .backtesting.saving import save
    from .fitting import ReadOptions
    from .targets import folder_target

    if out is not None:
        folder_target(Path(out), "--out ")
    options = ReadOptions(columns=dict(columns or {}), preset=preset,
                          states=dict(states) if isinstance(states, Mapping) else (str(states) if states else None),
                          ignore_unknown=ignore_unknown, skip_bad=skip_bad, tz=tz)
    result = run(export, scenario, split, replay_arrivals=replay_arrivals, replications=replications, seed=seed,
                 level=level, backlog=backlog, options=options, on_duty_cut=on_duty_cut, vip=vip,
                 max_tickets=max_tickets)
    if out is not None:
        save(result, out)
    return result
