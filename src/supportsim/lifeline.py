"""Worker processes that end when the process that started them dies, whatever killed it.

A pool's workers normally end when their parent shuts the pool down; killed with ``kill -9``, the parent never
does, and its workers would run on forever, holding the caller's pipes open (a CI job would hang). So every
worker watches a lifeline:

- pool workers (:func:`pool_options`) hold the reading end of a pipe whose only writing end stays in the
  parent: when the parent dies, by any signal, the system closes that end and the worker's watchdog thread,
  blocked on reading, wakes up and ends the worker at once. A pipe works with every start method (fork,
  forkserver, spawn) and on every platform;
- workers of a local Dask cluster (started by the Dask nanny, not by a pool) get :func:`dask_plugin`: a
  watchdog thread that ends the worker once it is no longer the child of the process that started it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

_line: tuple[Any, Any, int] | None = None   # (reading end, writing end, pid of the process they belong to)


def _pipe() -> tuple[Any, Any]:
    global _line
    if _line is None or _line[2] != os.getpid():  # made once per process (a forked child makes its own)
        reader, writer = multiprocessing.Pipe(duplex=False)
        _line = (reader, writer, os.getpid())
    return _line[0], _line[1]


def pool_options(then: Callable[[], None] | None = None) -> dict:
    """Keyword arguments for ProcessPoolExecutor whose workers end when this process dies; ``then`` is the
    pool's own initializer (a module-level function), run after the watchdog is up."""
    reader, writer = _pipe()
    return {"initializer": _hold, "initargs": (reader, writer, then)}


def _hold(reader: Connection, writer: Connection, then: Callable[[], None] | None) -> None:
    writer.close()  # the worker's copy (inherited on fork): only the parent's may keep the pipe open
    threading.Thread(target=_watch, args=(reader,), name="supportsim-lifeline", daemon=True).start()
    if then is not None:
        then()


def _watch(reader: Connection) -> None:
    try:
        reader.recv()  # nothing is ever sent: this returns only when the parent's end closes (EOFError)
    except (EOFError, OSError):
        pass
    os._exit(1)


def follow(parent: int, every: float = 0.2) -> None:
    """End this process, from a watchdog thread, once it is no longer the child of ``parent``."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    if os.getppid() == parent:
        threading.Thread(target=watch, name="supportsim-lifeline", daemon=True).start()


def dask_plugin(distributed: Any) -> Any:
    """A Dask worker plugin that makes each worker of a local cluster follow this process (see :func:`follow`)."""
    parent = os.getpid()

    class Lifeline(distributed.WorkerPlugin):  # type: ignore[misc]  # Dask is untyped
        name = "supportsim-lifeline"

        def setup(self, worker: Any) -> None:
            follow(parent)

    return Lifeline()
