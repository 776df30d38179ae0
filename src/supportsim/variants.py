"""Variants: named alternatives of one scenario, run on the same tickets so they can be compared.

A variant is the base scenario with some keys replaced. Mappings merge key by key, so
``{groups: {L1: {staff: 12}}}`` changes one number; a mapping that names a different ``kind`` (policy) or
``dist`` (work distribution) replaces the old one whole, since the old keys would not fit the new kind.
"""

from __future__ import annotations

from typing import Any, Mapping

from .scenario import Scenario

BASE = "base"


def deep_merge(base: Any, override: Any) -> Any:
    if not (isinstance(base, Mapping) and isinstance(override, Mapping)):
        return override
    for tag in ("kind", "dist"):
        if tag in override and override[tag] != base.get(tag):
            return dict(override)
    merged = dict(base)
    for key, value in override.items():
        merged[key] = deep_merge(base[key], value) if key in base else value
    return merged


def variant_data(scenario: Scenario) -> dict[str, dict]:
    """Plain data of each variant (just ``base`` when the scenario defines none)."""
    data = scenario.model_dump(mode="json", exclude_none=True, exclude={"variants", "baseline", "sweep", "checks"})
    if not scenario.variants:
        return {BASE: data}
    return {name: deep_merge(data, override) for name, override in scenario.variants.items()}


def baseline_name(scenario: Scenario) -> str:
    if not scenario.variants:
        return BASE
    return scenario.baseline or next(iter(scenario.variants))
