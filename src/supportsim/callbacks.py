"""Callbacks: the customer picks when to be called back, and the call is the ticket's first response.

``callbacks: {after: {dist: uniform, low: 30m, high: 4h}, work: 10m}`` gives the tickets of the VIP segments (or
``segments``), or a ``share`` of them, a first visit of activity ``callback`` at ``group`` (default: the entry
group; see :mod:`supportsim.visits`). Its customer picks a time, ``after`` the ticket arrived (drawn); the
callback joins the group's queue at that time, not before. The callback's start is the ticket's first response,
and its reaction is counted from the time the customer picked: a call made on time is an immediate reaction,
one made late is late by that much. Resolution still counts from the ticket's arrival.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .distributions import Deterministic, Distribution, FixedOrDistribution
from .model import Model

CALLBACK = "callback"
"""The activity of callback visits."""


class Callbacks(Model):
    after: FixedOrDistribution = Field(description="When the customer wants the call, after the ticket arrived: "
                                                   "a duration ('2h') or a distribution (drawn).")
    work: FixedOrDistribution = Field(default_factory=lambda: Deterministic(mean="10m"),
                                      description="Work time of the call, a duration or a distribution.")
    group: str | None = Field(None, description="The group whose engineers call back (default: entry).")
    segments: list[str] | None = Field(None, description="Tickets of these segments may ask for a callback "
                                                         "(default: the VIP segments).")
    share: float = Field(1.0, gt=0, le=1, description="Share of those tickets whose customer asks for one.")


def appointments(first_activity: np.ndarray, code: int, delay: Distribution, rng: np.random.Generator) -> np.ndarray:
    """Per ticket, hours after its arrival at which its first visit joins the queue: the drawn ``delay`` for the
    tickets whose first visit is a callback (activity ``code``), 0 for the others."""
    out = np.zeros(len(first_activity))
    calls = first_activity == code
    out[calls] = delay.sample(rng, int(calls.sum()))
    return out
