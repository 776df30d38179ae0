"""Triage: a first visit at a group that re-labels tickets with their true priority.

``triage: {group: Triage, work: 5m, accuracy: 0.9}`` inserts a visit of activity ``triage`` (see
:mod:`supportsim.visits`) before each ticket's first visit. Until it ends, queues order the ticket by its
declared priority (see :mod:`supportsim.priorities`); after it, by the triaged label, which is the true priority
with probability ``accuracy`` and the declared one otherwise. The triage engineer's time counts in the group's
utilization, so a scenario with and without triage answers "is a triage desk worth its engineers?".
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .distributions import Deterministic, FixedOrDistribution
from .model import Model

TRIAGE = "triage"
"""The activity of triage visits."""


class Triage(Model):
    group: str = Field(description="The group whose engineers triage (a visit there before the ticket's first).")
    work: FixedOrDistribution = Field(default_factory=lambda: Deterministic(mean="5m"),
                                      description="Work time of one triage, a duration or a distribution.")
    accuracy: float = Field(1.0, ge=0, le=1, description="Probability that triage finds a ticket's true priority "
                                                         "(otherwise the declared one stands).")
    segments: list[str] | None = Field(None, description="Tickets of these segments are triaged (default: all).")


def triaged(priority: np.ndarray, declared: np.ndarray, accuracy: float, rng: np.random.Generator) -> np.ndarray:
    """Each ticket's label after triage: its true priority with probability ``accuracy``, else as declared."""
    return np.where(rng.random(len(priority)) < accuracy, priority, declared)


def known_priority(declared: np.ndarray, label: np.ndarray, offset: np.ndarray, visits: np.ndarray,
                   activity: np.ndarray, code: int) -> np.ndarray:
    """Per visit, the priority the desk knows: the declared one up to and including the ticket's triage visit
    (activity ``code``), the triaged ``label`` after it."""
    ticket = np.repeat(np.arange(len(offset)), visits)
    is_triage = (activity == code).astype(np.int64)
    before = np.cumsum(is_triage) - is_triage  # triage visits before this one, over the whole stream
    after = before - np.repeat(before[offset], visits) > 0 if len(offset) else np.zeros(0, dtype=bool)
    return np.where(after, label[ticket], declared[ticket])
