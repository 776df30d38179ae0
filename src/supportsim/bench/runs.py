"""The measurements of the benchmark, each returning plain dicts that :mod:`.report` turns into tables.

Timings are wall-clock seconds of ``time.perf_counter``. Implementations are timed round-robin, ``repeat``
times each, and the best time is kept: on a shared machine the noise only ever adds time, so the minimum is
the least disturbed figure, and running them interleaved lets a slow spell hit all of them alike.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..variants import deep_merge
from . import models
from .models import R1

T = TypeVar("T")

IMPLEMENTATIONS = ("supportsim", "ciw", "simpy", "floor")
LABELS = {
    "supportsim": "supportsim (scenario via API, full records)",
    "ciw": "Ciw 3.x (priority_classes)",
    "simpy": "plain SimPy (PriorityResource, process per ticket)",
    "floor": "hand-written heapq loop (floor)",
}


def _timed(function: Callable[..., T], *args: Any) -> tuple[T, float]:
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def ciw_available() -> bool:
    try:
        import ciw  # noqa: F401
    except ImportError:
        return False
    return True


def r1(model: R1, repeat: int, ciw_tickets: int | None) -> dict:
    """R1 four ways: tickets/s of each, supportsim's statistics time, mean waits next to Cobham."""
    from ..admit import load_scenario

    scenario, load_seconds = _timed(load_scenario, models.scenario_dict(model))
    best: dict[str, float] = {}
    waits: dict[str, models.Waits] = {}
    record = None
    ciw_model = replace(model, tickets=ciw_tickets) if ciw_tickets else None
    for attempt in range(repeat):
        record, seconds = _timed(models.run_supportsim, model, scenario)
        best["supportsim"] = min(seconds, best.get("supportsim", seconds))
        for name, runner in (("simpy", models.run_simpy), ("floor", models.run_floor)):
            waits[name], seconds = _timed(runner, model)
            best[name] = min(seconds, best.get(name, seconds))
        if ciw_model and attempt == 0:  # Ciw is the slowest by far: once is enough to place it
            waits["ciw"], best["ciw"] = _timed(models.run_ciw, ciw_model)
    waits["supportsim"], stats_seconds = _timed(models.supportsim_waits, scenario, record)
    rows = {}
    for name in IMPLEMENTATIONS:
        if name not in waits:
            continue
        rows[name] = {"tickets": waits[name].tickets, "seconds": best[name],
                      "rate": waits[name].tickets / best[name], "mean_wait": waits[name].mean_wait}
    return {"model": asdict(model), "rows": rows, "cobham": models.cobham_waits(model),
            "load_seconds": load_seconds, "stats_seconds": stats_seconds, "repeat": repeat}


def scaled(model: R1, engineers: list[int], repeat: int) -> list[dict]:
    """supportsim (and the floor, for reference) at more engineers, the load kept at ``model.load``.

    The staff sizes are timed round-robin too, so a slow spell of the machine does not land on one of them."""
    from ..admit import load_scenario

    variants = [replace(model, engineers=c) for c in [model.engineers, *engineers]]
    scenarios = [load_scenario(models.scenario_dict(v)) for v in variants]
    best: list[dict[str, float]] = [{} for _ in variants]
    records: list[Any] = [None] * len(variants)
    floors: list[Any] = [None] * len(variants)
    for _ in range(repeat):
        for i, (variant, scenario) in enumerate(zip(variants, scenarios)):
            records[i], seconds = _timed(models.run_supportsim, variant, scenario)
            best[i]["supportsim"] = min(seconds, best[i].get("supportsim", seconds))
            floors[i], seconds = _timed(models.run_floor, variant)
            best[i]["floor"] = min(seconds, best[i].get("floor", seconds))
    out = []
    for variant, scenario, record, floor, times in zip(variants, scenarios, records, floors, best):
        outcome = models.supportsim_waits(scenario, record)
        out.append({"engineers": variant.engineers, "rate": variant.rate, "tickets": len(record.tickets),
                    "supportsim": len(record.tickets) / times["supportsim"], "floor": floor.tickets / times["floor"],
                    "mean_wait": outcome.mean_wait, "cobham": models.cobham_waits(variant)})
    return out


R2_FILE = "vip-no-extra-staff.yaml"


def r2_scenario(scenarios: Path, horizon: str) -> tuple[dict, str]:
    """The bundled VIP scenario's VIP-lane variant for ``horizon``, one replication: as data, and its file name."""
    data = yaml.safe_load((scenarios / R2_FILE).read_text())
    data.update(horizon=horizon, replications=1)
    # R2 times one replication of the VIP-lane variant (the "three groups, escalation, vip_lane")
    variants = data.pop("variants", None) or {}
    data.pop("baseline", None)
    lane = [v for v in variants.values()
            if isinstance(v.get("policy"), dict) and v["policy"].get("kind") == "vip_lane"]
    if lane:
        data = deep_merge(data, lane[0])
    return data, R2_FILE


def r2(data: dict, repeat: int) -> dict:
    """Tickets/s of the R2 scenario (in this process) and its peak memory (in a fresh one)."""
    from ..admit import load_scenario
    from ..api import run_replications

    scenario = load_scenario(data)
    best = math.inf
    for _ in range(repeat):
        records, seconds = _timed(run_replications, scenario, 1, scenario.seed)
        best = min(best, seconds)
    record = records[0]
    return {"scenario": data["name"], "horizon": data["horizon"], "tickets": len(record.tickets),
            "visits": len(record.ended), "groups": len(scenario.groups), "seconds": best,
            "rate": len(record.tickets) / best, "memory": fresh_process(data)}


def fresh_process(data: dict) -> dict:
    """Run one replication of ``data`` in a new interpreter (see :mod:`.child`) and return what it measured."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    done = subprocess.run([sys.executable, "-m", "supportsim.bench.child", json.dumps(data)],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the memory run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory(tickets: int, seed: int) -> dict:
    """One replication of R1 with ``tickets`` tickets, every record kept; peak resident memory."""
    return {"requested": tickets, **fresh_process(models.scenario_dict(R1(tickets=tickets, seed=seed)))}


def spin(steps: int) -> int:
    """Pure-Python busy work with nothing to share: the control for what two workers can get from the machine."""
    total = 0
    for i in range(steps):
        total += i
    return total


def _spin_job(tasks: int, steps: int, jobs: int) -> None:
    if jobs <= 1:
        for _ in range(tasks):
            spin(steps)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:  # the kind of pool supportsim.workers uses
        list(pool.map(spin, [steps] * tasks))


def scaling(data: dict, replications: int, repeat: int) -> dict:
    """The same multi-replication job on 1 and 2 worker processes: wall time, speedup, CPU time spent, and
    whether the summaries are identical (they must be, whatever the number of workers).

    CPU seconds are this process's plus its finished children's (``getrusage``). Next to each run, a control
    job of as many tasks of pure busy work, each as long as one replication, runs on the same number of workers:
    its speedup is what the machine gave at that moment, so a shortfall of supportsim's speedup can be told apart
    from a busy machine."""
    from ..admit import load_scenario
    from ..api import run_replications
    from ..results import SimulationResult

    def cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    scenario = load_scenario(data)
    out = {"scenario": data["name"], "horizon": data["horizon"], "replications": replications,
           "seconds": {}, "cpu": {}, "control": {}}
    summaries = {}
    steps = None
    for _ in range(repeat):
        for jobs in (1, 2):
            before = cpu()
            records, seconds = _timed(run_replications, scenario, replications, scenario.seed, jobs)
            if seconds < out["seconds"].get(jobs, float("inf")):
                out["seconds"][jobs], out["cpu"][jobs] = seconds, cpu() - before
            summaries[jobs] = SimulationResult(scenario, {"base": records}, scenario.seed).summary()
            if steps is None:  # size the control's tasks like one replication
                _, probe = _timed(spin, 1_000_000)
                steps = max(1, int(1_000_000 * seconds / replications / probe))
            _, seconds = _timed(_spin_job, replications, steps, jobs)
            out["control"][jobs] = min(seconds, out["control"].get(jobs, seconds))
    out["tickets"] = sum(len(r.tickets) for r in records)
    out["speedup"] = out["seconds"][1] / out["seconds"][2]
    out["control_speedup"] = out["control"][1] / out["control"][2]
    out["identical"] = summaries[1] == summaries[2]
    return out


def staffing(scenarios: Path, jobs: int, quick: bool) -> dict:
    """``supportsim staff`` on the bundled VIP scenario with its defaults (every variant, every group): wall time,
    simulations and the answer per variant. Quick: the first two variants, a quarter of the horizon, batches of 2."""
    from ..admit import admit
    from ..staffing import settings_for, staff

    data = yaml.safe_load((scenarios / R2_FILE).read_text())
    if quick:
        data["variants"] = dict(list(data["variants"].items())[:2])
        data["horizon"] = "300h"
    checked = admit(data)
    settings = settings_for(checked.scenario, jobs=jobs, batch=2 if quick else None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    answers, seconds = _timed(staff, checked.variants, checked.checks, settings)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"scenario": data["name"], "variants": len(answers), "groups": len(checked.scenario.groups), "jobs": jobs,
            "seconds": seconds, "simulations": sum(a.simulations for a in answers),
            "cpu_children": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, "quick": quick,
            "answers": {a.variant: a.staff() if a.reachable else None for a in answers}}
