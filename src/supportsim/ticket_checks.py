"""Cross-field checks of ticket types, waits on the customer, auto-close and reopen (see
:mod:`supportsim.ticket_types` and :mod:`supportsim.customer_waits`); part of :mod:`supportsim.consistency`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .scenario import Scenario
from .strategies import REGISTRY
from .ticket_types import share_problems


def type_problems(s: Scenario) -> list[tuple[str, str]]:
    """Ticket types that are declared, mixes that sum to 1, and work for every type in every group it reaches."""
    names = s.type_names
    problems: list[tuple[str, str]] = []
    if s.types:
        problems += share_problems("types", {n: t.share for n, t in s.types.items()}, names)
    places: list[tuple[str, Mapping[str, Any]]] = [(f"segments.{n}.types", seg.types) for n, seg in s.segments.items()
                                                   if seg.types is not None]
    places += [(f"groups.{g}.{key}", getattr(grp, key)) for g, grp in s.groups.items()
               for key in ("work_by_type", "escalate_by_type")]
    places += [(f"sla.{seg}.by_type", sla.by_type) for seg, sla in s.sla.items()]
    for path, table in places:
        if table and not s.types:
            problems.append((path, "names ticket types, but the scenario declares none: add types"))
        elif table and path.startswith("segments."):
            problems += share_problems(path, dict(table), names)
        elif table:
            problems += [(f"{path}.{n}", f"unknown ticket type {n!r}; types are {', '.join(names)}")
                         for n in table if n not in names]
    for g, grp in s.groups.items():
        for t, escalate in grp.escalate_by_type.items():
            for target in escalate:
                if target not in s.groups:
                    problems.append((f"groups.{g}.escalate_by_type.{t}.{target}",
                                     f"unknown group {target!r}; groups are {', '.join(s.group_names)}"))
            if sum(escalate.values()) > 1 + 1e-9:
                problems.append((f"groups.{g}.escalate_by_type.{t}",
                                 f"probabilities sum to {sum(escalate.values()):g}, more than 1"))
    if problems:
        return problems
    for g, grp in s.groups.items():
        if grp.work is not None:
            continue
        if not s.types:
            problems.append((f"groups.{g}.work", "is missing: how long does a visit here take?"))
            continue
        index = s.group_names.index(g)
        for t in names:
            try:
                reaches = s.visits_per_ticket(t)[index] > 0
            except np.linalg.LinAlgError:  # an escalation loop: reported below
                reaches = True
            if t not in grp.work_by_type and reaches:
                problems.append((f"groups.{g}.work_by_type.{t}", f"is missing: {t} tickets reach {g}, which has no "
                                                                   "work for them (give work, or work for this type)"))
    return problems


def lifecycle_problems(s: Scenario) -> list[tuple[str, str]]:
    """Waits by type of declared types, and a rejoin the group's policy can do."""
    problems: list[tuple[str, str]] = []
    for g, grp in s.groups.items():
        for t in grp.waiting_by_type:
            if t not in s.type_names:
                problems.append((f"groups.{g}.waiting_by_type.{t}", f"unknown ticket type {t!r}; " + (
                    f"types are {', '.join(s.type_names)}" if s.types else "the scenario declares no types")))
        places = [(f"groups.{g}.waiting", grp.waiting)] + [(f"groups.{g}.waiting_by_type.{t}", w)
                                                            for t, w in grp.waiting_by_type.items()]
        policy = s.policy_of(g)
        strategy = REGISTRY.get(policy.kind)
        for path, wait in places:
            if wait is not None and wait.rejoin == "front" and strategy is not None and not strategy.keeps_place:
                keeping = ", ".join(sorted(k for k, c in REGISTRY.items() if c.keeps_place))
                problems.append((f"{path}.rejoin", f"policy {policy.kind!r} of {g} cannot put a visit back in its "
                                                   f"place; use back or engineer, or a policy that can ({keeping})"))
    return problems
