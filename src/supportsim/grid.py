"""Grids of scenario values: dotted key paths, their combinations, and the scenario each point stands for.

A grid maps key paths such as ``groups.L1.staff`` or ``policy.pickup_within`` to lists of values, written as
in a scenario file (``15m``, ``12``). A point is one value per path; it is applied to the data of every variant
the way a variant is applied to its base (:func:`supportsim.variants.deep_merge`): missing mappings are
created, and a new ``kind`` or ``dist`` replaces the old mapping whole. A path that some variants have and
others lack (a FIFO variant has no ``pickup_within``) changes only the variants that have it.

Shares must sum to 1, so setting ``segments.vip.share`` scales the shares of the other segments to fill the
rest, keeping their proportions among themselves (the same for ``priorities.<name>``).
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .consistency import consistency_problems
from .limits import MAX_SWEEP_POINTS
from .loader import ScenarioError
from .problems import pydantic_problems
from .scenario import Scenario
from .variants import deep_merge

FIXED_KEYS = {"name", "description", "variants", "baseline", "sweep", "checks", "replications"}
"""Scenario keys a grid cannot vary: they name or organise the experiment rather than describe the desk."""


def points(grid: Mapping[str, list]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the first path varying slowest (like nested loops)."""
    paths = list(grid)
    return [dict(zip(paths, values)) for values in itertools.product(*(grid[p] for p in paths))]


def path_problems(grid: Mapping[str, list], prefix: str = "grid.") -> list[tuple[str, str]]:
    """Problems with the paths themselves, before any value is tried."""
    problems = []
    for path in grid:
        parts = path.split(".")
        if any(not part for part in parts):
            problems.append((prefix + path, "is not a key path: write keys joined by dots, e.g. groups.L1.staff"))
        elif parts[0] in FIXED_KEYS:
            problems.append((prefix + path, f"{parts[0]!r} cannot be swept; sweep the values that describe the desk"))
        repeated = [v for i, v in enumerate(grid[path]) if v in grid[path][:i]]
        if repeated:
            problems.append((prefix + path, f"value {repeated[0]!r} is listed twice"))
    return problems


NAMED = {"segments": "segment", "groups": "group", "priorities": "priority", "calendars": "calendar"}
"""Collections of named things: a grid path must name one that exists (a typo would silently add one). Other
missing keys are allowed, since validation checks them: a field the schema defines (``groups.L1.policy``),
an escalation target (``groups.L1.escalate.L2``), targets for a segment (``sla.vip.reaction``), work by
segment or priority (``groups.L1.work.by_segment.vip``); see docs/sweeps.md."""


def missing_key_problems(grid: Mapping[str, list], variants: Mapping[str, dict],
                         prefix: str = "grid.") -> list[tuple[str, str]]:
    """Paths through a segment, group, priority or calendar that no variant declares."""
    problems = []
    for path in grid:
        parts = path.split(".")
        if len(parts) < 2 or parts[0] not in NAMED:
            continue
        declared = {name for data in variants.values() if isinstance(data.get(parts[0]), Mapping)
                    for name in data[parts[0]]}
        if parts[1] not in declared:
            kind = NAMED[parts[0]]
            close = difflib.get_close_matches(parts[1], sorted(declared), n=1, cutoff=0.5) or \
                [n for n in sorted(declared) if n.lower() == parts[1].lower()]
            known = ", ".join(sorted(declared)) or "none"
            hint = f"; did you mean {close[0]!r}?" if close else f"; {parts[0]} are {known}"
            problems.append((prefix + path, f"no {kind} {parts[1]!r}{hint} (a sweep varies what the scenario "
                                            f"declares; it cannot add a {kind})"))
    return problems


def grid_size_problems(grid: Mapping[str, list], prefix: str = "grid.") -> list[tuple[str, str]]:
    size = math.prod(len(values) for values in grid.values())
    if size > MAX_SWEEP_POINTS:
        return [(prefix.rstrip("."), f"has {size:,} points (every combination of the values), more than the limit "
                                     f"of {MAX_SWEEP_POINTS:,}; sweep fewer values at once (see docs/limits.md)")]
    return []


def _index(data: Any, part: str) -> int | None:
    """The list index ``part`` names in ``data`` (a list), or None when it names none."""
    if isinstance(data, list) and part.isdigit() and int(part) < len(data):
        return int(part)
    return None


def _has(data: Any, parts: list[str]) -> bool:
    for part in parts:
        if isinstance(data, list):
            index = _index(data, part)
            if index is None:
                return False
            data = data[index]
            continue
        if not isinstance(data, Mapping) or part not in data:
            return False
        data = data[part]
    return True


def _put(data: Any, parts: list[str], value: Any) -> Any:
    """``data`` with ``value`` set at ``parts``: through existing mappings and list entries (by index), then
    merged as a variant is (missing mappings created, a new kind or dist replacing the mapping whole)."""
    if isinstance(data, list):
        index = _index(data, parts[0])
        if index is None:  # list_index_problems has said why
            return data
        copy = list(data)
        copy[index] = value if len(parts) == 1 else _put(copy[index], parts[1:], value)
        return copy
    if isinstance(data, Mapping) and len(parts) > 1 and parts[0] in data and \
            isinstance(data[parts[0]], (Mapping, list)):
        return {**data, parts[0]: _put(data[parts[0]], parts[1:], value)}
    return deep_merge(data, _nested(parts, value))


def list_index_problems(grid: Mapping[str, list], variants: Mapping[str, dict],
                        prefix: str = "grid.") -> list[tuple[str, str]]:
    """Paths that go into a list (``groups.L1.staff.0.count``) with something other than an index it has."""
    problems: list[tuple[str, str]] = []
    for path in grid:
        parts = path.split(".")
        for variant in variants.values():
            data: Any = variant
            for i, part in enumerate(parts):
                if isinstance(data, list):
                    if _index(data, part) is None:
                        where = ".".join(parts[:i])
                        problems.append((prefix + path, f"{where} is a list of {len(data)}; {part!r} is not one of "
                                                        f"its indexes (0 to {len(data) - 1})"))
                        break
                    data = data[int(part)]
                elif isinstance(data, Mapping) and part in data:
                    data = data[part]
                else:
                    break
    return list(dict.fromkeys(problems))


def _nested(parts: list[str], value: Any) -> dict:
    for part in reversed(parts):
        value = {part: value}
    return value


def _rebalance(shares: dict[str, float], fixed: set[str]) -> dict[str, float]:
    """Scale the shares not in ``fixed`` so all sum to 1; unchanged when that cannot work (validation says why)."""
    set_total = sum(shares[k] for k in fixed)
    rest = {k: v for k, v in shares.items() if k not in fixed}
    rest_total = sum(rest.values())
    if not rest or rest_total <= 0 or not 0 < set_total < 1:
        return shares
    scale = (1 - set_total) / rest_total
    return {k: (v if k in fixed else v * scale) for k, v in shares.items()}


def _balance_shares(data: dict, params: Mapping[str, Any]) -> None:
    segments = data.get("segments")
    fixed = {p.split(".")[1] for p in params
             if len(p.split(".")) == 3 and p.startswith("segments.") and p.endswith(".share")}
    if fixed and isinstance(segments, dict):
        shares: dict[str, Any] = {k: s.get("share") for k, s in segments.items() if isinstance(s, dict)}
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in shares.values())
        if fixed <= set(shares) and numbers:
            for k, v in _rebalance(shares, fixed).items():
                segments[k] = {**segments[k], "share": v}
    priorities = data.get("priorities")
    fixed = {p.split(".")[1] for p in params if len(p.split(".")) == 2 and p.startswith("priorities.")}
    if fixed and isinstance(priorities, dict) and fixed <= set(priorities):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in priorities.values()):
            data["priorities"] = _rebalance(priorities, fixed)


def apply_point(variants: Mapping[str, dict], params: Mapping[str, Any]) -> dict[str, dict]:
    """The data of every variant with the point's values set (see the module docstring for the rules)."""
    out = {name: dict(data) for name, data in variants.items()}
    for path, value in params.items():
        parts = path.split(".")
        having = [name for name, data in out.items() if _has(data, parts)]
        for name in having or list(out):
            out[name] = _put(out[name], parts, value)
    for data in out.values():
        _balance_shares(data, params)
    return out


def validate_point(variants: Mapping[str, dict], params: Mapping[str, Any],
                   prefix: str = "grid.") -> tuple[dict[str, Scenario], list[tuple[str, str]]]:
    """Each variant of the point as a Scenario, or problems keyed by the grid path that caused them."""
    scenarios, problems = {}, []
    for name, data in apply_point(variants, params).items():
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            found = pydantic_problems(exc, data)
        else:
            found = consistency_problems(scenario)
            scenarios[name] = scenario
        problems += [_blame(params, path, message, prefix) for path, message in found]
    return scenarios, list(dict.fromkeys(problems))


def _blame(params: Mapping[str, Any], path: str, message: str, prefix: str) -> tuple[str, str]:
    """Name the grid path closest to the failing key (the base scenario is valid, so a point's values caused
    it); a problem no path comes near (say shares that no longer sum to 1) names the whole point."""
    def shared(param: str) -> int:
        return len(list(itertools.takewhile(lambda pair: pair[0] == pair[1], zip(param.split("."), path.split(".")))))

    best = max(params, key=shared)
    if shared(best):
        return prefix + best, f"{params[best]!r} gives {path}: {message}"
    where = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return prefix.rstrip("."), f"at {where}: {path or 'scenario'}: {message}"


def check_grid(grid: Mapping[str, list], variants: Mapping[str, dict], source: str, lines: Mapping[str, int] | None,
               prefix: str = "grid.") -> list[tuple[dict[str, Any], dict[str, Scenario]]]:
    """Every point with its variants' Scenarios; every problem of every point at once as a ScenarioError."""
    problems = (path_problems(grid, prefix) + missing_key_problems(grid, variants, prefix)
                + list_index_problems(grid, variants, prefix) + grid_size_problems(grid, prefix))
    if problems:
        raise ScenarioError(problems, source, lines)
    out = []
    for params in points(grid):
        scenarios, found = validate_point(variants, params, prefix)
        problems += [p for p in found if p not in problems]
        out.append((params, scenarios))
    if problems:
        raise ScenarioError(problems, source, lines)
    return out


def short_names(paths: list[str]) -> dict[str, str]:
    """Each swept key path by its shortest tail that no other path shares: ``groups.L1.staff`` -> ``staff``,
    ``groups.L1.staff.0.count`` -> ``staff.0.count`` (a tail never starts with a list index)."""
    names = {}
    for path in paths:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            tail = parts[-size:]
            if tail[0].isdigit() or (size < len(parts) and parts[-size - 1].isdigit()):
                continue  # a list index is named with its list: staff.0.count, not count
            name = ".".join(tail)
            if not any(other != path and ("." + other).endswith("." + name) for other in paths):
                break
        names[path] = name
    return names
