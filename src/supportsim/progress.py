"""One progress line for every long command: replications done of all, time elapsed, time left.

Shown only on a terminal, never under ``CI`` (``CI=true``, as every CI service sets it) nor with ``--quiet``, so
logs and pipes stay clean. Commands make a :class:`Progress` and hand it to whatever runs the replications as a
plain callback, ``progress(done, total)`` after each finished one (:func:`supportsim.workers.run_in_order` does
that), so the runners know nothing about terminals. Sixty lines of our own rather than a dependency: all
it needs is a carriage return.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

Callback = Callable[[int, int], None]
"""``progress(done, total)``: ``done`` of ``total`` replications have finished."""


def wanted(stream: TextIO | None = None, quiet: bool = False) -> bool:
    stream = sys.stderr if stream is None else stream
    return (not quiet and stream.isatty()
            and os.environ.get("CI", "").strip().lower() not in ("true", "1", "yes"))


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """A redrawn line on ``stream`` (stderr): ``label [####....] 12/90 replications  0:07 elapsed  0:45 left``,
    and for sweeps the points saved too. Call it as ``progress(done, total)``; use it as a context manager (or
    call :meth:`close`) to end the line. The time shown moves on every second even while no replication ends.
    """

    def __init__(self, label: str, points: int = 0, points_done: int = 0, stream: TextIO | None = None,
                 enabled: bool | None = None, quiet: bool = False):
        self.label, self.points, self.points_done = label, points, points_done
        self.stream = sys.stderr if stream is None else stream
        self.enabled = wanted(self.stream, quiet) if enabled is None else enabled
        self.done = self.total = 0
        self.started = time.monotonic()
        self.shown = 0.0  # the first call draws at once
        self.width = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        if self.enabled:
            threading.Thread(target=self._tick, daemon=True).start()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.show(force=done == total)

    def point_done(self) -> None:
        self.points_done += 1
        self.show(force=True)

    def text(self) -> str:
        now = time.monotonic()
        elapsed = now - self.started
        fraction = self.points_done / self.points if self.points else self.done / self.total if self.total else 0.0
        bar = "#" * int(24 * fraction)
        parts = [f"{self.label} [{bar.ljust(24, '.')}]"]
        if self.points:
            parts.append(f"{self.points_done}/{self.points} points")
        parts.append(f"{self.done}/{self.total} replications")
        parts.append(f"{_clock(elapsed)} elapsed")
        if 0 < self.done < self.total:
            parts.append(f"{_clock(elapsed / self.done * (self.total - self.done))} left")
        return "  ".join(parts)

    def show(self, force: bool = False) -> None:
        """Redraw, at most five times a second unless ``force``."""
        if not self.enabled or not self.total or (not force and time.monotonic() - self.shown < 0.2):
            return  # off, nothing to count yet, or drawn less than a fifth of a second ago
        with self._lock:
            self.shown = time.monotonic()
            text = self.text()
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
            self.width = len(text)

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self.show(force=True)

    def close(self) -> None:
        self._stop.set()
        if self.enabled and self.width:
            with self._lock:
                self.stream.write("\n")
                self.stream.flush()
            self.width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
