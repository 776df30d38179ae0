"""A one-line progress bar for long runs: points done, rate and time left.

Shown only on a terminal and never under ``CI=true``, so logs and pipes stay clean. Forty lines of our own
rather than a dependency: all it needs is a carriage return.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def wanted(stream: TextIO = sys.stderr) -> bool:
    return stream.isatty() and os.environ.get("CI", "").lower() not in ("true", "1", "yes")


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """Points done of all points; rate and time left from the replications this run has finished."""

    def __init__(self, label: str, points: int, tasks: int, already_done: int = 0, stream: TextIO = sys.stderr,
                 enabled: bool | None = None):
        self.label, self.points, self.tasks, self.done = label, points, tasks, already_done
        self.stream = stream
        self.enabled = wanted(stream) if enabled is None else enabled
        self.started = self.shown = time.monotonic()
        self.show(0, force=True)

    def show(self, tasks_done: int, force: bool = False) -> None:
        """Redraw (at most five times a second unless forced) after ``tasks_done`` replications of this run."""
        now = time.monotonic()
        if not self.enabled or (not force and now - self.shown < 0.2):
            return
        self.shown = now
        elapsed = now - self.started
        width = 24
        filled = int(width * self.done / self.points) if self.points else width
        text = f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.points} points"
        if tasks_done:
            rate = tasks_done / elapsed if elapsed > 0 else 0.0
            left = (self.tasks - tasks_done) / rate if rate else 0.0
            text += f"  {rate:.1f} replications/s  {_clock(left)} left"
        self.stream.write(text.ljust(90))
        self.stream.flush()

    def point_done(self, tasks_done: int) -> None:
        self.done += 1
        self.show(tasks_done, force=True)

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
