"""What the contracts did, as figures: pure functions over one replication's record (see docs/contracts.md).

Plans are judged per plan and size class over the plan periods that lie wholly in the window [warm-up,
horizon) (all periods that overlap it when none does), one value per customer and period:

- ``consumed``: points consumed per customer per period (mean and p10/p50/p90 over customer-periods);
- ``ran_out``: share of customer-periods whose balance reached zero; ``ran_out_after``: mean hours into the
  period when it did; ``warned``: share warned;
- ``declined``, ``refused``, ``downgraded``, ``billed``, ``top_ups``: per customer per period;
- ``hours_sold`` (points consumed and hours billed) and ``hours_free`` (engineer-hours on the customers' free
  and downgraded tickets) per customer per period; ``revenue`` and ``cost`` per customer per period when
  ``contracts.prices`` gives prices.

Cards, per card and size class, per customer: ``handed`` over the run, ``played`` in the window, ``left`` at
the end of the run, and for a card promising a reaction, ``reaction_met``, the share of its tickets that got it.

``others``: the tickets no device touched (no card played, not declined, refused, downgraded or billed). Their
reaction and resolution are compared with the same tickets in the baseline variant (which must draw the same
tickets: common random numbers) by :func:`others_versus`, paired over replications as ``vs_baseline`` is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .cards import holders
from .customers import Customers
from .points import (
    ACCEPTED,
    BILLED,
    DECLINED,
    DOWNGRADED,
    FREE,
    OUTCOMES,
    REFUSED,
    RULES,
    SERVED,
    ContractRecord,
    plans_of,
)
from .records import ReplicationRecord
from .scenario import Scenario

Key = tuple[str, ...]
PERCENTILES = (10, 50, 90)
PLAN_FIGURES = ("customers", "consumed", "ran_out", "ran_out_after", "warned", "declined", "refused", "downgraded",
                "billed", "top_ups", "hours_sold", "hours_free")


def ticket_hours(record: ReplicationRecord) -> np.ndarray:
    """Engineer-hours worked on each ticket, over its visits."""
    t = record.tickets
    return np.add.reduceat(record.in_work, t.offset) if len(t) else np.zeros(0)


def plan_periods(per: float, low: float, high: float) -> range:
    """The plan periods (by index) the figures use: those wholly in [low, high), else those overlapping it."""
    whole = range(math.ceil(low / per - 1e-9), math.floor(high / per + 1e-9))
    return whole if len(whole) else range(math.floor(low / per), math.ceil(high / per))


def contract_figures(record: ReplicationRecord) -> dict[Key, float]:
    """Every figure of the customers' contracts in one replication, flat (none without customers)."""
    contract = record.contract
    scenario = record.scenario
    if contract is None or scenario.contracts is None:
        return {}
    figures: dict[Key, float] = {}
    hours = ticket_hours(record)
    for index, (name, plan) in enumerate(scenario.contracts.plans.items()):
        figures.update(_plan_figures(record, contract, hours, index, name, plan.per))
    for index, name in enumerate(scenario.contracts.cards):
        figures.update(_card_figures(record, contract, index, name))
    figures.update(_others(record, contract))
    return figures


def _sizes(customers: Customers, chosen: np.ndarray) -> dict[str, np.ndarray]:
    """Selections of the chosen customers by size class, and 'all' (just 'all' when they are of one size)."""
    sizes = {name: chosen & (customers.size == k) for k, name in enumerate(customers.size_names)}
    sizes = {name: mine for name, mine in sizes.items() if mine.any()}
    return {**sizes, "all": chosen} if len(sizes) > 1 else {"all": chosen}


def contract_keys(scenario: Scenario) -> list[Key]:
    """Every key :func:`contract_figures` gives for this scenario, in the same order."""
    customers = scenario.customers()
    if customers is None or scenario.contracts is None:
        return []
    contracts = scenario.contracts
    keys: list[Key] = []
    for index, name in enumerate(contracts.plans):
        for size in _sizes(customers, plans_of(scenario, customers) == index):
            for figure in PLAN_FIGURES:
                if figure == "consumed":
                    keys += [("contracts", "plans", name, size, "consumed", stat)
                             for stat in ("mean", *(f"p{q}" for q in PERCENTILES))]
                else:
                    keys.append(("contracts", "plans", name, size, figure))
            if contracts.prices.point is not None:
                keys.append(("contracts", "plans", name, size, "revenue"))
            if contracts.prices.engineer_hour is not None:
                keys.append(("contracts", "plans", name, size, "cost"))
    for name, card in contracts.cards.items():
        for size in _sizes(customers, holders(customers, scenario.segment_names, card.segments)):
            keys += [("contracts", "cards", name, size, figure) for figure in ("customers", "handed", "played", "left")]
            if contracts.prices.card is not None:
                keys.append(("contracts", "cards", name, size, "revenue"))
            if card.grants.reaction is not None:
                keys.append(("contracts", "cards", name, size, "reaction_met"))
    keys += [("contracts", "others", "tickets"), ("contracts", "others", "reaction", "mean"),
             ("contracts", "others", "resolution", "mean")]
    return keys


def _plan_figures(record: ReplicationRecord, contract: ContractRecord, hours: np.ndarray, index: int, name: str,
                  per: float) -> dict[Key, float]:
    scenario = record.scenario
    assert scenario.contracts is not None
    prices = scenario.contracts.prices
    plan = scenario.contracts.plans[name]
    periods = plan_periods(per, scenario.warmup, scenario.horizon)
    n_customers = len(contract.customers)
    shape = (n_customers, len(periods))
    consumed, top_ups = np.zeros(shape), np.zeros(shape)
    ran_out, warned, ran_out_after = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool), np.full(shape, np.nan)
    for account in contract.accounts:
        if account.period in periods:
            k = account.period - periods.start
            consumed[account.customer, k] = account.consumed
            top_ups[account.customer, k] = account.top_ups
            ran_out[account.customer, k] = not math.isnan(account.ran_out_at)
            warned[account.customer, k] = account.warning_ticket >= 0
            ran_out_after[account.customer, k] = account.ran_out_at - account.period * per
    # tickets of the plan's customers that arrived in the periods
    period = (np.maximum(record.tickets.arrived, 0.0) // per).astype(np.int64)
    mine = (contract.customer >= 0) & (period >= periods.start) & (period < periods.stop)
    mine &= contract.plan[np.maximum(contract.customer, 0)] == index
    counts = {}
    for outcome, label in ((DECLINED, "declined"), (REFUSED, "refused"), (DOWNGRADED, "downgraded"),
                           (BILLED, "billed")):
        counts[label] = np.bincount(contract.customer[mine & (contract.outcome == outcome)], minlength=n_customers)
    free = mine & ((contract.rule == FREE) | (contract.outcome == DOWNGRADED))
    hours_free = np.bincount(contract.customer[free], weights=hours[free], minlength=n_customers)
    billed = np.bincount(contract.customer[mine], weights=contract.billed[mine], minlength=n_customers)
    hours_worked = np.bincount(contract.customer[mine], weights=hours[mine], minlength=n_customers)
    figures: dict[Key, float] = {}
    for size, chosen in _sizes(contract.customers, contract.plan == index).items():
        where: Key = ("contracts", "plans", name, size)
        per_customer = consumed[chosen].ravel()
        customer_periods = max(1, chosen.sum() * len(periods))
        figures[(*where, "customers")] = float(chosen.sum())
        figures[(*where, "consumed", "mean")] = float(per_customer.mean()) if len(per_customer) else math.nan
        for q in PERCENTILES:
            figures[(*where, "consumed", f"p{q}")] = float(np.percentile(per_customer, q)) if len(per_customer) \
                else math.nan
        figures[(*where, "ran_out")] = float(ran_out[chosen].mean()) if len(per_customer) else math.nan
        after = ran_out_after[chosen][ran_out[chosen]]
        figures[(*where, "ran_out_after")] = float(after.mean()) if len(after) else math.nan
        figures[(*where, "warned")] = float(warned[chosen].mean()) if len(per_customer) else math.nan
        for label, values in counts.items():
            figures[(*where, label)] = float(values[chosen].sum()) / customer_periods
        figures[(*where, "top_ups")] = float(top_ups[chosen].sum()) / customer_periods
        sold = float(consumed[chosen].sum() + billed[chosen].sum())
        figures[(*where, "hours_sold")] = sold / customer_periods
        figures[(*where, "hours_free")] = float(hours_free[chosen].sum()) / customer_periods
        if prices.point is not None:  # the plan's points, hours billed at the point price, and top-ups
            revenue = plan.points * prices.point + float(billed[chosen].sum()) / customer_periods * prices.point
            figures[(*where, "revenue")] = revenue + figures[(*where, "top_ups")] * (prices.top_up or 0.0)
        if prices.engineer_hour is not None:  # every engineer-hour worked for the customers, sold or free
            worked = float(hours_worked[chosen].sum()) / customer_periods
            figures[(*where, "cost")] = worked * prices.engineer_hour
    return figures


def _card_figures(record: ReplicationRecord, contract: ContractRecord, index: int, name: str) -> dict[Key, float]:
    scenario = record.scenario
    assert scenario.contracts is not None and contract.cards is not None
    card = scenario.contracts.cards[name]
    cards = contract.cards
    arrived = record.tickets.arrived
    played = (cards.played == index) & (arrived >= scenario.warmup)
    per_customer = np.bincount(contract.customer[played], minlength=len(contract.customers))
    handed, left = cards.handed[name], cards.left[name]
    figures: dict[Key, float] = {}
    reaction = record.first_response - arrived
    prices = scenario.contracts.prices
    for size, chosen in _sizes(contract.customers, holders(contract.customers, scenario.segment_names,
                                                           card.segments)).items():
        where: Key = ("contracts", "cards", name, size)
        count = max(1, int(chosen.sum()))
        figures[(*where, "customers")] = float(chosen.sum())
        figures[(*where, "handed")] = float(handed[chosen].sum()) / count
        figures[(*where, "played")] = float(per_customer[chosen].sum()) / count
        figures[(*where, "left")] = float(left[chosen].sum()) / count
        if prices.card is not None:
            figures[(*where, "revenue")] = figures[(*where, "handed")] * prices.card
        if card.grants.reaction is not None:
            of_size = played & chosen[np.maximum(contract.customer, 0)]
            met = reaction[of_size] <= card.grants.reaction
            figures[(*where, "reaction_met")] = float(met.mean()) if len(met) else math.nan
    return figures


def untouched(contract: ContractRecord) -> np.ndarray:
    """Tickets no device touched: no card played, and served or accepted as usual."""
    plain = (contract.outcome == SERVED) | (contract.outcome == ACCEPTED)
    return plain & (contract.cards.played < 0 if contract.cards is not None else True)


def _others(record: ReplicationRecord, contract: ContractRecord) -> dict[Key, float]:
    chosen = untouched(contract) & (record.tickets.arrived >= record.scenario.warmup)
    figures: dict[Key, float] = {("contracts", "others", "tickets"): float(chosen.sum())}
    for measure, event in (("reaction", record.first_response), ("resolution", record.resolved)):
        values = (event - record.tickets.arrived)[chosen]
        figures[("contracts", "others", measure, "mean")] = float(values.mean()) if len(values) else math.nan
    return figures


def others_pairs(variant: Sequence[ReplicationRecord], baseline: Sequence[ReplicationRecord]
                 ) -> tuple[list[dict[Key, float]], list[dict[Key, float]]] | None:
    """Per replication, the untouched tickets' mean reaction and resolution in the variant and the same tickets'
    in the baseline, to be paired (see :func:`supportsim.stats.paired_ratios`); None when the variant has no
    contracts or draws other tickets than the baseline."""
    ours: list[dict[Key, float]] = []
    theirs: list[dict[Key, float]] = []
    for v, b in zip(variant, baseline):
        if v.contract is None or not np.array_equal(v.tickets.arrived, b.tickets.arrived):
            return None
        chosen = untouched(v.contract) & (v.tickets.arrived >= v.scenario.warmup)
        for r, out in ((v, ours), (b, theirs)):
            figures: dict[Key, float] = {}
            for measure, event in (("reaction", r.first_response), ("resolution", r.resolved)):
                values = (event - r.tickets.arrived)[chosen]
                figures[(measure, "mean")] = float(values.mean()) if len(values) else math.nan
            out.append(figures)
    return (ours, theirs) if ours else None


OTHERS_FIGURES: tuple[Key, ...] = (("reaction", "mean"), ("resolution", "mean"))
"""Figures of the untouched tickets compared with the baseline."""


def contract_columns(record: ReplicationRecord, keep: np.ndarray, plans: bool, cards: bool) -> dict[str, np.ndarray]:
    """The tickets.csv columns of the contracts for the kept tickets: customer and size class; with ``plans``
    the plan, charge rule, outcome, engineer-hours worked, points consumed and hours billed; with ``cards`` the
    card played. Blank where the ticket (or this variant) has none."""
    n = int(keep.sum())
    contract, scenario = record.contract, record.scenario
    blank = np.full(n, "", dtype=object)
    if contract is None:
        columns = {"customer": blank, "size": blank}
        if plans:
            columns.update({"plan": blank, "charge": blank, "outcome": blank, "worked": ticket_hours(record)[keep],
                            "points": np.zeros(n), "billed": np.zeros(n)})
        return {**columns, "card": blank} if cards else columns
    customers = contract.customers
    customer = contract.customer[keep]
    labelled = customer >= 0
    names = np.full(n, "", dtype=object)
    present, which = np.unique(customer[labelled], return_inverse=True)  # name only the customers that wrote
    names[labelled] = np.array([customers.label(scenario.segment_names, c) for c in present], dtype=object)[which]
    sizes = np.array(customers.size_names, dtype=object)
    columns = {"customer": names, "size": np.where(labelled, sizes[customers.size[np.maximum(customer, 0)]], "")}
    if plans:
        plan_names = np.array([*(scenario.contracts.plans if scenario.contracts else {}), ""], dtype=object)
        plan = np.where(labelled, contract.plan[np.maximum(customer, 0)], -1)
        columns["plan"] = plan_names[plan]
        columns["charge"] = np.where(plan >= 0, np.array(RULES, dtype=object)[contract.rule[keep]], "")
        columns["outcome"] = np.where(plan >= 0, np.array(OUTCOMES, dtype=object)[contract.outcome[keep]], "")
        columns["worked"] = ticket_hours(record)[keep]
        columns["points"] = contract.points[keep]
        columns["billed"] = contract.billed[keep]
    if cards:
        card_names = np.array([*(scenario.contracts.cards if scenario.contracts else {}), ""], dtype=object)
        played = contract.cards.played[keep] if contract.cards is not None else np.full(n, -1)
        columns["card"] = card_names[played]
    return columns
