"""What one replication leaves behind, as plain arrays: the tickets it drew and what happened to each visit.

The engine writes a :class:`ReplicationRecord`; statistics, results and profiles read it. It lives apart from
the engine so that the pure statistics do not import the engine (nor SimPy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .points import ContractRecord
from .scenario import Scenario
from .tickets import TicketStream


@dataclass
class ReplicationRecord:
    """What one replication leaves behind: the tickets it drew and what happened to each visit."""

    scenario: Scenario
    replication: int
    tickets: TicketStream
    started: np.ndarray        # [visits] first time an engineer began work (NaN never)
    ended: np.ndarray          # [visits] time the visit left its group
    resumed: np.ndarray        # [visits] start of the last piece of work
    engineer: np.ndarray       # [visits] engineer (index within the group) who first took it
    interruptions: np.ndarray  # [k, 4]: visit, engineer, piece start, piece end (work stopped before done)
    rank: np.ndarray           # [visits] queue rank the strategies saw
    staff: dict[str, int] = field(default_factory=dict)
    pauses: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # [k] interruption was a shift end
    # [m, 3]: time, group index, engineer of each call-out of an on-call engineer (none without on-call staff)
    call_outs: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    # [tickets] time each ticket was auto-closed while waiting on the customer, NaN otherwise; None when no ticket
    # can be (the visits it never reached are not in ``tickets``)
    closed: np.ndarray | None = None
    contract: ContractRecord | None = None  # customers, cards and points (None without customers)

    @property
    def queued(self) -> np.ndarray:
        """Time each visit joined its group's queue."""
        queued = np.empty_like(self.ended)
        queued[1:] = self.ended[:-1]
        if self.tickets.gap is not None:  # a customer's answer, a reopen: the visit joins its group after a gap
            queued += self.tickets.gap
        queued[self.tickets.offset] = self.tickets.arrived + self.tickets.call_at  # a callback waits for its time
        return queued

    @property
    def in_work(self) -> np.ndarray:
        """Engineer-hours spent on each visit: its last piece of work plus any pieces cut short before it."""
        in_work = self.ended - self.resumed
        pieces = self.interruptions
        if len(pieces):
            in_work = in_work + np.bincount(pieces[:, 0].astype(np.int64), weights=pieces[:, 3] - pieces[:, 2],
                                            minlength=len(self.ended))
        return in_work

    @property
    def first_response(self) -> np.ndarray:
        return self.started[self.tickets.offset]

    @property
    def resolved(self) -> np.ndarray:
        """When each ticket was resolved (its last visit ended; NaN if it was closed unresolved)."""
        resolved = self.ended[self.tickets.offset + self.tickets.visits - 1]
        return resolved if self.closed is None else np.where(np.isnan(self.closed), resolved, np.nan)

    @property
    def left(self) -> np.ndarray:
        """When each ticket left the desk: resolved, or closed unresolved."""
        return self.resolved if self.closed is None else np.fmin(self.resolved, self.closed)
