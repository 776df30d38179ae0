"""What a staffing costs: engineer-hours on duty, headcount and cost per week, per group and in total.

Pure functions of the scenario. ``shrinkage`` (a group's share of paid time not on tickets) does not change the
simulated engineers: it turns engineers on duty into headcount, ``headcount = engineers / (1 - shrinkage)``.
``cost`` is per engineer-hour on duty, per group or per staff block (a block's own wins); without any, it is 1, so
a cost is engineer-hours.
"""

from __future__ import annotations

from typing import Any

from .scenario import Scenario


def block_cost(scenario: Scenario, group: str, block: int) -> float:
    """Cost per engineer-hour of one staff block of a group."""
    spec = scenario.groups[group]
    own = spec.blocks[block].cost
    if own is not None:
        return own
    return spec.cost if spec.cost is not None else 1.0


def headcount(engineers: float, shrinkage: float) -> float:
    """Paid engineers needed to have ``engineers`` on duty when a share ``shrinkage`` of paid time is lost."""
    return engineers / (1.0 - shrinkage)


def group_workforce(scenario: Scenario, group: str) -> dict[str, float]:
    """One group's engineers (on the roster), engineer-hours on duty, headcount and cost, per week."""
    spec = scenario.groups[group]
    hours = cost = 0.0
    for i, block in enumerate(spec.blocks):
        on_duty = block.count * scenario.calendar(block.calendar).hours_per_week
        hours += on_duty
        cost += on_duty * block_cost(scenario, group, i)
    return {"engineers": float(spec.headcount), "headcount": headcount(spec.headcount, spec.shrinkage),
            "engineer_hours_per_week": hours, "cost_per_week": cost}


def workforce(scenario: Scenario) -> dict[str, Any]:
    """summary.json's ``workforce``: per group, and ``all`` (a reserved group name) over every group."""
    groups = {g: group_workforce(scenario, g) for g in scenario.group_names}
    total = {k: sum(v[k] for v in groups.values()) for k in ("engineers", "headcount", "engineer_hours_per_week",
                                                              "cost_per_week")}
    return {**groups, "all": total}
