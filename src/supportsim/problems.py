"""Turning pydantic's validation errors into key paths and plain words.

pydantic reports a location such as ``('groups', 'L1', 'work', 'dist', 'lognormal', 'cv')`` and a message such
as "Field required". A person editing a scenario needs ``groups.L1.work.cv: is required for dist 'lognormal':
coefficient of variation ...``: the key path as it is in their file (without the union tags pydantic inserts),
the words of the domain, what was given, and for a typo the key they meant.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .scenario import Scenario
from .strategies import PolicyConfig, strategies

DISCRIMINATORS = ("dist", "kind")
"""Keys that choose a variant (a distribution, a policy); pydantic puts their values into error locations."""


def pydantic_problems(exc: ValidationError, data: Any) -> list[tuple[str, str]]:
    """(key path, message) for each of pydantic's errors about ``data``, without repeats."""
    errors = [(_clean_loc(error["loc"], data, error), error) for error in exc.errors(include_url=False)]
    # a typo such as 'stafff' also makes 'staff' missing; the suggestion already says it, once is enough
    suggested = set()
    for loc, error in errors:
        if error["type"] == "extra_forbidden" and loc:
            close = _suggestion(loc, data)
            if close:
                suggested.add(loc[:-1] + (close,))
    problems, seen = [], set()
    for loc, error in errors:
        if error["type"] == "missing" and loc in suggested:
            continue
        problem = (".".join(str(p) for p in loc), _message(error, loc, data))
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)
    return problems


def _clean_loc(loc: tuple, data: Any, error: Mapping | None = None) -> tuple:
    """The key path in the data that pydantic's location stands for.

    pydantic inserts union tags into locations (``work.dist.lognormal.cv`` for the key ``work.cv``; the tag
    'dist' even looks like a key of the data). Of the paths through the data that follow the location, take
    the one holding the value pydantic complains about (for a missing key: its parent mapping); failing that,
    the longest one that ends at the reported key.
    """
    parts = [p for p in loc if p != "[key]"]
    last = len(parts) - 1
    candidates: list[tuple[tuple, Any, bool]] = []  # (path, value there or parent, last key added unmatched)

    def walk(i: int, node: Any, kept: tuple) -> None:
        if i > last:
            candidates.append((kept, node, False))
            return
        walk(i + 1, node, kept)  # this part is a union tag, not a key
        child = _child(node, parts[i])
        if child is not _NOTHING:
            walk(i + 1, child, kept + (parts[i],))
        elif i == last and isinstance(node, Mapping):
            candidates.append((kept + (parts[i],), node, True))

    walk(0, data, ())
    if error is not None and "input" in error:
        given, missing = error["input"], error["type"] == "missing"
        for same in (_identical, _equal):
            holding = [c for c in candidates if c[2] == missing and same(c[1], given)]
            if holding:
                path, node, _ = max(holding, key=lambda c: len(c[0]))
                discriminator = str(error.get("ctx", {}).get("discriminator", "")).strip("'")
                if error["type"] == "union_tag_invalid" and isinstance(node, Mapping) and discriminator in node:
                    path += (discriminator,)
                return path
    def ends(c: tuple[tuple, Any, bool]) -> bool:
        return bool(c[0]) and bool(parts) and c[0][-1] == parts[-1]

    return max(candidates, key=lambda c: (len(c[0]), ends(c)))[0] if candidates else ()


def _identical(a: Any, b: Any) -> bool:
    return a is b


def _equal(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


_NOTHING = object()


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, Mapping) and part in node:
        return node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _NOTHING


def _data_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = _child(data, part)
        if data is _NOTHING:
            return None
    return data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


MAPPING_HINTS = {
    "work": "a distribution such as {{dist: exponential, mean: 1h}}",
    "policy": "a policy name ({policies}) or a mapping such as {{kind: priority}}",
}


def _message(error: Mapping[str, Any], loc: tuple, data: Any) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    written = _data_at(data, loc) if loc and kind != "missing" else None  # as in the file ('0h', not 0.0)
    got = _short(error.get("input") if written is None else written)
    if kind == "extra_forbidden":
        return _unknown_key_message(loc, data)
    if kind == "missing":
        fields, chosen = _fields_at(loc[:-1], data)
        info = fields.get(str(loc[-1])) if loc else None
        what = f" for {chosen}" if chosen else ""
        text = info.description if info else None
        about = f": {text[0].lower()}{text[1:].rstrip('.')}" if text else ""
        return f"is required{what}{about}"
    if kind == "union_tag_invalid":
        discriminator = ctx.get("discriminator", "kind").strip("'")
        expected = sorted(tag.strip().strip("'") for tag in str(ctx.get("expected_tags", "")).split(","))
        return f"unknown {discriminator} {ctx.get('tag')!r}; expected one of {', '.join(expected)}"
    if kind == "union_tag_not_found":
        discriminator = ctx.get("discriminator", "kind").strip("'")
        return f"needs a {discriminator!r} key saying which one, e.g. {discriminator}: {_first_tag(discriminator)}"
    if kind == "string_pattern_mismatch":
        if error["loc"] and error["loc"][-1] == "[key]":  # a name used as a key: the data at loc is its value
            return f"names use only letters, digits, '-' and '_', got {_short(error.get('input'))}"
        return f"use only letters, digits, '-' and '_', got {got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        hint = MAPPING_HINTS.get(str(loc[-1]) if loc else "", "a mapping of keys (key: value)")
        return f"must be {hint.format(policies=', '.join(_policy_names()))}, got {got}"
    if kind == "string_type" and error["loc"][-1:] == ("[key]",):
        return f"names must be text, got {got}; put it in quotes"
    plain = {
        "greater_than": f"must be > {_number(ctx.get('gt'))}",
        "greater_than_equal": f"must be >= {_number(ctx.get('ge'))}",
        "less_than": f"must be < {_number(ctx.get('lt'))}",
        "less_than_equal": f"must be <= {_number(ctx.get('le'))}",
        "int_type": "must be a whole number", "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number", "float_parsing": "must be a number",
        "bool_type": "must be true or false", "bool_parsing": "must be true or false",
        "string_type": "must be text", "list_type": "must be a list",
        "too_long": f"has at most {ctx.get('max_length')} entries",
        "finite_number": "must be a finite number",
        "too_short": f"needs at least {ctx.get('min_length', 1)} entr{'y' if ctx.get('min_length', 1) == 1 else 'ies'}",
    }
    if kind in plain:
        return f"{plain[kind]}, got {got}"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
            break
    else:  # a pydantic phrase we have no words for yet: still say what was given
        message = f"{message}, got {got}"
    return message[0].lower() + message[1:]


def _unknown_key_message(loc: tuple, data: Any) -> str:
    fields, chosen = _fields_at(loc[:-1], data)
    close = _suggestion(loc, data)
    if close:
        return f"unknown key; did you mean {close!r}?"
    known = ", ".join(sorted(fields))
    if chosen:
        return f"unknown key for {chosen}; known keys: {known}"
    return f"unknown key; known keys: {known}" if known else "unknown key"


def _suggestion(loc: tuple, data: Any) -> str | None:
    fields, _ = _fields_at(loc[:-1], data)
    close = difflib.get_close_matches(str(loc[-1]), list(fields), n=1, cutoff=0.6)
    return close[0] if close else None


def _fields_at(loc: tuple, data: Any) -> tuple[dict[str, Any], str]:
    """The fields allowed at this location of a Scenario, and which variant chose them ('dist 'lognormal'').

    For a union (distributions, policies) the variant named in the data decides, else any member's fields.
    """
    node: Any = Scenario
    for part in loc:
        if isinstance(part, int) or str(part).isdigit():  # an item of a list, e.g. groups.L1.staff.0
            items = [get_args(t)[0] for t in _members(node) if get_origin(t) is list]
            if not items:
                return {}, ""
            node = items[0]
            continue
        models = _models(node)
        if models:
            found = [m.model_fields[str(part)] for m in models if str(part) in m.model_fields]
            if not found:
                return {}, ""
            node = found[0].annotation
        elif get_origin(_strip(node)) is dict:
            node = get_args(_strip(node))[1]
        elif get_origin(_strip(node)) is list:
            node = get_args(_strip(node))[0]
        else:
            return {}, ""
    models, chosen = _models(node), ""
    here = _data_at(data, loc)
    if isinstance(here, Mapping) and len(models) > 1:
        named = [key for key in DISCRIMINATORS if key in here]
        if named:
            key = named[0]
            picked = [m for m in models if key in m.model_fields and m.model_fields[key].default == here[key]]
            if picked:
                models, chosen = picked, f"{key} {here[key]!r}"
        else:  # no variant named: the member that needs no discriminator (work: {default: ...})
            plain = [m for m in models if not any(key in m.model_fields for key in DISCRIMINATORS)]
            models = plain or models
    fields: dict[str, Any] = {}
    for model in models:
        for name, info in model.model_fields.items():
            fields.setdefault(name, info)
    return fields, chosen


def _first_tag(discriminator: str) -> str:
    return "fifo" if discriminator == "kind" else "exponential"  # the plainest example, not the first in order


def _policy_names() -> list[str]:
    return sorted(strategies())  # the same order as "unknown kind ...; expected one of ..."


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
    if t is PolicyConfig:  # a policy: the settings of whichever strategy is registered, plugins included
        return [cls.Config for cls in strategies().values()]
    if isinstance(t, type) and issubclass(t, BaseModel):
        return [t]
    if get_origin(t) in (Union, types.UnionType):
        return [m for arg in get_args(t) for m in _models(arg)]
    return []
