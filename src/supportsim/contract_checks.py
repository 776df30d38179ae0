"""What the customers and contracts of a scenario must agree with, as (key path, message) pairs: sizes and
segments that exist, charges for declared ticket types, grants of known groups and segments (see
docs/contracts.md)."""

from __future__ import annotations

from collections.abc import Iterable

from .scenario import Scenario


def _unknown(path: str, what: str, name: str, known: Iterable[str]) -> tuple[str, str]:
    names = ", ".join(known) or "none"
    return path, f"unknown {what} {name!r}; {what}s are {names}"


def population_problems(s: Scenario) -> list[tuple[str, str]]:
    problems = []
    for name, segment in s.segments.items():
        population = segment.customers
        if population is None:
            continue
        path = f"segments.{name}.customers"
        for size, share in population.sizes.items():
            if share <= 0 or share > 1:
                problems.append((f"{path}.sizes.{size}", f"must be a share in (0, 1], got {share:g}"))
        total = sum(population.sizes.values())
        if abs(total - 1) > 1e-6:
            problems.append((f"{path}.sizes", f"shares must sum to 1, got {total:g}"))
        for size, factor in population.rate_factor.items():
            if size not in population.sizes:
                problems.append(_unknown(f"{path}.rate_factor.{size}", "size", size, population.sizes))
            elif factor <= 0:
                problems.append((f"{path}.rate_factor.{size}", f"must be more than 0, got {factor:g}"))
    return problems


def contract_problems(s: Scenario) -> list[tuple[str, str]]:
    problems = population_problems(s)
    contracts = s.contracts
    if contracts is None or not (contracts.plans or contracts.cards):
        return problems
    with_customers = [name for name, seg in s.segments.items() if seg.customers is not None]
    if not with_customers:
        return problems + [("contracts", "plans and cards are per customer: declare the customers of a segment "
                                         "(segments.<name>.customers)")]
    sizes = {size for name in with_customers for size in s.segments[name].customers.sizes}  # type: ignore[union-attr]
    types = s.type_names
    held: dict[str, str] = {}
    for name, plan in contracts.plans.items():
        path = f"contracts.plans.{name}"
        problems += _segment_problems(s, f"{path}.segments", plan.segments, with_customers)
        for segment in plan.segments if plan.segments is not None else with_customers:
            if segment in held:
                problems.append((f"{path}.segments", f"segment {segment!r} already holds plan {held[segment]!r}; "
                                                     "a customer holds one plan"))
            held.setdefault(segment, name)
        if isinstance(plan.charge, dict):
            if not types:
                problems.append((f"{path}.charge", "a charge per ticket type needs types: declare types, or give "
                                                   "one rule for every ticket (free, actual or quoted)"))
            problems += [_unknown(f"{path}.charge.{t}", "ticket type", t, types)
                         for t in plan.charge if types and t not in types]
        if plan.when_empty == "downgrade" and plan.downgrade_to is None:
            problems.append((f"{path}.downgrade_to", "is missing: when_empty: downgrade serves the tickets as "
                                                     "this segment"))
        if plan.downgrade_to is not None and plan.downgrade_to not in s.segments:
            problems.append(_unknown(f"{path}.downgrade_to", "segment", plan.downgrade_to, s.segments))
    for name, card in contracts.cards.items():
        path = f"contracts.cards.{name}"
        problems += _segment_problems(s, f"{path}.segments", card.segments, with_customers)
        grants = card.grants
        if grants.route is None and grants.segment is None and grants.reaction is None:
            problems.append((f"{path}.grants", "grants nothing: give a route, a segment or a reaction target"))
        if grants.route is not None and grants.route not in s.groups:
            problems.append(_unknown(f"{path}.grants.route", "group", grants.route, s.groups))
        if grants.segment is not None and grants.segment not in s.segments:
            problems.append(_unknown(f"{path}.grants.segment", "segment", grants.segment, s.segments))
        for size, rule in card.use.items():
            if size not in sizes:
                problems.append(_unknown(f"{path}.use.{size}", "size", size, sorted(sizes)))
            if isinstance(rule, dict):
                problems += [_unknown(f"{path}.use.{size}.{p}", "priority", p, s.priority_names)
                             for p in rule if p not in s.priority_names]
    return problems


def _segment_problems(s: Scenario, path: str, segments: list[str] | None,
                      with_customers: list[str]) -> list[tuple[str, str]]:
    problems = []
    for i, segment in enumerate(segments or []):
        if segment not in s.segments:
            problems.append(_unknown(f"{path}.{i}", "segment", segment, s.segments))
        elif segment not in with_customers:
            problems.append((f"{path}.{i}", f"segment {segment!r} declares no customers "
                                            f"(segments.{segment}.customers)"))
    return problems
