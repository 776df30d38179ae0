"""What one replication leaves behind, as plain arrays: the tickets it drew and what happened to each visit.

The engine writes a :class:`ReplicationRecord`; statistics, results and profiles read it. It lives apart from
the engine so that the pure statistics do not import the engine (nor SimPy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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

    @property
    def queued(self) -> np.ndarray:
        """Time each visit joined its group's queue."""
        queued = np.empty_like(self.ended)
        queued[1:] = self.ended[:-1]
        queued[self.tickets.offset] = self.tickets.arrived
        return queued

    @property
    def first_response(self) -> np.ndarray:
        return self.started[self.tickets.offset]

    @property
    def resolved(self) -> np.ndarray:
        return self.ended[self.tickets.offset + self.tickets.visits - 1]
