"""Loyalty cards: which tickets play a card, and what the card does to them (see docs/contracts.md).

Each customer of a card's segments gets ``per_year`` cards at the start of every year of the run (a year is
52 weeks from time 0); with ``carry_over`` unused cards stay, else they lapse. A ticket of a customer holding
a card plays it with the chance its customer's size class and the ticket's priority give (``use``); a ticket
plays at most one card, the first declared that it plays. Whether a card is played depends only on the tickets
before it, never on how the desk served them, so the cards are settled here, before the run: a played card
rewrites its ticket (served as another segment, or straight to one group) and the engine never knows.

One uniform per ticket and card from the stream ``cards:<name>`` decides: every ticket draws whatever the rules,
so changing one card's rules changes no other draw.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

from .contracts import Card
from .customers import Customers
from .scenario import Scenario, WorkByClass
from .tickets import TicketStream, call_out_delays, stream
from .units import WEEK
from .visits import WORK

YEAR = 52 * WEEK
"""A card year: 52 weeks, so that four 13-week plan periods make one."""


@dataclasses.dataclass
class CardPlay:
    """The cards of one replication: which card each ticket played (-1: none) and, per card, how many each
    customer was handed and held at the end of the run."""

    played: np.ndarray                   # int64 [tickets]
    handed: dict[str, np.ndarray]        # card -> int64 [customers], over the run
    left: dict[str, np.ndarray]          # card -> int64 [customers], at the end of the run


def holders(customers: Customers, segment_names: list[str], segments: list[str] | None) -> np.ndarray:
    """Per customer, whether it belongs to one of ``segments`` (None: every segment with customers)."""
    if segments is None:
        return np.ones(len(customers), dtype=bool)
    return np.isin(customers.segment, [segment_names.index(s) for s in segments])


def usage_chances(card: Card, customers: Customers, priority_names: list[str], size: np.ndarray,
                  priority: np.ndarray) -> np.ndarray:
    """Per ticket (its customer's size class and its priority), the chance of playing ``card``."""
    table = np.zeros((len(customers.size_names), max(1, len(priority_names))))
    for name, rule in card.use.items():
        row = customers.size_names.index(name)
        if isinstance(rule, Mapping):
            for pri, chance in rule.items():
                table[row, priority_names.index(pri)] = chance
        else:
            table[row, :] = rule
    return table[size, priority]


def play_cards(scenario: Scenario, tickets: TicketStream, customers: Customers, customer: np.ndarray,
               seed: int, replication: int) -> tuple[TicketStream, CardPlay]:
    """Settle every card of the run in arrival order; return the tickets as the desk sees them (card grants
    applied) and what was played."""
    assert scenario.contracts is not None
    cards = scenario.contracts.cards
    n = len(tickets)
    labelled = customer >= 0
    size = np.where(labelled, customers.size[np.maximum(customer, 0)], 0)
    year = (np.maximum(tickets.arrived, 0.0) // YEAR).astype(np.int64)
    played = np.full(n, -1, dtype=np.int64)
    handed, left = {}, {}
    for index, (name, card) in enumerate(cards.items()):
        uniform = stream(seed, replication, f"cards:{name}").random(n)  # drawn for every ticket, as promised
        may = holders(customers, scenario.segment_names, card.segments)
        plays = labelled & may[np.maximum(customer, 0)] & (played < 0)
        plays &= uniform < usage_chances(card, customers, scenario.priority_names, size, tickets.priority)
        eligible = np.flatnonzero(labelled & may[np.maximum(customer, 0)])
        last = max(math.ceil(scenario.horizon / YEAR) - 1, int(year.max()) if n else 0)
        mine, given, held = _settle(card, customer, year, eligible, plays, may, last)
        played[mine] = index
        handed[name], left[name] = given, held
    return _granted(scenario, tickets, played, seed, replication), CardPlay(played, handed, left)


def _settle(card: Card, customer: np.ndarray, year: np.ndarray, eligible: np.ndarray, plays: np.ndarray,
            may: np.ndarray, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One card over the run: the tickets that play it (of the ``eligible`` ones, in arrival order, those that
    would ``play`` and whose customer holds one), and per customer the cards handed out over the years up to
    ``last`` and held at its end."""
    held = np.zeros(len(may), dtype=np.int64)
    given = np.zeros(len(may), dtype=np.int64)
    seen = np.full(len(may), -1, dtype=np.int64)  # the year each customer's cards were last handed out

    def hand_out(c: np.ndarray | int, to_year: np.ndarray | int) -> None:
        years = to_year - seen[c]  # the years since: cards handed out each, and kept or lapsed
        held[c] = held[c] + card.per_year * years if card.carry_over else card.per_year
        given[c] += card.per_year * years
        seen[c] = to_year

    chosen = []
    for t in eligible:
        c = customer[t]
        if seen[c] < year[t]:
            hand_out(c, year[t])
        if plays[t] and held[c] > 0:
            held[c] -= 1
            chosen.append(t)
    hand_out(np.flatnonzero(may & (seen < last)), last)  # customers quiet in the last years still get their cards
    return np.array(chosen, dtype=np.int64), given, held


def _granted(scenario: Scenario, tickets: TicketStream, played: np.ndarray, seed: int,
             replication: int) -> TicketStream:
    """The tickets with each played card's grants applied: the segment they are served as, and the one group
    they go straight to."""
    assert scenario.contracts is not None
    cards = list(scenario.contracts.cards.values())
    segment = tickets.segment.copy()
    straight = np.full(len(tickets), -1, dtype=np.int64)
    for index, card in enumerate(cards):
        mine = played == index
        if card.grants.segment is not None:
            segment[mine] = scenario.segment_names.index(card.grants.segment)
        if card.grants.route is not None:
            straight[mine] = scenario.group_names.index(card.grants.route)
    tickets = dataclasses.replace(tickets, segment=segment)
    if (straight < 0).all():
        return tickets
    return _straight_to(scenario, tickets, straight, seed, replication)


def _straight_to(scenario: Scenario, t: TicketStream, group: np.ndarray, seed: int,
                 replication: int) -> TicketStream:
    """Tickets with ``group[t] >= 0`` replaced by one visit to that group: its work is the work of the
    ticket's first visit there if its drawn route had one, else drawn from the group's work (stream
    ``cards:work``); it neither waits on the customer nor reopens. Other tickets keep their visits."""
    rerouted = group >= 0
    visits = np.where(rerouted, 1, t.visits)
    offset = np.zeros(len(visits), dtype=np.int64)
    np.cumsum(visits[:-1], out=offset[1:])
    keep = np.repeat(~rerouted, t.visits)
    route = np.empty(int(visits.sum()), dtype=t.route.dtype)
    work = np.empty(len(route))
    activity = np.zeros(len(route), dtype=np.int8)
    kept_at = np.repeat(offset, visits)[np.repeat(~rerouted, visits)] + _within(visits[~rerouted])
    route[kept_at], work[kept_at], activity[kept_at] = t.route[keep], t.work[keep], t.activity[keep]
    rng = stream(seed, replication, "cards:work")
    for ticket in np.flatnonzero(rerouted):
        g = int(group[ticket])
        own = t.offset[ticket] + np.flatnonzero((t.route[t.offset[ticket]:t.offset[ticket] + t.visits[ticket]] == g)
                                                & (t.activity[t.offset[ticket]:t.offset[ticket] + t.visits[ticket]]
                                                   == WORK))
        route[offset[ticket]] = g
        work[offset[ticket]] = t.work[own[0]] if len(own) else _drawn_work(scenario, g, t, int(ticket), rng)
    out = dataclasses.replace(t, offset=offset, visits=visits.astype(np.int64), route=route, work=work,
                              activity=activity, call_out={})
    for name in ("gap", "cause"):  # waits on the customer and reopens (supportsim.lifecycle): none on the new visit
        given = getattr(t, name)
        if given is not None:
            column = np.zeros(len(route), dtype=given.dtype)
            column[kept_at] = given[keep]
            setattr(out, name, column)
    if t.call_out:
        out.call_out = call_out_delays(scenario, route, seed, replication)
    return out


def _within(visits: np.ndarray) -> np.ndarray:
    """0, 1, ..., v-1 for each ticket's v visits, concatenated."""
    starts = np.repeat(np.cumsum(visits) - visits, visits)
    return np.arange(int(visits.sum())) - starts


def _drawn_work(scenario: Scenario, group: int, t: TicketStream, ticket: int, rng: np.random.Generator) -> float:
    """Work of a visit to the group drawn for the ticket: its type's work there, else the group's for its class."""
    settings = scenario.groups[scenario.group_names[group]]
    by_type = settings.work_by_type.get(scenario.type_names[int(t.type[ticket])]) if t.type is not None else None
    spec = by_type or settings.work
    if isinstance(spec, WorkByClass):
        priority = scenario.priority_names[int(t.priority[ticket])] if scenario.priority_names else ""
        spec = spec.for_ticket(scenario.segment_names[int(t.segment[ticket])], priority)
    assert spec is not None, "validation gives every type that can come to a group its work there"
    return float(spec.sample(rng, 1)[0])
