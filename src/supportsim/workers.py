"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

A task is ``(scenario, replication, seed)`` and its result is that replication's flat figures (see
:func:`supportsim.stats.replication_figures`): a few kilobytes instead of the whole ticket record, so results
travel cheaply between processes and machines. Results come back in completion order with the task's index,
so a caller can save work as soon as it is done; the numbers never depend on which worker ran a task.
"""

from __future__ import annotations

import logging
import signal
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from .engine import simulate_replication
from .extras import require
from .scenario import Scenario
from .stats import Key, replication_figures

Task = tuple[Scenario, int, int]
Figures = dict[Key, float]


class WorkerError(RuntimeError):
    """The workers went away (a killed process, a lost cluster); work already saved stays valid."""


def figures_of(task: Task) -> Figures:
    scenario, replication, seed = task
    return replication_figures(simulate_replication(scenario, replication, seed))


def run_unordered(tasks: list[Task], jobs: int = 1, scheduler: str | None = None) -> Iterator[tuple[int, Figures]]:
    """Yield ``(task index, figures)`` as tasks finish: inline for one job, else a process pool of ``jobs``
    workers, or Dask when ``scheduler`` is ``"local"`` (a LocalCluster of ``jobs`` processes) or an address."""
    if scheduler:
        return _on_dask(tasks, jobs, scheduler)
    if jobs <= 1 or len(tasks) <= 1:
        return ((i, figures_of(task)) for i, task in enumerate(tasks))
    return _on_pool(tasks, jobs)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group; only the parent should act on it (and stop us).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _on_pool(tasks: list[Task], jobs: int) -> Iterator[tuple[int, Figures]]:
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_ignore_interrupts)
    finished = False
    try:
        index = {pool.submit(figures_of, task): i for i, task in enumerate(tasks)}
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=index.__getitem__):
                yield index[future], future.result()
        finished = True
    except BrokenProcessPool as exc:
        raise WorkerError(f"a worker process died ({exc})") from None
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            # Interrupted: stop the workers now rather than after the replications they are running (the
            # pool has no public way to do that before Python 3.14).
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()


def _on_dask(tasks: list[Task], jobs: int, scheduler: str) -> Iterator[tuple[int, Figures]]:
    distributed = require("distributed", "dask", "--scheduler")
    cluster = None
    try:
        if scheduler == "local":
            cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise WorkerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        # priority: earlier points first, so whole points finish (and are saved) early in the run
        futures = [client.submit(figures_of, task, pure=False, priority=-i) for i, task in enumerate(tasks)]
        index = {future.key: i for i, future in enumerate(futures)}
        for future in distributed.as_completed(futures):
            result = future.result()
            future.release()
            yield index[future.key], result
    except (OSError, TimeoutError, CancelledError, distributed.KilledWorker) as exc:
        raise WorkerError(f"lost the Dask cluster at {scheduler}: {exc}") from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_figures(variants: dict[str, Scenario], replications: int, seed: int, jobs: int = 1,
                scheduler: str | None = None) -> dict[str, list[Figures]]:
    """Replications 0..n-1 of every variant, as figures, in order (the same tickets for every variant)."""
    tasks = [(scenario, r, seed) for scenario in variants.values() for r in range(replications)]
    done: list[Figures] = [{}] * len(tasks)
    for i, figures in run_unordered(tasks, jobs, scheduler):
        done[i] = figures
    return {name: done[k * replications:(k + 1) * replications] for k, name in enumerate(variants)}
