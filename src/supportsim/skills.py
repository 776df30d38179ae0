"""Engineers' skills: what a ticket needs, and which engineers can take it.

A scenario's ``skills`` names **dimensions** (a product, a language...), each with the shares of its skills among
tickets: ``skills: {language: {en: 0.7, de: 0.3}, product: {default: {a: 0.5, b: 0.5}, by_segment: {vip: {a: 1}}}}``.
A ticket needs one skill of every dimension, drawn from the shares of its segment; the skills it needs together
are its **need**, numbered over every combination (:func:`need_classes`). A staff block may list the skills its
engineers carry (``staff: [{count: 3, skills: [en, a]}]``); an engineer takes a ticket only if they carry every
skill it needs. A block that lists none carries them all, and a group whose blocks list none ignores skills.

This module is pure data and arithmetic over it; the engine hands each group its engineers' abilities and the
strategies that respect skills (see :mod:`supportsim.strategies.skilled`) use them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import Discriminator, Field, Tag

from .model import Model

MAX_NEEDS = 1000
"""Combinations of skills a ticket may need (the product of the dimensions' sizes)."""

Shares = dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")], Annotated[float, Field(ge=0, le=1)]]


class SharesByClass(Model):
    """Skill shares that depend on the ticket: by segment, else the default."""

    default: Shares = Field(description="Shares of the skills among tickets no other entry matches.")
    by_segment: dict[str, Shares] = Field(default_factory=dict, description="Shares per customer segment.")

    def for_segment(self, segment: str) -> Shares:
        return self.by_segment.get(segment) or self.default


Dimension = Annotated[
    Annotated[Shares, Tag("shares")] | Annotated[SharesByClass, Tag("by_class")],
    Discriminator(lambda v: "by_class" if (isinstance(v, dict) and "default" in v) or isinstance(v, SharesByClass)
                  else "shares"),
]
"""One dimension of skills: ``{en: 0.7, de: 0.3}``, or ``{default: {...}, by_segment: {vip: {...}}}``."""


def _by_class(dimension: Shares | SharesByClass) -> SharesByClass:
    return dimension if isinstance(dimension, SharesByClass) else SharesByClass(default=dimension)


def names(dimension: Shares | SharesByClass) -> list[str]:
    """The skills of a dimension, in the order they are first written."""
    spec = _by_class(dimension)
    found = list(spec.default)
    for shares in spec.by_segment.values():
        found += [skill for skill in shares if skill not in found]
    return found


def need_classes(skills: Mapping[str, Shares | SharesByClass]) -> list[tuple[str, ...]]:
    """Every combination of one skill per dimension, numbered as the engine numbers needs (the first
    dimension varies slowest)."""
    return list(itertools.product(*(names(d) for d in skills.values())))


def draw_needs(skills: Mapping[str, Shares | SharesByClass], segment_names: Sequence[str], segment: np.ndarray,
               streams: Mapping[str, np.random.Generator]) -> np.ndarray:
    """Each ticket's need (index into :func:`need_classes`): one skill per dimension, drawn on the dimension's
    own stream (``streams[dimension]``) from the shares of the ticket's segment."""
    need = np.zeros(len(segment), dtype=np.int64)
    for dimension, spec in skills.items():
        known = names(spec)
        u = streams[dimension].random(len(segment))
        pick = np.zeros(len(segment), dtype=np.int64)
        for s, name in enumerate(segment_names):
            shares = _by_class(spec).for_segment(name)
            mine = segment == s
            cumulative = np.cumsum([shares.get(skill, 0.0) for skill in known])
            pick[mine] = np.minimum(np.searchsorted(cumulative / cumulative[-1], u[mine], side="right"),
                                    len(known) - 1)
        need = need * len(known) + pick
    return need


def abilities(blocks: Sequence[Any], classes: list[tuple[str, ...]]) -> list[list[bool]] | None:
    """Per need class, per engineer (numbered block by block): whether the engineer may take a ticket with that
    need. None when no block of the group lists skills (every engineer takes every ticket)."""
    if all(block.skills is None for block in blocks):
        return None
    carried: list[set[str] | None] = []
    for block in blocks:
        carried += [None if block.skills is None else set(block.skills)] * block.count
    return [[own is None or set(need) <= own for own in carried] for need in classes]


def skill_problems(skills: Mapping[str, Shares | SharesByClass] | None, segment_names: Sequence[str],
                   segment_shares: Sequence[float], groups: Mapping[str, Sequence[Any]]) -> list[tuple[str, str]]:
    """What is wrong with the skills of a scenario, as (key path, message): shares that do not sum to 1,
    unknown segments or skills, a skill in two dimensions, a need no engineer of a group can take."""
    problems: list[tuple[str, str]] = []
    skills = skills or {}
    owner: dict[str, str] = {}
    for dimension, spec in skills.items():
        for skill in names(spec):
            if skill in owner:
                problems.append((f"skills.{dimension}", f"skill {skill!r} is also in skills.{owner[skill]}; "
                                                        "each skill belongs to one dimension"))
            owner.setdefault(skill, dimension)
        table = _by_class(spec)
        for where, shares in [("", table.default)] + [(f".by_segment.{s}", v) for s, v in table.by_segment.items()]:
            path = f"skills.{dimension}{'.default' if isinstance(spec, SharesByClass) and not where else where}"
            total = sum(shares.values())
            if abs(total - 1) > 1e-6:
                problems.append((path, f"shares must sum to 1, got {total:g}"))
        for segment in table.by_segment:
            if segment not in segment_names:
                problems.append((f"skills.{dimension}.by_segment.{segment}", f"unknown segment {segment!r}"))
    if problems:
        return problems
    count = int(np.prod([len(names(d)) for d in skills.values()])) if skills else 1
    if count > MAX_NEEDS:
        return [("skills", f"{count} combinations of skills, more than {MAX_NEEDS}; use fewer dimensions or skills")]
    for group, blocks in groups.items():
        for b, block in enumerate(blocks):
            for skill in block.skills or []:
                if skill not in owner:
                    known = ", ".join(owner) or "none are declared under skills"
                    problems.append((f"groups.{group}.staff.{b}.skills", f"unknown skill {skill!r}; skills: {known}"))
    if problems or not skills:
        return problems
    classes = need_classes(skills)
    expected = need_shares(skills, segment_names, segment_shares)
    for group, blocks in groups.items():
        able = abilities(blocks, classes)
        if able is None:
            continue
        for need, share, engineers in zip(classes, expected, able):
            if share > 0 and not any(engineers):
                problems.append((f"groups.{group}.staff", f"no engineer has skills {'+'.join(need)}, which "
                                                          f"{share:.3g} of tickets need; tickets needing them "
                                                          "would never be served"))
                break
    return problems


def need_shares(skills: Mapping[str, Shares | SharesByClass], segment_names: Sequence[str],
                segment_shares: Sequence[float]) -> np.ndarray:
    """Expected share of tickets with each need (index into :func:`need_classes`), over the segment mix."""
    classes = need_classes(skills)
    out = np.zeros(len(classes))
    total = float(sum(segment_shares)) or 1.0
    for segment, weight in zip(segment_names, segment_shares):
        for k, need in enumerate(classes):
            p = weight / total
            for spec, skill in zip(skills.values(), need):
                p *= _by_class(spec).for_segment(segment).get(skill, 0.0)
            out[k] += p
    return out


MAX_CHECKED_NEEDS = 12
"""Needs beyond which the load check (every set of needs) would take too long and is left out."""


def overloaded(shares: Sequence[float], able: Sequence[Sequence[bool]], capacity: Sequence[float],
               offered: float) -> tuple[list[int], float, float] | None:
    """The smallest set of needs whose work the engineers able to take them cannot do over a week, as (needs,
    offered hours, engineer-hours); None when every set fits. ``shares`` per need, ``able`` per need per engineer,
    ``capacity`` per engineer (hours on duty a week divided by their pace), ``offered`` the group's work a week.
    A set's work can only go to the engineers able to take one of its needs, so a group copes only if every set
    fits (Hall's condition); a group-wide load below 1 can hide a skill that is short."""
    needs = [k for k, share in enumerate(shares) if share > 0]
    if len(needs) > MAX_CHECKED_NEEDS:
        return None
    for size in range(1, len(needs) + 1):
        for chosen in itertools.combinations(needs, size):
            work = offered * sum(shares[k] for k in chosen)
            hours = sum(c for e, c in enumerate(capacity) if any(able[k][e] for k in chosen))
            if work >= hours:
                return list(chosen), work, hours
    return None
