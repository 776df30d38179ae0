"""From events to spells, visits and tickets: the quantities the estimators need, all vectorised.

- A **spell** is the time from one event of a case to its next: the case was in the event's state throughout.
  The last spell of a case that is not resolved or closed runs to the end of the window: right-censored.
- A **visit** is a run of consecutive events of a case at one group. Its work content is the total of its
  ``working`` spells; it is censored when the visit was still open at the window's end.
- A **ticket** is a case. It arrived at its first event when that is a start (queued or working); a case
  open before the window began (``--since``) is left-truncated: its arrival, entry group and the visit it was
  in are unknown, so they are not used; what it did inside the window is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .read import Events
from .states import STATES

QUEUED, WORKING, WAITING, RESOLVED, CLOSED = range(len(STATES))
LONG_SPELL = 8.0
"""Hours: a working spell longer than this is not taken as evidence that its engineer was on duty throughout
(tickets are left "in progress" overnight); only the hours of its first and last event are."""
MAX_GAP = 3
"""Hours: an engineer seen at work, then again after at most this many hours without a trace, is taken to have
been on duty in between."""


@dataclass
class Visits:
    case: np.ndarray          # per visit
    group: np.ndarray
    start: np.ndarray         # time of the visit's first event
    end: np.ndarray           # time of its last event's end (the next visit's start, or the window's end)
    work: np.ndarray          # total working time
    work_on_duty: np.ndarray  # the same, counting only the group's estimated on-duty hours (filled later)
    open: np.ndarray          # still open at the window's end (work right-censored)
    observed: np.ndarray      # its start is inside the window (not the first visit of a left-truncated case)
    next_group: np.ndarray    # group of the case's next visit, -1 none
    resolved_here: np.ndarray  # the case ended (resolved/closed) with this visit
    first: np.ndarray         # the case's first visit


@dataclass
class Spells:
    case: np.ndarray
    group: np.ndarray
    state: np.ndarray
    start: np.ndarray
    end: np.ndarray
    censored: np.ndarray
    resource: np.ndarray
    visit: np.ndarray


def spells(ev: Events) -> Spells:
    n = len(ev.time)
    last = np.ones(n, dtype=bool)
    last[:-1] = ev.case[1:] != ev.case[:-1]
    end = np.empty(n)
    end[:-1] = ev.time[1:]
    finished = np.isin(ev.state, [RESOLVED, CLOSED])
    end[last] = np.where(finished[last], ev.time[last], max(ev.until, float(ev.time.max())))
    censored = last & ~finished
    new_visit = np.ones(n, dtype=bool)
    new_visit[1:] = (ev.case[1:] != ev.case[:-1]) | (ev.group[1:] != ev.group[:-1])
    visit = np.cumsum(new_visit) - 1
    return Spells(ev.case, ev.group, ev.state, ev.time, end, censored, ev.resource, visit)


def visits(ev: Events, sp: Spells) -> Visits:
    n_visits = int(sp.visit[-1]) + 1 if len(sp.visit) else 0
    starts = np.flatnonzero(np.r_[True, sp.visit[1:] != sp.visit[:-1]])
    case = sp.case[starts]
    group = sp.group[starts]
    working = sp.state == WORKING
    work = np.bincount(sp.visit, weights=np.where(working, sp.end - sp.start, 0.0), minlength=n_visits)
    ends = np.r_[starts[1:], len(sp.visit)] - 1
    # a visit is open at the end when the case's last spell is censored and belongs to it
    open_ = sp.censored[ends]
    first = np.r_[True, case[1:] != case[:-1]] if n_visits else np.zeros(0, dtype=bool)
    last = np.r_[case[1:] != case[:-1], True] if n_visits else np.zeros(0, dtype=bool)
    next_group = np.where(last, -1, np.r_[group[1:], -1])
    resolved_here = last & ~open_
    observed = ~(first & ev.truncated[case])
    return Visits(case, group, sp.start[starts], sp.end[ends], work, work.copy(), open_, observed, next_group,
                  resolved_here, first)


def arrivals(ev: Events) -> tuple[np.ndarray, np.ndarray]:
    """(case, wall-clock time) of each ticket that arrived inside the window."""
    first = np.r_[True, ev.case[1:] != ev.case[:-1]]
    case = ev.case[first]
    arrived = ~ev.truncated[case]
    return case[arrived], ev.wall[first][arrived]


def presence(ev: Events, sp: Spells) -> np.ndarray:
    """Rows (group, resource, absolute wall hour) at which a resource was seen working, deduplicated.

    Seen: the hour of each event attributed to it, every hour a working spell of at most LONG_SPELL hours
    overlaps, and gaps of at most MAX_GAP hours between two such hours."""
    has = sp.resource >= 0
    parts = [np.stack([sp.group[has], sp.resource[has], np.floor(ev.wall[has]).astype(np.int64)], axis=1)]
    work = has & (sp.state == WORKING)
    wall_end = ev.wall + (sp.end - sp.start)
    short = work & (sp.end - sp.start <= LONG_SPELL)
    first = np.floor(ev.wall[short]).astype(np.int64)
    last = np.floor(np.maximum(wall_end[short] - 1e-9, ev.wall[short])).astype(np.int64)
    span = last - first + 1
    index = np.repeat(np.arange(len(first)), span)
    hours = first[index] + (np.arange(len(index)) - np.repeat(np.cumsum(span) - span, span))
    parts.append(np.stack([sp.group[short][index], sp.resource[short][index], hours], axis=1))
    long_ = work & ~short  # the hour it ended in, too
    parts.append(np.stack([sp.group[long_], sp.resource[long_], np.floor(wall_end[long_] - 1e-9).astype(np.int64)],
                          axis=1))
    rows = np.concatenate(parts)
    if len(rows) == 0:
        return rows
    # deduplicate on one int64 key (sorts by group, resource, hour): far faster than unique rows
    low = int(rows[:, 2].min())
    span_h = int(rows[:, 2].max()) - low + 1
    n_res = int(rows[:, 1].max()) + 1
    key = np.unique((rows[:, 0] * n_res + rows[:, 1]) * span_h + (rows[:, 2] - low))
    gr, hour = np.divmod(key, span_h)
    rows = np.stack([gr // n_res, gr % n_res, hour + low], axis=1)
    # an engineer seen at work, then again within a few hours, was on duty in between (between two tickets)
    gap = np.diff(rows[:, 2])
    same = (rows[1:, 0] == rows[:-1, 0]) & (rows[1:, 1] == rows[:-1, 1])
    fill = same & (gap > 1) & (gap <= MAX_GAP + 1)
    span = np.where(fill, gap - 1, 0)
    index = np.repeat(np.arange(len(span)), span)
    step = np.arange(len(index)) - np.repeat(np.cumsum(span) - span, span) + 1
    filled = np.stack([rows[index, 0], rows[index, 1], rows[index, 2] + step], axis=1)
    return np.concatenate([rows, filled])
