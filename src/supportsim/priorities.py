"""Ticket priorities as customers declare them and as they are.

``priorities`` gives each priority's share among tickets, most urgent first: ``{P1: 0.05, P2: 0.25, P3: 0.7}``.
A priority may also say how customers *declare* its tickets, a row of the confusion matrix:
``P1: {share: 0.05, declared: {P1: 0.6, P2: 0.2, P3: 0.2}}`` (a true P1 is declared P2 one time in five). Queues
order tickets by the priority the desk knows (the declared one, until a triage visit re-labels the ticket, see
:mod:`supportsim.triage`); statistics report figures by true priority. Without ``declared`` a ticket is
declared as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import numpy as np
from pydantic import Field

from .model import Model


class PriorityClass(Model):
    share: float = Field(gt=0, le=1, description="Share of tickets truly at this priority.")
    declared: dict[str, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="How customers declare tickets of this priority: share declared at each priority (a row "
                          "of the confusion matrix, summing to 1); default: as it is.")


PriorityValue = Annotated[float, Field(gt=0, le=1)] | PriorityClass
"""A priority's share, or ``{share, declared}``."""


def shares(priorities: Mapping[str, float | PriorityClass] | None) -> dict[str, float]:
    """Each priority's share among tickets (true priority)."""
    return {name: v.share if isinstance(v, PriorityClass) else v for name, v in (priorities or {}).items()}


def confusion(priorities: Mapping[str, float | PriorityClass] | None) -> np.ndarray | None:
    """The confusion matrix, row true priority, column declared priority; None when every ticket is declared as
    it is (no ``declared`` anywhere)."""
    if not priorities or not any(isinstance(v, PriorityClass) and v.declared is not None
                                 for v in priorities.values()):
        return None
    names = list(priorities)
    matrix = np.eye(len(names))
    for i, value in enumerate(priorities.values()):
        if isinstance(value, PriorityClass) and value.declared is not None:
            matrix[i] = [value.declared.get(name, 0.0) for name in names]
    return matrix


def confusion_problems(priorities: Mapping[str, float | PriorityClass] | None) -> list[tuple[str, str]]:
    """Rows of the confusion matrix that name unknown priorities or do not sum to 1, as (key path, message)."""
    problems = []
    for name, value in (priorities or {}).items():
        if not isinstance(value, PriorityClass) or value.declared is None:
            continue
        for declared in value.declared:
            if declared not in priorities:  # type: ignore[operator]
                problems.append((f"priorities.{name}.declared.{declared}",
                                 f"unknown priority {declared!r}; priorities are {', '.join(priorities or {})}"))
        total = sum(value.declared.values())
        if abs(total - 1) > 1e-6:
            problems.append((f"priorities.{name}.declared", f"a row of the confusion matrix must sum to 1, "
                                                            f"got {total:g}"))
    return problems


def draw_declared(priority: np.ndarray, matrix: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The priority each ticket is declared at: drawn from its true priority's row of the matrix."""
    u = rng.random(len(priority))
    cumulative = np.cumsum(matrix, axis=1)
    cumulative /= cumulative[:, -1:]
    declared = (u[:, None] >= cumulative[priority]).sum(axis=1)
    return np.minimum(declared, matrix.shape[1] - 1)
