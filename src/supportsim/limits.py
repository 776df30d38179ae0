"""The limits of what a scenario may ask for, in one place (docs/limits.md lists them for people).

Values no real support desk has are refused by the schema with a message naming the bound: they are typos
(``1e9h``, ``cv: .inf``) and would make the run crash, hang or return figures that mean nothing. The size of
the work a command takes on is estimated before it starts (:mod:`supportsim.budget`) and refused beyond
:data:`MAX_TICKETS`, which ``--max-tickets`` (or ``max_tickets=`` in the Python API) raises.
"""

from __future__ import annotations

HOURS_PER_YEAR = 8766.0
MAX_HOURS = 20 * HOURS_PER_YEAR
"""Longest duration (horizon, work time, target...): 20 years."""
MAX_RATE = 100_000.0
"""Highest arrival rate, per hour: a desk receiving more than 100,000 tickets an hour is a typo."""
MIN_CV, MAX_CV = 0.001, 100.0
"""Coefficient of variation of a work-time distribution; outside this the sampling overflows or means nothing."""
MAX_FACTOR = 1000.0
"""Largest arrival-profile factor (relative to the weekly mean)."""
MAX_REPLICATIONS = 10_000
MAX_SEGMENTS = 1000
MAX_PRIORITIES = 100
MAX_GROUPS = 1000
MAX_LIST = 10_000
"""Entries of a list in a scenario (staff blocks, bursts, checks, empirical values of a distribution...)."""
MAX_TICKETS = 50_000_000
"""Tickets one command may simulate, over all replications, variants and sweep points (``--max-tickets``)."""
MAX_SWEEP_POINTS = 10_000
"""Points of a sweep grid (every combination of its values)."""
BYTES_PER_VISIT = 190
"""Memory of one simulated visit at the peak of its replication (measured: about 190 bytes while simulating,
80 kept in the results afterwards; see docs/limits.md)."""
MAX_VISITS = 100
"""A ticket's path is cut after this many group visits; validation refuses escalation that would need more
(:data:`MAX_CUT_SHORT`)."""
MAX_CUT_SHORT = 1e-6
"""Largest probability that a ticket's path is longer than :data:`MAX_VISITS` (escalation loops near 1)."""
