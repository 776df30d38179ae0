"""Format versions of the files supportsim reads and writes, and what changed between them.

Every file records the format it was written in: a scenario may state ``format: 2``; ``summary.json`` has
``format`` and, for the ticket table next to it, ``formats.tickets.csv`` (tickets.csv itself stays a plain CSV
that pandas and every CSV reader take as it is); a baseline has ``format``. A file without one is format 1.
A file in an older format is read with a one-line note of what changed; one in a newer format is refused with
a message saying to upgrade.
"""

from __future__ import annotations

SCENARIO = 2
SUMMARY = 3
TICKETS = 3
BASELINE = 2

CHANGES = {
    "scenario": {1: "format 2 adds SLA targets as {within, clock, attain} with their own clocks, working days "
                    "(bd), time zones, holiday ranges and arrival calendars; a format-1 file means the same"},
    "summary.json": {1: "SLA attainment was counted on one clock per segment; format 2 counts each target on its "
                        "own clock and adds targets (with verdicts) and clocks",
                     2: "format 3 adds weeks (SLA attainment per calendar week); every other figure means the "
                        "same"},
    "tickets.csv": {1: "reaction_business and resolution_business were on the segment's one SLA clock; in format 2 "
                       "each is on its own target's clock",
                     2: "format 3 adds arrived_at, first_response_at and resolved_at (ISO timestamps) when the "
                        "scenario has start:; every other column means the same"},
    "baseline": {1: "SLA attainment was counted on one clock per segment and the targets were not recorded, so "
                    "its SLA figures are not compared; write a new baseline with: supportsim baseline SCENARIO"},
}


class FormatError(ValueError):
    """A file in a format this supportsim cannot read."""


def check(kind: str, found: object, current: int) -> str | None:
    """A one-line note when ``found`` is an older format (None when it is the current one); FormatError when it
    is newer or not a format at all."""
    version = 1 if found is None else found
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError(f"format must be a whole number from 1 to {current}, got {found!r}")
    if version > current:
        raise FormatError(f"is {kind} format {version}, newer than this supportsim reads (1 to {current}): "
                          "upgrade supportsim (pip install -U supportsim)")
    if version == current:
        return None
    return f"{kind} format {version}: {CHANGES[kind][version]}"
