"""Customer contracts as data: prepaid points plans, loyalty cards and their prices (see docs/contracts.md).

::

    contracts:
      plans:
        standard:
          segments: [standard]          # whose customers hold the plan (default: every segment with customers)
          points: 40                    # granted per customer per period (1 point = 1 engineer-hour)
          per: 13w
          charge: {incident: free, request: quoted, consultation: actual}
          warn_below: 8
          top_up: {probability: 0.5, points: 20}
          when_empty: refuse            # refuse | downgrade (downgrade_to: <segment>) | bill
      cards:
        expert:
          per_year: 2
          grants: {segment: vip}        # and/or route: L3, reaction: 1h
          use: {large: 0.1, medium: 0.9, small: 0.5}
      prices: {point: 90, top_up: 1600, card: 300, engineer_hour: 45}

Pure data; what the plans do to a run is in :mod:`supportsim.points` and :mod:`supportsim.cards`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .distributions import Duration
from .model import Model

ChargeRule = Literal["free", "actual", "quoted", "per_ticket"]
"""What a ticket costs in points: nothing, the engineer-hours worked on it, the hours quoted before work, or one
point (a pool of requests)."""

Probability = Annotated[float, Field(ge=0, le=1)]


class TopUp(Model):
    probability: float = Field(ge=0, le=1, description="Chance that a customer offered a top-up (warned, or out "
                                                       "of points) buys one.")
    points: float = Field(gt=0, description="Points one top-up adds to the period's balance.")


class Plan(Model):
    segments: list[str] | None = Field(None, description="Segments whose customers hold this plan (default: every "
                                                         "segment that declares customers).")
    points: float = Field(ge=0, description="Points (engineer-hours) granted to each customer per period.")
    per: Duration = Field(gt=0, description="The plan period: the balance is granted afresh at each period start, "
                                            "unused points expire (e.g. '13w').")
    charge: ChargeRule | dict[str, ChargeRule] = Field(
        "actual", description="What a ticket costs: free, actual (engineer-hours worked), quoted (priced before "
                              "work) or per_ticket (one point: a pool of requests); per ticket type when types are "
                              "declared (types not listed are free).")
    warn_below: float = Field(0.0, ge=0, description="The customer is warned when the balance falls below this.")
    top_up: TopUp | None = Field(None, description="Whether and how customers buy more points.")
    when_empty: Literal["refuse", "downgrade", "bill"] = Field(
        "refuse", description="A chargeable ticket of a customer with no points left: refused (closed without "
                              "work), served as segment downgrade_to, or served and billed.")
    downgrade_to: str | None = Field(None, description="The segment a customer with no points is served as "
                                                       "(with when_empty: downgrade).")


class Grant(Model):
    route: str | None = Field(None, description="The group the ticket goes straight to (it is worked there only).")
    segment: str | None = Field(None, description="The segment the ticket is served as (e.g. a VIP segment).")
    reaction: Duration | None = Field(None, gt=0, description="A reaction target the card promises for its ticket.")


UsageRule = Probability | dict[str, Probability]
"""Chance of playing a card on a ticket: one for every priority, or per priority."""


class Card(Model):
    segments: list[str] | None = Field(None, description="Segments whose customers get the card (default: every "
                                                         "segment that declares customers).")
    per_year: int = Field(ge=0, le=10_000, description="Cards each customer gets at the start of each year.")
    grants: Grant = Field(description="What playing the card gives its ticket.")
    use: dict[str, UsageRule] = Field(
        default_factory=dict, description="Size class -> chance of playing a card on a ticket (or per priority); "
                                          "sizes not listed never play.")
    carry_over: bool = Field(True, description="Whether unused cards carry into the next year.")


class Prices(Model):
    point: float | None = Field(None, ge=0, description="Price of one point in a plan.")
    top_up: float | None = Field(None, ge=0, description="Price of one top-up.")
    card: float | None = Field(None, ge=0, description="Price of one card handed out.")
    engineer_hour: float | None = Field(None, ge=0, description="Cost of one engineer-hour worked.")


class Contracts(Model):
    plans: dict[str, Plan] = Field(default_factory=dict, description="Prepaid points plans by name.")
    cards: dict[str, Card] = Field(default_factory=dict, description="Loyalty cards by name.")
    prices: Prices = Field(default_factory=Prices, description="Optional prices, for revenue and cost per plan.")
