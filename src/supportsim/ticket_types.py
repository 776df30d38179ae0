"""Ticket types: incidents, service requests, consultations (the ITIL and helpdesk word; a policy's ``kind`` is
another thing).

A scenario declares its types with their shares, and a segment whose mix differs declares its own::

    types: {incident: {share: 0.7}, request: {share: 0.25}, consultation: {share: 0.05}}
    segments:
      vip: {share: 0.15, vip: true, types: {incident: 0.9, request: 0.1}}

Each ticket's type is drawn at arrival from its segment's mix (or read from a trace's ``type`` column). A type
changes what a group does with the ticket: ``groups.<g>.work_by_type.<type>`` replaces the group's ``work`` and
``escalate_by_type.<type>`` its ``escalate``; ``sla.<segment>.by_type.<type>`` holds the type's own targets.

Pure data and pure functions over arrays, like the rest of the scenario model. A scenario without ``types``
draws nothing here, so its tickets (and results) are those of a desk that never heard of types.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import Field

from .customer_waits import Reopen
from .model import Model


class TicketType(Model):
    share: float = Field(gt=0, le=1, description="Fraction of tickets of this type (in segments without their own "
                                                 "types).")
    reopen: Reopen | None = Field(None, description="Reopening of this type's tickets, instead of the scenario's.")
    description: str = Field("", description="Free text for people; not used by the simulation.")


def type_shares(types: Mapping[str, TicketType], own: Mapping[str, float] | None) -> np.ndarray:
    """A segment's type mix, one share per declared type in declared order: its own shares where it gives them,
    else the scenario's."""
    if own is None:
        return np.array([t.share for t in types.values()])
    return np.array([own.get(name, 0.0) for name in types])


def draw_types(mixes: np.ndarray, segment: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each ticket's type (index into the declared types) from its segment's mix (``mixes[segment]``), by
    inversion of one uniform per ticket, so that changing one segment's mix changes no other ticket's draw."""
    cumulative = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(segment))
    chosen = (u[:, None] >= cumulative[segment]).sum(axis=1)
    return np.minimum(chosen, mixes.shape[1] - 1).astype(np.int64)


def share_problems(path: str, shares: Mapping[str, float], names: list[str]) -> list[tuple[str, str]]:
    """Shares of types that are declared and sum to 1, as (key path, message)."""
    problems = [(f"{path}.{name}", f"unknown ticket type {name!r}; types are {', '.join(names)}")
                for name in shares if name not in names]
    total = sum(shares.values())
    if not problems and abs(total - 1) > 1e-6:
        problems.append((path, f"type shares must sum to 1, got {total:g}"))
    return problems
