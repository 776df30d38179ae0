"""The ``roster:`` section of a scenario: the shifts a least-cost roster may use (``supportsim staff --by-hour``).

Pure data. A shift is a named calendar engineers work, with a cost per engineer-hour on it; the roster says
how many engineers of each group work each shift (see :mod:`supportsim.roster`).
"""

from __future__ import annotations

from pydantic import Field

from .limits import MAX_LIST
from .model import Model


class RosterShift(Model):
    """One shift engineers may be rostered on."""

    calendar: str = Field(description="Name of the calendar engineers on this shift work.")
    cost: float | None = Field(None, ge=0, description="Cost per engineer-hour on this shift (default: the "
                                                       "group's cost, else 1).")
    groups: list[str] | None = Field(None, max_length=MAX_LIST,
                                     description="Groups this shift may staff (default: every group).")


class Roster(Model):
    """Candidate shifts for ``supportsim staff --by-hour``'s least-cost roster."""

    shifts: dict[str, RosterShift] = Field(min_length=1, max_length=MAX_LIST,
                                           description="Shifts by name: {calendar, cost, groups}.")
