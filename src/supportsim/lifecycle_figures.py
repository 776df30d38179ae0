"""Figures of tickets that wait on the customer, are auto-closed or reopen (see supportsim.customer_waits):
pure functions over a replication record, used by :mod:`supportsim.stats`.

Per ticket: the hours it waited on the customer (on any clock), whether it was closed unresolved, how many
times it reopened. Per selection of tickets (a segment, a type, all): the share auto-closed, the reopen rate
(share reopened at least once), resolutions per ticket and the mean hours waited on the customer.
"""

from __future__ import annotations

import numpy as np

from .calendar import Calendar
from .lifecycle import ANSWERED, REOPENED
from .records import ReplicationRecord

FIGURES = ("auto_closed", "reopened", "resolutions", "waiting_on_customer")
"""The per-selection figures, in the order they are listed (each ``<selection>.<figure>``)."""


def waits(record: ReplicationRecord) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every wait on the customer as (ticket, start, end): from the end of the visit that asked to the answer
    (or to the close, for a ticket closed while it waited)."""
    t = record.tickets
    if t.cause is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    answered = np.flatnonzero(t.cause == ANSWERED)
    ticket = t.ticket_of_visit[answered]
    start, end = record.ended[answered - 1], record.queued[answered]
    if record.closed is not None:
        closed = np.flatnonzero(~np.isnan(record.closed))
        last = t.offset[closed] + t.visits[closed] - 1
        ticket = np.concatenate([ticket, closed])
        start = np.concatenate([start, record.ended[last]])
        end = np.concatenate([end, record.closed[closed]])
    return ticket, start, end


def waiting_hours(record: ReplicationRecord, clock: Calendar | None = None) -> np.ndarray:
    """Per ticket, the hours it waited on the customer (on ``clock``'s working time, if given)."""
    ticket, start, end = waits(record)
    hours = end - start if clock is None or clock.is_always else clock.business_hours(start, end)
    return np.bincount(ticket, weights=hours, minlength=len(record.tickets)).astype(float)


def ticket_columns(record: ReplicationRecord) -> dict[str, np.ndarray]:
    """Per ticket: ``auto_closed`` (0/1), ``reopens`` and ``waiting_on_customer`` (hours)."""
    t = record.tickets
    closed = record.closed if record.closed is not None else np.full(len(t), np.nan)
    reopens = (np.bincount(t.ticket_of_visit, weights=(t.cause == REOPENED), minlength=len(t))
               if t.cause is not None else np.zeros(len(t)))
    return {"auto_closed": (~np.isnan(closed)).astype(np.int64), "reopens": reopens.astype(np.int64),
            "waiting_on_customer": waiting_hours(record)}


def selection_figures(columns: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, float]:
    """The figures of the selected tickets (NaN when none is selected)."""
    if not mask.any():
        return dict.fromkeys(FIGURES, float("nan"))
    return {"auto_closed": float(columns["auto_closed"][mask].mean()),
            "reopened": float((columns["reopens"][mask] > 0).mean()),
            "resolutions": float((columns["reopens"][mask] + 1 - columns["auto_closed"][mask]).mean()),
            "waiting_on_customer": float(columns["waiting_on_customer"][mask].mean())}
