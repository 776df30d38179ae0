"""Visits: what each stay of a ticket at a group is, the visits policies insert, and what a desk may know.

A ticket's route is a list of **visits**, one per stay at a group. The routing draws the visits that work on the
ticket; their activity is ``work``. A policy may insert extra visits into the routes (see
:meth:`supportsim.strategies.PolicyConfig.extra_visits`): each is an :class:`ExtraVisit` with an activity of
its own (a first contact today; triage and callbacks later), a group, the tickets that get it (by segment)
and its work distribution. The tickets module draws an inserted visit's work like any other visit's, on a
random stream named after its activity, and puts the visit before the ticket's first visit; the ticket's own
visits keep their work, so variants with and without the inserted visits stay paired.

Statistics read the activity, never the policy: every visit's engineer time counts in utilization, while
queue waits and a ticket's path count ``work`` visits only.

The per-visit attributes a strategy may read through its group are built by :mod:`supportsim.visit_attributes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .distributions import Distribution

WORK = 0
"""Activity code of the visits that work on the ticket; ``TicketStream.activities[WORK]`` is ``"work"``."""


@dataclass(frozen=True)
class ExtraVisit:
    """A visit a policy inserts before the first visit of some tickets."""

    activity: str             # what the visit is, e.g. "contact" (never "work")
    group: str                # the group that makes it
    work: Distribution        # its work content
    segments: tuple[str, ...]  # the tickets of these segments get it
    share: float = 1.0         # ... or this share of them, drawn ticket by ticket


def activity_names(extra: list[ExtraVisit]) -> tuple[str, ...]:
    """Names of the activity codes of a scenario: ``work`` first, then each inserted activity once."""
    names = ["work"]
    for visit in extra:
        if visit.activity not in names:
            names.append(visit.activity)
    return tuple(names)
