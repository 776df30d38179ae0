"""Work per group, waiting times, and the engineers on duty per hour of the week.

Work content of a visit is its time in ``working`` states. Visits open when the export ended are
right-censored observations (never dropped, never counted as short); the first visit of a ticket already open
when the export began is left out (its work began before the window). Visits that ended with no working
time at all (a ticket passed on untouched) are counted and left out of the fit.

**On-duty cut.** Time "in progress" is not always work: a ticket left in progress overnight, an engineer
juggling several. With the cut, a visit's working time counts only the hours its group has engineers on duty
(estimated below). Both means are reported, and how much the cut changed.

**Engineers on duty** per group and hour of the week are estimated from the resources seen working: per week,
the distinct engineers with an event, or a working spell of at most 8 hours, in that hour; then the most
seen in any week. An idle engineer leaves no trace, and one who logged in to tidy up looks on duty: it is
an estimate, meant to be read and corrected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import families
from .estimate import WEEK
from .read import Events
from .visits import WAITING, WORKING, Spells, Visits, presence

MIN_FIT = 20
"""Fewer positive observations than this: no fit (the group's work is reported as unknown)."""
MIN_PER_PRIORITY = 100
AIC_MARGIN = 10.0


@dataclass
class WorkFit:
    group: str
    fit: families.Fit | None
    candidates: dict[str, families.Fit]
    by_priority: dict[str, families.Fit] = field(default_factory=dict)
    gof: dict = field(default_factory=dict)
    untouched: int = 0              # ended visits with no working time
    censored: int = 0
    observations: np.ndarray | None = None   # (x, event) kept for the report
    events: np.ndarray | None = None
    uncut_mean: float = math.nan    # mean of the fit without the on-duty cut (the other way round when cut)
    cut_mean: float = math.nan


def staff_on_duty(ev: Events, sp: Spells) -> tuple[np.ndarray, np.ndarray]:
    """([groups, 168] most engineers seen at work per hour of the week, [groups] distinct engineers seen)."""
    g = len(ev.groups)
    table = np.zeros((g, WEEK))
    distinct = np.zeros(g, dtype=np.int64)
    rows = presence(ev, sp)
    if len(rows) == 0:
        return table, distinct
    group, resource, hour = rows[:, 0], rows[:, 1], rows[:, 2]
    for i in range(g):
        distinct[i] = len(np.unique(resource[group == i]))
    key = group * (1 << 40) + (hour - hour.min())
    uniq, count = np.unique(key, return_counts=True)  # engineers seen per (group, absolute hour)
    grp = uniq >> 40
    abs_hour = (uniq & ((1 << 40) - 1)) + hour.min()
    np.maximum.at(table, (grp, abs_hour % WEEK), count)
    return table, distinct


def on_duty_hours(start: np.ndarray, end: np.ndarray, on_duty: np.ndarray) -> np.ndarray:
    """Per interval [start, end) of wall-clock hours: the hours in it that fall in on-duty hours of the week."""
    cum = np.r_[0.0, np.cumsum(on_duty)]
    per_week = cum[-1]

    def upto(t: Any) -> Any:
        weeks, rest = np.divmod(t, WEEK)
        h = np.floor(rest).astype(np.int64)
        return weeks * per_week + cum[h] + (rest - h) * on_duty[np.minimum(h, WEEK - 1)]

    return np.maximum(upto(end) - upto(start), 0.0)


def work_fits(ev: Events, sp: Spells, v: Visits, staff: np.ndarray, cut: bool, rng: np.random.Generator,
              draws: int) -> dict[str, WorkFit]:
    on_duty = (staff > 0).astype(float)
    # working time of each visit within the group's on-duty hours (wall clock)
    working = sp.state == WORKING
    wall_start = ev.wall
    wall_end = ev.wall + (sp.end - sp.start)
    within = np.zeros(len(sp.start))
    for i in range(len(ev.groups)):
        mine = working & (sp.group == i)
        if on_duty[i].sum() > 0:
            within[mine] = on_duty_hours(wall_start[mine], wall_end[mine], on_duty[i])
        else:
            within[mine] = (sp.end - sp.start)[mine]
    v.work_on_duty = np.bincount(sp.visit, weights=np.where(working, within, 0.0), minlength=len(v.work))
    priority = ev.priority[v.case] if ev.priorities else None
    out: dict[str, WorkFit] = {}
    for i, name in enumerate(ev.groups):
        out[name] = _fit_group(name, v, i, cut, priority, ev.priorities, rng, draws)
    return out


def _fit_group(name: str, v: Visits, i: int, cut: bool, priority: Any, priorities: Any, rng: np.random.Generator,
               draws: int) -> WorkFit:
    mine = (v.group == i) & v.observed
    work = v.work_on_duty if cut else v.work
    other = v.work if cut else v.work_on_duty
    untouched = int((mine & ~v.open & (v.work <= 0)).sum())
    use = mine & (work > 0)
    x, event = work[use], ~v.open[use]
    result = WorkFit(name, None, {}, untouched=untouched, censored=int((~event).sum()), observations=x, events=event)
    if int(event.sum()) < MIN_FIT:
        return result
    best, candidates = families.choose(x, event)
    result.fit, result.candidates = best, candidates
    if draws > 0:
        result.gof = families.goodness_of_fit(best, x, event, rng, draws)
    use_other = mine & (other > 0)
    if int((~v.open[use_other]).sum()) >= MIN_FIT:
        alt = families.fit_family(best.family, other[use_other], ~v.open[use_other]).mean
        result.cut_mean, result.uncut_mean = (best.mean, alt) if cut else (alt, best.mean)
    if priority is not None and len(priorities) > 1:
        p = priority[use]
        split: dict[str, families.Fit] = {}
        for k, pname in enumerate(priorities):
            sel = p == k
            if int(event[sel].sum()) < MIN_PER_PRIORITY:
                split = {}
                break
            split[pname] = families.choose(x[sel], event[sel])[0]  # each priority its own family
        if split and sum(f.aic for f in split.values()) < best.aic - AIC_MARGIN:
            result.by_priority = split
    return result


def waiting_fits(ev: Events, sp: Spells) -> dict[str, families.Fit]:
    """Time in ``waiting`` states (on the customer or a vendor) per group: reported, not yet simulated."""
    out = {}
    duration = sp.end - sp.start
    for i, name in enumerate(ev.groups):
        mine = (sp.state == WAITING) & (sp.group == i) & (duration > 0)
        event = ~sp.censored[mine]
        if int(event.sum()) >= MIN_FIT:
            out[name] = families.choose(duration[mine], event)[0]
    return out


def staff_blocks(table: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """A 168-hour staffing profile as layers (engineers, hours on duty): layer k is on wherever at least k
    engineers are; identical layers merge."""
    level = np.rint(table).astype(int)
    blocks: list[tuple[int, np.ndarray]] = []
    for k in range(1, int(level.max(initial=0)) + 1):
        hours = level >= k
        if blocks and np.array_equal(blocks[-1][1], hours):
            blocks[-1] = (blocks[-1][0] + 1, hours)
        else:
            blocks.append((1, hours))
    return blocks
