"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

A task is ``(scenario, replication, seed)`` and its result is that replication's flat figures (see
:func:`supportsim.stats.replication_figures`): a few kilobytes instead of the whole ticket record, so results
travel cheaply between processes and machines. Results come back in completion order with the task's index,
so a caller can save work as soon as it is done; the numbers never depend on which worker ran a task.
"""

from __future__ import annotations

import logging
import queue
import signal
from concurrent.futures import CancelledError, ProcessPoolExecutor
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from .engine import simulate_replication
from .extras import require
from .lifeline import dask_plugin, pool_options
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


@contextmanager
def _deferred_interrupts() -> Iterator[list]:
    """Note Ctrl-C instead of raising it at once; :func:`_as_finished` raises it between waits.

    A KeyboardInterrupt raised inside concurrent.futures' own locking leaves a future's lock held, and the
    pool's thread then blocks forever on it at exit: the interrupted command would hang instead of stopping.
    """
    noted: list = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: noted.append(True))
    except ValueError:  # not the main thread, which is the only one Ctrl-C interrupts anyway
        yield noted
        return
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def _as_finished(futures: list, interrupted: list) -> Iterator[int]:
    """Indices of the futures as they finish (any kind of future with ``add_done_callback``)."""
    finished: queue.SimpleQueue = queue.SimpleQueue()
    for i, future in enumerate(futures):
        future.add_done_callback(lambda _, i=i: finished.put(i))
    for _ in futures:
        index = None
        while index is None:
            if interrupted:
                raise KeyboardInterrupt
            try:
                index = finished.get(timeout=0.2)
            except queue.Empty:
                pass
        yield index


def _on_pool(tasks: list[Task], jobs: int) -> Iterator[tuple[int, Figures]]:
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), **pool_options(_ignore_interrupts))
    finished = False
    try:
        with _deferred_interrupts() as interrupted:
            futures = [pool.submit(figures_of, task) for task in tasks]
            for i in _as_finished(futures, interrupted):
                yield i, futures[i].result()
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
    cluster = client = None
    with _deferred_interrupts() as interrupted:  # Ctrl-C while the cluster starts: stop once it is up
        try:
            if scheduler == "local":
                cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                   dashboard_address=None, silence_logs=logging.CRITICAL)
                client = distributed.Client(cluster)
                client.register_plugin(dask_plugin(distributed))  # its workers end if this process dies
            else:
                client = distributed.Client(scheduler, timeout="20s")
            # priority: earlier points first, so whole points finish (and are saved) early in the run
            futures = [client.submit(figures_of, task, pure=False, priority=-i) for i, task in enumerate(tasks)]
            for i in _as_finished(futures, interrupted):
                result = futures[i].result()
                futures[i].release()
                yield i, result
        except (OSError, TimeoutError, CancelledError, distributed.KilledWorker) as exc:
            what = "lost the Dask cluster" if client is not None else "cannot reach the Dask scheduler"
            raise WorkerError(f"{what} at {scheduler}: {exc}") from None
        finally:
            for part in (client, cluster):
                if part is not None:
                    part.close()


def run_figures(variants: dict[str, Scenario], replications: int, seed: int, jobs: int = 1,
                scheduler: str | None = None) -> dict[str, list[Figures]]:
    """Replications 0..n-1 of every variant, as figures, in order (the same tickets for every variant)."""
    tasks = [(scenario, r, seed) for scenario in variants.values() for r in range(replications)]
    done: list[Figures] = [{}] * len(tasks)
    for i, figures in run_unordered(tasks, jobs, scheduler):
        done[i] = figures
    return {name: done[k * replications:(k + 1) * replications] for k, name in enumerate(variants)}
