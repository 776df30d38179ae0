"""The Python entry points: load a scenario, simulate it, get a result."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Mapping

from .engine import ReplicationRecord, simulate_replication
from .extras import require
from .admit import admit, load_plan
from .results import SimulationResult
from .scenario import Scenario
from .sweeps import run_sweep


def _one(args: tuple[Scenario, int, int]) -> ReplicationRecord:
    scenario, replication, seed = args
    return simulate_replication(scenario, replication, seed)


def run_tasks(tasks: list[tuple[Scenario, int, int]], jobs: int = 1) -> list[ReplicationRecord]:
    """Simulate (scenario, replication, seed) tasks, results in task order. Each task depends only on its own
    arguments, never on the worker that runs it, so ``jobs`` changes the speed and nothing else."""
    if jobs <= 1 or len(tasks) <= 1:
        return [_one(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return list(pool.map(_one, tasks))


def run_replications(scenario: Scenario, replications: int, seed: int, jobs: int = 1) -> list[ReplicationRecord]:
    """Replications 0..n-1 of one scenario, in order."""
    return run_tasks([(scenario, r, seed) for r in range(replications)], jobs)


def simulate(scenario: Scenario | str | Mapping, replications: int | None = None, seed: int | None = None,
             jobs: int = 1, max_tickets: int | None = None) -> SimulationResult:
    """Simulate a scenario (a Scenario, a file path or a dict) and return its :class:`SimulationResult`.

    Checked exactly as ``supportsim validate`` checks it, and refused (:class:`ScenarioError`) when its
    estimated size is over ``max_tickets`` (default: docs/limits.md)."""
    admitted = admit(scenario)
    scenario = admitted.scenario
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    admitted.refuse_beyond(replications, max_tickets)
    variants = admitted.variants
    tasks = [(variant, r, seed) for variant in variants.values() for r in range(replications)]
    done = run_tasks(tasks, jobs)
    records = {name: done[i * replications:(i + 1) * replications] for i, name in enumerate(variants)}
    return SimulationResult(scenario, records, seed)


def sweep(source: Scenario | str | Path | Mapping, grid: Mapping[str, list] | None = None,
          replications: int | None = None, jobs: int | None = None, scheduler: str | None = None,
          out: str | Path | None = None, progress: bool = False, max_tickets: int | None = None):
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
