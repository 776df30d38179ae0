"""``--vary KEY=-10%,+10%``: the scenario with one input scaled, to re-solve the staffing and see the answer move.

``KEY`` is a dotted key path into the scenario (``groups.L1.work.mean``, ``arrivals.rate``); its value, a number,
a duration (``1h``) or a rate (``10/h``), is multiplied by 1 + each percentage.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .units import format_rate, parse_duration, parse_rate


def parse_vary(spec: str) -> tuple[str, list[float]]:
    """``'groups.L1.work.mean=-10%,+10%'`` -> ('groups.L1.work.mean', [-0.1, 0.1]); ValueError saying what is wrong."""
    key, sep, values = spec.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise ValueError(f"--vary {spec!r}: write KEY=-10%,+10%, e.g. groups.L1.work.mean=-10%,+10%")
    changes = []
    for text in values.split(","):
        match = re.fullmatch(r"\s*([+-]?[0-9]+(\.[0-9]*)?)\s*%\s*", text)
        if not match:
            raise ValueError(f"--vary {spec!r}: {text.strip()!r} is not a change such as -10% or +10%")
        change = float(match.group(1)) / 100
        if change <= -1:
            raise ValueError(f"--vary {spec!r}: {text.strip()} would leave nothing (changes must be above -100%)")
        changes.append(change)
    return key.strip(), changes


def scaled(value: Any, factor: float, where: str) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"--vary {where}: {value!r} is not a number, duration or rate")
    if isinstance(value, (int, float)):
        return value * factor
    if isinstance(value, str) and "/" in value:
        return format_rate(parse_rate(value) * factor)
    try:
        return f"{parse_duration(value) * factor!r}h"
    except ValueError:
        raise ValueError(f"--vary {where}: {value!r} is not a number, duration or rate") from None


def varied(data: dict[str, Any], key: str, change: float) -> dict[str, Any]:
    """A copy of the scenario's data with the value at ``key`` (in the base and in every variant that sets it)
    multiplied by 1 + change."""
    out = copy.deepcopy(data)
    found = False
    for root in [out, *(out.get("variants") or {}).values()]:
        node: Any = root
        *parents, last = key.split(".")
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and last in node:
            node[last] = scaled(node[last], 1 + change, key)
            found = True
    if not found:
        raise ValueError(f"--vary {key}: no such key in the scenario (write a dotted key path that the file sets, "
                         "e.g. groups.L1.work.mean)")
    return out
