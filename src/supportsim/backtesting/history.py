"""What the export says happened around the split: the backlog open at it, and the tickets that came after.

Times are hours since the split. The export's clock is read as :mod:`supportsim.fitting.events` reads it; the
split is placed on that clock by the wall-clock reading of the event nearest to it (exact unless daylight
saving changes within the hour around the split).

- The **backlog** is every ticket that arrived before the split and was, at the split, ``queued`` or
  ``working`` at a group: its group, its age, and for one in work the working time of its current visit so far.
  Tickets ``waiting`` on the customer at the split are not in any queue: they are counted, not simulated.
- The **tickets after** the split are those whose first event (a start) lies in the period: their arrival,
  segment and priority, reaction (to the first ``working`` event) and resolution (to the last event, when it
  is ``resolved`` or ``closed``; a ticket resolved without ever being worked on reacted then). A ticket still
  open when the export ends has no resolution (infinite: longer than anything the export could show); the
  simulation's tickets are censored at the same instant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..fitting.errors import FitError
from ..fitting.read import Events
from ..fitting.visits import CLOSED, QUEUED, RESOLVED, WAITING, WORKING, spells

WEEK = 168.0


@dataclass
class History:
    split: float               # the split on the export's clock (hours since its origin)
    end: float                 # the export's last event, hours since the split
    weeks: int                 # whole weeks after the split that the export covers
    backlog_group: np.ndarray  # per backlog ticket: index into events.groups
    backlog_working: np.ndarray
    backlog_age: np.ndarray
    backlog_done: np.ndarray
    backlog_case: np.ndarray   # index into the events' cases
    waiting: int               # tickets waiting on the customer at the split (not simulated)
    case: np.ndarray           # per ticket after the split: index into the events' cases
    arrived: np.ndarray        # hours since the split
    reaction: np.ndarray       # hours (inf: never worked on before the export ends)
    resolution: np.ndarray     # hours (inf: still open when the export ends)


def split_hours(ev: Events, split_wall: float) -> float:
    """The split (hours since the export's origin on the wall clock) on the export's elapsed clock."""
    if not len(ev.wall):
        return split_wall
    k = int(np.argmin(np.abs(ev.wall - split_wall)))
    return split_wall - float(ev.wall[k] - ev.time[k])


def history(ev: Events, split_wall: float, label: str) -> History:
    """The backlog at the split and the tickets after it; FitError when the split is not inside the data or no
    whole week follows it (``label`` names the split in messages)."""
    split = split_hours(ev, split_wall)
    first, last = float(ev.time.min()), float(ev.time.max())
    if not first < split < last:
        raise FitError(f"--split {label}: outside the export, whose events run from {_date(ev, first)} to "
                       f"{_date(ev, last)}; give a date between its first and last event")
    end = last - split
    weeks = int(end // WEEK)
    starts = np.r_[True, ev.case[1:] != ev.case[:-1]]
    arrived_at = ev.time[starts]
    arrived_case = ev.case[starts]
    fresh = ~ev.truncated[arrived_case]
    after = fresh & (arrived_at >= split) & (arrived_at < split + weeks * WEEK)
    if weeks < 1 or not after.any():
        raise FitError(f"--split {label}: the export holds {end:.1f} h after it; a backtest needs at least one "
                       "whole week with tickets after the split")
    sp = spells(ev)
    first_time = np.full(int(ev.case.max()) + 1, np.nan)
    first_time[arrived_case] = arrived_at
    # open at the split: a ticket that arrives at the very instant of the split is one of the tickets after it
    at = (sp.start <= split) & (sp.end > split) & np.isin(sp.state, [QUEUED, WORKING, WAITING])
    at &= first_time[sp.case] < split
    open_case = sp.case[at]
    age = split - first_time[open_case]  # a left-truncated ticket's first event stands in for its arrival
    state = sp.state[at]
    # working time of the current visit up to the split
    in_visit = np.isin(sp.visit, sp.visit[at]) & (sp.state == WORKING) & (sp.start < split)
    done_per_visit = np.bincount(sp.visit[in_visit], weights=np.minimum(sp.end[in_visit], split) - sp.start[in_visit],
                                 minlength=int(sp.visit.max()) + 1)
    queue = state != WAITING
    reaction, resolution = _outcomes(ev, arrived_case[after], arrived_at[after])
    return History(split=split, end=end, weeks=weeks, backlog_group=sp.group[at][queue].astype(np.int64),
                   backlog_working=(state == WORKING)[queue], backlog_age=age[queue],
                   backlog_done=np.where(state == WORKING, done_per_visit[sp.visit[at]], 0.0)[queue],
                   backlog_case=open_case[queue], waiting=int((~queue).sum()), case=arrived_case[after],
                   arrived=arrived_at[after] - split, reaction=reaction, resolution=resolution)


def _date(ev: Events, hours: float) -> str:
    import pandas as pd
    return str((ev.origin + pd.Timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M"))


def _outcomes(ev: Events, cases: np.ndarray, arrived: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per case: hours to its first ``working`` event, and to its last event when that ends the ticket."""
    n = int(ev.case.max()) + 1
    worked = np.full(n, np.inf)
    w = ev.state == WORKING
    np.minimum.at(worked, ev.case[w], ev.time[w])
    last = np.r_[ev.case[1:] != ev.case[:-1], True]
    finished = np.full(n, np.inf)
    done = last & np.isin(ev.state, [RESOLVED, CLOSED])
    finished[ev.case[done]] = ev.time[done]
    # a ticket resolved without a working event (closed at once) had its answer when it was resolved
    return np.minimum(worked, finished)[cases] - arrived, finished[cases] - arrived
