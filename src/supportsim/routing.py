"""Where a ticket enters, by its segment and the time it arrives: the entry rules of the scenario.

``entry`` is one group name (every ticket enters there) or a list of rules, tried in order; the first rule
that matches a ticket gives its entry group, and the last rule matches every ticket (the default entry)::

    entry:
      - {segments: [vip], out_of_hours: office, group: L3}   # VIP at night and at weekends: straight to L3
      - {group: L1}                                         # everyone else, and VIP by day

A rule matches on the ticket's segment (``segments``) and on whether it arrived within the working time of a
calendar (``in_hours``) or outside it (``out_of_hours``). A ticket's route is decided when it arrives
(:mod:`supportsim.tickets` draws routes up front), so a group's policy never changes with time: a desk that
wants another policy at night routes night tickets to a group with that policy.

Pure data and pure functions over arrays, like the rest of the scenario model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Self

import numpy as np
from pydantic import Field, model_validator

from .calendar import Calendar
from .model import Model


class TicketMatch(Model):
    """Which tickets a rule is for: by segment, and by arrival within or outside a calendar's working time."""

    segments: list[str] | None = Field(None, description="Only tickets of these segments (default: every segment).")
    in_hours: str | None = Field(None, description="Only tickets that arrive within this calendar's working time.")
    out_of_hours: str | None = Field(None, description="Only tickets that arrive outside this calendar's working "
                                                          "time (nights, weekends, holidays).")

    @model_validator(mode="after")
    def _one_clock(self) -> Self:
        if self.in_hours is not None and self.out_of_hours is not None:
            raise ValueError("give in_hours or out_of_hours, not both (two rules say 'either')")
        return self

    @property
    def matches_all(self) -> bool:
        return self.segments is None and self.in_hours is None and self.out_of_hours is None

    @property
    def clock(self) -> str | None:
        return self.in_hours if self.in_hours is not None else self.out_of_hours


class EntryRule(TicketMatch):
    """One entry rule: tickets that match go to ``group`` first."""

    group: str = Field(description="The group where matching tickets arrive.")


class EscalationRule(TicketMatch):
    """Escalation of the tickets that match, instead of the group's ``escalate``."""

    escalate: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        description="After work here, probability of going on to each group, for the tickets that match.")


def in_hours(calendar: Calendar, times: np.ndarray) -> np.ndarray:
    """Whether each time is within the calendar's working time (a shift is [on, off))."""
    if calendar.is_always or not len(times):
        return np.full(len(times), calendar.is_always, dtype=bool)
    first, last = float(np.min(times)), float(np.max(times))
    pieces = np.array(calendar.intervals(first, last + 1.0), dtype=float).reshape(-1, 2)
    where = np.searchsorted(pieces[:, 0], times, side="right") - 1
    inside = where >= 0
    inside[inside] = times[inside] < pieces[where[inside], 1]
    return inside


def first_match(rules: Sequence[TicketMatch], segment_names: list[str], calendars: dict[str, Calendar],
                arrived: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Each ticket's first matching rule (index into ``rules``; -1: none matches)."""
    out = np.full(len(arrived), -1, dtype=np.int64)
    for index, rule in enumerate(rules):
        match = out < 0
        if rule.segments is not None:
            match &= np.isin(segment, [segment_names.index(s) for s in rule.segments])
        if rule.clock is not None:
            inside = in_hours(calendars[rule.clock], arrived)
            match &= inside if rule.in_hours is not None else ~inside
        out[match] = index
    return out


def match_shares(rules: Sequence[TicketMatch], segment_names: list[str], segment_shares: np.ndarray,
                 in_hours_share: dict[str, float]) -> np.ndarray:
    """Expected share of tickets each rule takes first, and (last) the share no rule takes (for load figures
    and warnings): the share of arrivals within each rule's clock (``in_hours_share``) is taken as the same for
    every segment and as independent of the rules before (exact for the usual form, one clock and a catch-all)."""
    total = float(segment_shares.sum())  # none given (a replayed trace has its own mix): taken as equal
    shares = segment_shares / total if total > 0 else np.full(len(segment_names), 1.0 / len(segment_names))
    left = {s: float(p) for s, p in zip(segment_names, shares)}  # per segment: the part no rule took yet
    out = np.zeros(len(rules) + 1)
    for index, rule in enumerate(rules):
        for s in segment_names:
            if rule.segments is not None and s not in rule.segments:
                continue
            part = 1.0
            if rule.clock is not None:
                p = in_hours_share[rule.clock]
                part = p if rule.in_hours is not None else 1.0 - p
            out[index] += left[s] * part
            left[s] -= left[s] * part
    out[-1] = sum(left.values())
    return out
