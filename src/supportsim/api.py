"""The Python entry points: load a scenario, simulate it, get a result."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Mapping

from .engine import ReplicationRecord, simulate_replication
from .loader import expand_variants, load_scenario
from .results import SimulationResult
from .scenario import Scenario


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
             jobs: int = 1) -> SimulationResult:
    """Simulate a scenario (a Scenario, a file path or a dict) and return its :class:`SimulationResult`."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    variants = expand_variants(scenario)
    tasks = [(variant, r, seed) for variant in variants.values() for r in range(replications)]
    done = run_tasks(tasks, jobs)
    records = {name: done[i * replications:(i + 1) * replications] for i, name in enumerate(variants)}
    return SimulationResult(scenario, records, seed)
