"""Prepaid points: each plan customer's balance, period by period, as the desk works (see docs/contracts.md).

A plan grants ``points`` to each of its customers at the start of every period (``per``; unused points
expire). What a ticket costs depends on its type (``charge``): ``free``; ``actual``, the engineer-hours worked
on it (drawn work scaled by the engineer's pace), debited as each visit's work ends; ``quoted``, priced before
work at the ticket's drawn work content and debited on acceptance (the points are reserved at once);
``per_ticket``, one point per ticket, taken like a quote (a pool of requests, as partners get). A ticket is
charged to the period it arrived in.

At a chargeable ticket's arrival the customer's balance decides:

- ``quoted`` (and ``per_ticket``): the quote fits the balance: accepted. Else the customer is offered a top-up;
  if bought and the quote then fits, accepted; else (``when_empty: bill``) served and billed, or declined:
  closed without work.
- ``actual``: a positive balance serves it (work may take the balance below zero: work is not stopped halfway).
  Else the customer is offered a top-up; without one, ``when_empty`` decides: ``refuse`` (closed without
  work), ``downgrade`` (served as segment ``downgrade_to``, free) or ``bill`` (served, its hours billed).

When a debit takes the balance below ``warn_below`` the customer is warned (once a period) and offered a
top-up. Each offer draws one uniform from the replication's ``points`` stream, in the order the run makes
them, so results do not depend on workers.

The :class:`Ledger` has no SimPy in it: the engine calls :meth:`Ledger.admit` at each arrival and
:meth:`Ledger.worked` at each visit's end, and keeps it only when a scenario declares plans.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .cards import CardPlay, holders, play_cards
from .contracts import Plan
from .customers import Customers, position
from .scenario import Scenario
from .tickets import TicketStream, one_ticket, stream
from .visit_attributes import visit_attribute

FREE, ACTUAL, QUOTED, PER_TICKET = 0, 1, 2, 3
RULES = ("free", "actual", "quoted", "per_ticket")
"""Charge codes per ticket."""

SERVED, ACCEPTED, DECLINED, REFUSED, DOWNGRADED, BILLED = range(6)
OUTCOMES = ("served", "accepted", "declined", "refused", "downgraded", "billed")
"""What became of each ticket: served (free, or charged as worked), accepted (a quote), declined (a quote the
customer could not pay), refused (no points), downgraded (no points: served as a lower segment), billed (no
points: served and billed). Declined and refused tickets are closed without work."""


@dataclass
class Account:
    """One customer's balance in one period."""

    customer: int
    period: int
    balance: float
    consumed: float = 0.0
    top_ups: int = 0
    warned_at: float = math.nan     # when the balance first fell below warn_below
    warning_ticket: int = -1
    ran_out_at: float = math.nan    # when the balance first reached zero or less


@dataclass
class ContractRecord:
    """What the contracts did in one replication: per ticket and per (customer, period) account."""

    customers: Customers
    customer: np.ndarray             # int64 [tickets]: customer (-1: none)
    home: np.ndarray                 # int [tickets]: the segment the ticket came from (before any card or downgrade)
    plan: np.ndarray                 # int64 [customers]: plan index (-1: none)
    rule: np.ndarray                 # int8 [tickets]: FREE, ACTUAL, QUOTED or PER_TICKET
    outcome: np.ndarray              # int8 [tickets]
    points: np.ndarray               # float64 [tickets]: points the ticket consumed
    billed: np.ndarray               # float64 [tickets]: hours billed beyond the plan
    accounts: list[Account] = field(default_factory=list)
    cards: CardPlay | None = None

    @property
    def closed_unworked(self) -> np.ndarray:
        """Tickets closed without work: declined quotes and refused tickets."""
        return (self.outcome == DECLINED) | (self.outcome == REFUSED)


def charge_rules(plan: Plan, type_names: list[str]) -> np.ndarray:
    """The charge code of each ticket type under the plan (one entry when no types are declared)."""
    if isinstance(plan.charge, str):
        return np.full(max(1, len(type_names)), RULES.index(plan.charge), dtype=np.int8)
    return np.array([RULES.index(plan.charge.get(name, "free")) for name in type_names], dtype=np.int8)


def plans_of(scenario: Scenario, customers: Customers) -> np.ndarray:
    """Each customer's plan (index into contracts.plans; -1: none): the first that names its segment, or names
    none."""
    plan = np.full(len(customers), -1, dtype=np.int64)
    for index, p in enumerate(scenario.contracts.plans.values() if scenario.contracts is not None else []):
        plan[(plan < 0) & holders(customers, scenario.segment_names, p.segments)] = index
    return plan


def ticket_types(tickets: TicketStream) -> np.ndarray:
    """Each ticket's type index (all 0 when the scenario declares no types)."""
    types = tickets.type
    return np.zeros(len(tickets), dtype=np.int64) if types is None else np.asarray(types, dtype=np.int64)


def prepare(scenario: Scenario, tickets: TicketStream, seed: int, replication: int) -> tuple[TicketStream,
                                                                                            ContractRecord | None]:
    """Before the run: label each ticket with its customer, settle the cards, and start the record of the
    contracts (None, and the tickets as they are, when no segment declares customers)."""
    customers = scenario.customers()
    if customers is None:
        return tickets, None
    customer = customers.assign(tickets.segment, tickets.customer)
    uniform = tickets.customer.copy()
    uniform[customer >= 0] = position(customers, customer[customer >= 0])
    home = tickets.segment.copy()
    tickets = dataclasses.replace(tickets, customer=uniform)
    contracts = scenario.contracts
    played = None
    if contracts is not None and contracts.cards:
        tickets, played = play_cards(scenario, tickets, customers, customer, seed, replication)
    plan = plans_of(scenario, customers)
    rule = np.zeros(len(tickets), dtype=np.int8)
    if (plan >= 0).any():
        assert contracts is not None
        plans = list(contracts.plans.values())
        types = ticket_types(tickets)
        rules = [charge_rules(p, scenario.type_names) for p in plans]
        ticket_plan = np.where(customer >= 0, plan[np.maximum(customer, 0)], -1)
        for index, codes in enumerate(rules):
            mine = ticket_plan == index
            rule[mine] = codes[np.minimum(types[mine], len(codes) - 1)]
    n = len(tickets)
    record = ContractRecord(customers, customer, home, plan, rule, np.zeros(n, dtype=np.int8), np.zeros(n),
                            np.zeros(n), cards=played)
    return tickets, record


class Ledger:
    """The balances during one run (see the module docstring for the rules)."""

    def __init__(self, scenario: Scenario, tickets: TicketStream, record: ContractRecord, seed: int,
                 replication: int, interruptions: list[tuple]):
        assert scenario.contracts is not None
        self.plans = list(scenario.contracts.plans.values())
        self.segment_names = scenario.segment_names
        self.record = record
        self.customer = record.customer.tolist()
        self.plan_of = record.plan.tolist()
        self.rule = record.rule.tolist()
        self.outcome, self.points, self.billed = record.outcome, record.points, record.billed
        self.ticket_of_visit = tickets.ticket_of_visit.tolist()
        offset, visits = tickets.offset, tickets.visits
        quote = np.add.reduceat(tickets.work, offset) if len(offset) else np.zeros(0)
        self.quote = np.where(record.rule == PER_TICKET, 1.0, quote).tolist()  # a pool of requests: 1 point each
        # a ticket without visits would break reduceat's answer for it; tickets always have one
        assert len(offset) == 0 or int(visits.min()) >= 1
        self.arrived = tickets.arrived.tolist()
        self.accounts: dict[tuple[int, int], Account] = {}
        self.charged_to: dict[int, Account] = {}  # ticket -> the account its actual work is debited from
        self.rng = stream(seed, replication, "points")
        self.pieces, self.pieces_seen = interruptions, 0  # the engine's pieces of work cut short, read as they come
        self.earlier: dict[int, float] = {}  # visit -> engineer-hours of its pieces cut short

    def _account(self, customer: int, plan: Plan, time: float) -> Account:
        period = int(max(time, 0.0) // plan.per)
        key = (customer, period)
        account = self.accounts.get(key)
        if account is None:
            account = self.accounts[key] = Account(customer, period, plan.points)
            self.record.accounts.append(account)
        return account

    def _offer_top_up(self, plan: Plan, account: Account) -> bool:
        if plan.top_up is None or plan.top_up.probability <= 0.0:
            return False
        if self.rng.random() >= plan.top_up.probability:
            return False
        account.balance += plan.top_up.points
        account.top_ups += 1
        return True

    def _debit(self, plan: Plan, account: Account, ticket: int, points: float, now: float) -> None:
        account.balance -= points
        account.consumed += points
        self.points[ticket] += points
        if account.balance < plan.warn_below and account.warning_ticket < 0:
            account.warned_at, account.warning_ticket = now, ticket
            self._offer_top_up(plan, account)
        if account.balance <= 0.0 and math.isnan(account.ran_out_at):
            account.ran_out_at = now

    def admit(self, ticket: int, now: float) -> int:
        """The outcome of a ticket arriving now (SERVED for every ticket that is not chargeable)."""
        rule = self.rule[ticket]
        if rule == FREE:
            return SERVED
        customer = self.customer[ticket]
        plan = self.plans[self.plan_of[customer]]
        account = self._account(customer, plan, self.arrived[ticket])
        if rule == QUOTED or rule == PER_TICKET:
            quote = self.quote[ticket]
            if account.balance >= quote or (self._offer_top_up(plan, account) and account.balance >= quote):
                self._debit(plan, account, ticket, quote, now)
                outcome = ACCEPTED
            elif plan.when_empty == "bill":
                self.billed[ticket] = quote
                outcome = BILLED
            else:
                outcome = DECLINED
        elif account.balance > 0.0 or self._offer_top_up(plan, account):
            self.charged_to[ticket] = account
            outcome = SERVED
        else:
            outcome = {"refuse": REFUSED, "downgrade": DOWNGRADED, "bill": BILLED}[plan.when_empty]
            if outcome == BILLED:
                self.charged_to[ticket] = account
        self.outcome[ticket] = outcome
        return outcome

    def downgrade_to(self, ticket: int) -> int:
        """The segment a ticket of a customer out of points is served as (``downgrade_to``)."""
        plan = self.plans[self.plan_of[self.customer[ticket]]]
        assert plan.downgrade_to is not None, "validation requires downgrade_to with when_empty: downgrade"
        return self.segment_names.index(plan.downgrade_to)

    def worked(self, visit: int, last_piece: float, now: float) -> None:
        """A visit's work ended, its last piece of work taking ``last_piece`` hours: debit the engineer-hours
        spent on it (with any earlier pieces cut short) if its ticket is charged as worked."""
        ticket = self.ticket_of_visit[visit]
        account = self.charged_to.get(ticket)
        if account is None:
            return
        pieces = self.pieces
        while self.pieces_seen < len(pieces):
            cut, _, start, end = pieces[self.pieces_seen]
            self.earlier[cut] = self.earlier.get(cut, 0.0) + (end - start)
            self.pieces_seen += 1
        hours = last_piece + self.earlier.pop(visit, 0.0)
        if self.outcome[ticket] == BILLED:
            self.billed[ticket] += hours
        else:
            self._debit(self.plans[self.plan_of[self.customer[ticket]]], account, ticket, hours, now)


class Column(Protocol):
    """A per-visit column of the run that can be written (a memoryview of the engine's array)."""

    def __setitem__(self, index: int, value: int, /) -> None: ...


def serve_as(scenario: Scenario, tickets: TicketStream, ticket: int, segment: int, rank: Column, vip: Column,
             attributes: dict[str, list]) -> None:
    """Serve a ticket as another segment from now on (a downgrade, at its arrival): its segment, its visits'
    queue ranks and VIP flags (as :func:`supportsim.engine.visit_ranks` gives them), and the per-visit attributes
    strategies have read (in place: they hold the lists)."""
    tickets.segment[ticket] = segment
    first = int(tickets.offset[ticket])
    visits = range(first, first + int(tickets.visits[ticket]))
    is_vip = scenario.segments[scenario.segment_names[segment]].vip
    n_priorities = max(1, len(scenario.priorities or {}))
    has_vip = bool(scenario.vip_segments)
    priority = int(tickets.priority[ticket])
    for visit in visits:
        privileged = int(is_vip and scenario.honours_vip(scenario.group_names[int(tickets.route[visit])]))
        vip[visit] = privileged
        rank[visit] = (1 - privileged) * n_priorities + priority if has_vip else priority
    if attributes:
        one = one_ticket(tickets, ticket)
        for name, values in attributes.items():
            values[visits.start:visits.stop] = visit_attribute(scenario, one, name).tolist()
