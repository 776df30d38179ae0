"""Where replications run: in this process, in a local process pool, or on a Dask cluster. Every command
that simulates (run, compare, sweep, check, baseline) and the Python API run their work through here.

A task is ``(scenario, replication, seed)``. What comes back is chosen per task: ``"figures"``, the
replication's flat figures (see :func:`supportsim.stats.replication_figures`, a few kilobytes that travel
cheaply between processes and machines), or ``"records"``, the whole per-ticket record. :class:`Workers`
takes tasks as they come (a search may submit more as earlier ones finish) and hands results back as they
finish, with each task's number; :func:`run_in_order` returns them in task order. The numbers never depend
on which worker ran a task. Ctrl-C stops the workers at once; what was already handed back stays valid.
"""

from __future__ import annotations

import logging
import queue
import signal
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from typing import Any, Literal

from .engine import simulate_replication
from .extras import require
from .lifeline import dask_plugin, pool_options
from .progress import Callback
from .scenario import Scenario
from .stats import Key, replication_figures

Task = tuple[Scenario, int, int]
Figures = dict[Key, float]
Keep = Literal["figures", "records"]


class WorkerError(RuntimeError):
    """The workers went away (a killed process, a lost cluster); work already saved stays valid."""


def run_task(task: Task, keep: Keep = "figures") -> Any:
    """What a worker runs: one replication, returned as its figures or its whole record."""
    scenario, replication, seed = task
    record = simulate_replication(scenario, replication, seed)
    return replication_figures(record) if keep == "figures" else record


class Workers:
    """Run tasks inline (``jobs`` 1), on a process pool of ``jobs`` workers, or on Dask when ``scheduler`` is
    ``"local"`` (a LocalCluster of ``jobs`` processes) or an address. Use it as a context manager::

        with Workers(jobs=2) as workers:
            for task in tasks:
                workers.submit(task)
            for number, figures in workers.finished():
                ...  # may submit more; finished() goes on until every submitted task is back

    ``size`` caps the pool when the number of tasks is known (no more workers than tasks).
    """

    def __init__(self, jobs: int = 1, scheduler: str | None = None, size: int | None = None):
        self.jobs, self.scheduler = jobs, scheduler
        self.inline = not scheduler and (jobs <= 1 or (size is not None and size <= 1))
        self.size = min(jobs, size) if size else jobs
        self._submitted = 0
        self._inline: deque[tuple[int, Task, Keep]] = deque()
        self._futures: dict[int, Any] = {}
        self._done: queue.SimpleQueue = queue.SimpleQueue()
        self._stack = ExitStack()
        self._interrupted: list = []
        self._pool: Any = None
        self._client: Any = None
        self._clean = False

    def __enter__(self) -> Workers:
        self._interrupted = self._stack.enter_context(_deferred_interrupts())
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self._clean = kind is None
        try:
            self._stop()
        finally:
            self._stack.close()

    def submit(self, task: Task, keep: Keep = "figures") -> int:
        """Queue a task; returns its number (0, 1, ... in submission order)."""
        number = self._submitted
        self._submitted += 1
        if self.inline:
            self._inline.append((number, task, keep))
            return number
        if self.scheduler:
            client = self._client or self._start_dask()
            # priority: earlier tasks first, so whole points finish (and are saved) early in a sweep
            future = client.submit(run_task, task, keep, pure=False, priority=-number)
        else:
            future = (self._pool or self._start_pool()).submit(run_task, task, keep)
        self._futures[number] = future
        future.add_done_callback(lambda _, number=number: self._done.put(number))
        return number

    def finished(self) -> Iterator[tuple[int, Any]]:
        """``(task number, result)`` as tasks finish, until every task submitted so far is back."""
        while self._inline:
            if self._interrupted:
                raise KeyboardInterrupt
            number, task, keep = self._inline.popleft()
            yield number, run_task(task, keep)
        while self._futures:
            number = self._next_done()
            future = self._futures.pop(number)
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                raise WorkerError(f"a worker process died ({exc})") from None
            except Exception as exc:
                if self.scheduler and isinstance(exc, self._dask_errors()):
                    raise WorkerError(f"lost the Dask cluster at {self.scheduler}: {exc}") from None
                raise
            if self.scheduler:
                future.release()
            yield number, result

    def _next_done(self) -> int:
        while True:
            if self._interrupted:
                raise KeyboardInterrupt
            try:
                return self._done.get(timeout=0.2)
            except queue.Empty:
                pass

    # ---- the one place where workers are started and stopped ------------------------------------------
    def _start_pool(self) -> ProcessPoolExecutor:
        # workers ignore Ctrl-C (the parent acts on it) and end when the parent dies (supportsim.lifeline)
        self._pool = ProcessPoolExecutor(max_workers=self.size, **pool_options(_ignore_interrupts))
        return self._pool

    def _start_dask(self) -> Any:
        distributed = require("distributed", "dask", "--scheduler")
        try:
            if self.scheduler == "local":
                self._cluster = distributed.LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                                         dashboard_address=None, silence_logs=logging.CRITICAL)
                self._stack.callback(self._cluster.close)
                self._client = distributed.Client(self._cluster)
                self._client.register_plugin(dask_plugin(distributed))  # its workers end if this process dies
            else:
                self._client = distributed.Client(self.scheduler, timeout="20s")
        except self._dask_errors() as exc:
            raise WorkerError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
        return self._client

    @staticmethod
    def _dask_errors() -> tuple[type[BaseException], ...]:
        distributed = require("distributed", "dask", "--scheduler")
        return (OSError, TimeoutError, CancelledError, distributed.KilledWorker)

    def _stop(self) -> None:
        if self._client is not None:
            self._client.close()  # the LocalCluster, if any, closes after it (see _start_dask)
        if self._pool is None:
            return
        self._pool.shutdown(wait=self._clean, cancel_futures=True)
        if not self._clean:
            # Interrupted or failed: stop the workers now rather than after the replications they are running
            # (the pool has no public way to do that before Python 3.14).
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()


def run_unordered(tasks: list[Task], jobs: int = 1, scheduler: str | None = None,
                  keep: Keep = "figures") -> Generator[tuple[int, Any], None, None]:
    """Yield ``(task index, result)`` as tasks finish (see :class:`Workers`)."""
    with Workers(jobs, scheduler, size=len(tasks)) as workers:
        for task in tasks:
            workers.submit(task, keep)
        yield from workers.finished()


def run_in_order(tasks: list[Task], jobs: int = 1, scheduler: str | None = None, keep: Keep = "figures",
                 progress: Callback | None = None) -> list:
    """Every task's result, in task order; ``progress(done, total)`` is told as they finish."""
    done: list = [None] * len(tasks)
    if progress is not None:
        progress(0, len(tasks))
    for finished, (i, result) in enumerate(run_unordered(tasks, jobs, scheduler, keep), 1):
        done[i] = result
        if progress is not None:
            progress(finished, len(tasks))
    return done


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


def run_figures(variants: dict[str, Scenario], replications: int, seed: int, jobs: int = 1,
                scheduler: str | None = None, progress: Callback | None = None) -> dict[str, list[Figures]]:
    """Replications 0..n-1 of every variant, as figures, in order (the same tickets for every variant);
    ``progress(done, total)`` is told as they finish."""
    tasks = [(scenario, r, seed) for scenario in variants.values() for r in range(replications)]
    done = run_in_order(tasks, jobs, scheduler, progress=progress)
    return {name: done[k * replications:(k + 1) * replications] for k, name in enumerate(variants)}
