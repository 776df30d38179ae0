"""Variants: named alternatives of one scenario, run on the same tickets so they can be compared.

A variant is the base scenario with some keys replaced. Mappings merge key by key, so
``{groups: {L1: {staff: 12}}}`` changes one number; a mapping that names a different ``kind`` (policy) or
``dist`` (work distribution) replaces the old one whole, since the old keys would not fit the new kind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

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


def policy_variants(spec: str) -> dict[str, dict]:
    """Variants that differ only in policy, from a compact list as typed on a command line.

    ``"fifo,priority,vip_lane:pickup_within=30m,dedicated:engineers.L1=2"``: items are separated by commas,
    an item is a policy kind optionally followed by ``:key=value`` settings (dotted keys for nested ones,
    values read as YAML scalars); keys left out keep the kind's defaults. Returns {variant name: policy}.
    Raises ValueError for an item that cannot be read.
    """
    out: dict[str, dict] = {}
    items = [item.strip() for item in spec.split(",")]
    if not any(items):
        raise ValueError("give at least one policy, e.g. --policy fifo,priority,vip_lane")
    for item in items:
        kind, *settings = item.split(":")
        if not re.fullmatch(r"[a-z_]+", kind):
            raise ValueError(f"{item!r}: start with a policy kind such as vip_lane")
        policy: dict[str, Any] = {"kind": kind}
        for setting in settings:
            key, sep, text = setting.partition("=")
            if not sep or not key:
                raise ValueError(f"{item!r}: write settings as kind:key=value, e.g. vip_lane:pickup_within=30m")
            node = policy
            *parents, last = key.split(".")
            if key == "kind":
                raise ValueError(f"{item!r}: the kind is what the item starts with; "
                                 f"write {text}:... as an item of its own")
            if not all(key.split(".")):
                raise ValueError(f"{item!r}: {key!r} is not a key path; write keys joined by dots, e.g. engineers.L1")
            for part in parents:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ValueError(f"{item!r}: {key!r} sets a key inside {part!r}, which already has a value")
            node[last] = _setting_value(text, item)
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", "-".join([kind, *(s.partition("=")[2] for s in settings)]))
        if name in out:
            name = re.sub(r"[^A-Za-z0-9_-]+", "_", item)
        if name in out:
            raise ValueError(f"{item!r} is listed twice")
        out[name] = policy
    return out


def _setting_value(text: str, item: str) -> Any:
    """A --policy setting's value, read as a YAML 1.2 scalar like the same value in a scenario file."""
    from .safe_yaml import ScenarioLoader

    try:
        value = yaml.load(text, Loader=ScenarioLoader)
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        raise ValueError(f"{item!r}: cannot read the value {text!r} ({problem})") from None
    if isinstance(value, (dict, list)):
        raise ValueError(f"{item!r}: the value {text!r} must be one value (a number, a duration such as 30m, text)")
    return value


def with_policy_variants(scenario: Scenario, policies: Mapping[str, dict]) -> dict:
    """Plain data of the scenario with its own variants replaced by one per policy; the first is the baseline."""
    data = scenario.model_dump(mode="json", exclude_none=True, exclude={"variants", "baseline"})
    data["variants"] = {name: {"policy": policy} for name, policy in policies.items()}
    data["baseline"] = next(iter(policies))
    return data
