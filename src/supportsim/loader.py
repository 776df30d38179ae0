"""Reading scenario files: YAML with line numbers, and errors people can act on.

Every problem becomes one line ``FILE:LINE: key.path: what is wrong``. The line comes from the YAML node of
the key (or of its nearest parent that exists); unknown keys suggest the closest known one.
"""

from __future__ import annotations

import difflib
import types
from pathlib import Path
from typing import Annotated, Any, Mapping, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from .scenario import Scenario, consistency_problems
from .trace import trace_problems
from .variants import variant_data


class ScenarioError(ValueError):
    """Bad input. ``problems`` is a list of (key path, message); ``str()`` gives the one-line-each form."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "<scenario>", lines: Mapping[str, int] | None = None):
        self.problems = problems
        self.source = source
        self.lines = dict(lines or {})
        super().__init__("\n".join(self.messages()))

    def messages(self) -> list[str]:
        out = []
        for path, message in self.problems:
            line = _line_for(path, self.lines)
            where = f"{self.source}:{line}" if line else self.source
            out.append(f"{where}: {path}: {message}" if path else f"{where}: {message}")
        return out


def _line_for(path: str, lines: Mapping[str, int]) -> int | None:
    parts = path.split(".") if path else []
    while parts:
        key = ".".join(parts)
        if key in lines:
            return lines[key]
        parts.pop()
    return lines.get("")


class _LineLoader(yaml.SafeLoader):
    """Safe loader that also remembers the line of every mapping key (by dotted path)."""


def _read_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    try:
        node = yaml.compose(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([("", f"invalid YAML: {problem}")], source + line) from None
    if node is None:
        raise ScenarioError([("", "the file is empty")], source)
    lines: dict[str, int] = {"": node.start_mark.line + 1}

    def walk(n: yaml.Node, prefix: str) -> None:
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
                lines[key] = key_node.start_mark.line + 1
                walk(value_node, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = f"{prefix}.{i}" if prefix else str(i)
                lines[key] = item.start_mark.line + 1
                walk(item, key)

    walk(node, "")
    data = _LineLoader(text)
    try:
        value = data.construct_document(node)
    except yaml.YAMLError as exc:
        raise ScenarioError([("", f"invalid YAML: {exc}")], source) from None
    finally:
        data.dispose()
    return value, lines


def read_scenario_data(path: str | Path) -> tuple[dict, dict[str, int], str]:
    """Read a scenario file into plain data and the line of each key. Raises ScenarioError."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([("", "no such file")], source) from None
    except IsADirectoryError:
        raise ScenarioError([("", "is a folder, not a scenario file")], source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([("", f"cannot read: {exc}")], source) from None
    data, lines = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError([("", "a scenario must be a mapping of keys (name:, groups:, ...)")], source, lines)
    _resolve_trace_paths(data, Path(path).parent)
    return data, lines, source


def _resolve_trace_paths(data: dict, folder: Path) -> None:
    """A trace file named in a scenario is relative to the scenario file, not to where the command runs."""
    holders = [data] + [v for v in (data.get("variants") or {}).values() if isinstance(v, dict)]
    for holder in holders:
        arrivals = holder.get("arrivals")
        if isinstance(arrivals, dict) and isinstance(arrivals.get("trace"), str):
            arrivals["trace"] = str((folder / arrivals["trace"]).resolve())


def validate_data(data: Mapping, source: str = "<scenario>", lines: Mapping[str, int] | None = None) -> Scenario:
    """Validate plain data into a Scenario, with every problem reported at once."""
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(_pydantic_problems(exc, data), source, lines) from None
    problems = consistency_problems(scenario)
    if problems:
        raise ScenarioError(problems, source, lines)
    expand_variants(scenario, source, lines)  # a variant that does not validate is bad input too
    return scenario


def expand_variants(scenario: Scenario, source: str = "<scenario>", lines: Mapping[str, int] | None = None) -> dict[str, Scenario]:
    """Each variant as a validated Scenario of its own; problems name the path under ``variants.<name>``."""
    out, problems = {}, []
    for name, data in variant_data(scenario).items():
        prefix = f"variants.{name}." if scenario.variants else ""
        try:
            variant = Scenario.model_validate(data)
        except ValidationError as exc:
            problems += [(prefix + path, message) for path, message in _pydantic_problems(exc, data)]
            continue
        found = consistency_problems(variant)
        if not found:
            found = trace_problems(variant)
        problems += [(prefix + path, message) for path, message in found]
        out[name] = variant
    if problems:
        raise ScenarioError(problems, source, lines)
    return out


def load_scenario(path_or_data: str | Path | Mapping) -> Scenario:
    """Load and check a scenario from a YAML file path or a dict. Raises :class:`ScenarioError`."""
    if isinstance(path_or_data, Mapping):
        return validate_data(path_or_data)
    data, lines, source = read_scenario_data(path_or_data)
    return validate_data(data, source, lines)


# ---- turning pydantic's errors into key paths and plain words ---------------------------------------------

def _pydantic_problems(exc: ValidationError, data: Any) -> list[tuple[str, str]]:
    problems = []
    seen = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"], data)
        path = ".".join(str(p) for p in loc)
        message = _message(error, loc)
        if (path, message) not in seen:
            seen.add((path, message))
            problems.append((path, message))
    return problems


def _clean_loc(loc: tuple, data: Any) -> tuple:
    """Keep the parts of pydantic's location that are keys in the data (or the missing/unknown last key);
    drop union tags such as 'lognormal' or 'function-before[...]' that pydantic inserts."""
    out = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, Mapping) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif last and isinstance(node, Mapping):
            out.append(part)
    return tuple(out)


def _message(error: dict, loc: tuple) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        known = _known_keys(loc[:-1])
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else (f"; known keys: {', '.join(known)}" if known else "")
        return f"unknown key{hint}"
    if kind == "missing":
        return "is required"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return f"unknown {ctx.get('discriminator', 'kind').strip(chr(39))} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        ctx = error.get("ctx", {})
        return f"needs a {ctx.get('discriminator', 'kind').strip(chr(39))!r} key"
    if kind == "string_pattern_mismatch":
        return f"use only letters, digits, '-' and '_', got {error.get('input')!r}"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "int_type", "int_parsing",
                "float_type", "float_parsing", "bool_type", "bool_parsing", "dict_type", "too_short", "string_type"}:
        message = f"{message[0].lower()}{message[1:]}, got {error.get('input')!r}"
    return message


def _known_keys(loc: tuple) -> list[str]:
    """Keys allowed at this location of a Scenario (for 'did you mean'); for a union, any member's keys."""
    node: Any = Scenario
    for part in loc:
        if str(part).isdigit():  # an item of a list, e.g. groups.L1.staff.0
            items = [get_args(t)[0] for t in _members(node) if get_origin(t) is list]
            if not items:
                return []
            node = items[0]
            continue
        models = _models(node)
        if models:
            fields = [m.model_fields[str(part)] for m in models if str(part) in m.model_fields]
            if not fields:
                return []
            node = fields[0].annotation
        elif get_origin(_strip(node)) is dict:
            node = get_args(_strip(node))[1]
        else:
            return []
    return sorted({name for m in _models(node) for name in m.model_fields})


def _strip(t: Any) -> Any:
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    return t


def _members(t: Any) -> list[Any]:
    """The types a type stands for, through Annotated and unions."""
    t = _strip(t)
    if get_origin(t) in (Union, types.UnionType):
        return [m for arg in get_args(t) for m in _members(arg)]
    return [t]


def _models(t: Any) -> list[type[BaseModel]]:
    """The pydantic models a type stands for, through Annotated, Optional and unions."""
    t = _strip(t)
    if isinstance(t, type) and issubclass(t, BaseModel):
        return [t]
    if get_origin(t) in (Union, types.UnionType):
        return [m for arg in get_args(t) for m in _models(arg)]
    return []
