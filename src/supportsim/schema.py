"""JSON Schemas of the scenario and sweep files, for editors (completion, hover text, typos flagged as you type).

The scenario model is the source: pydantic writes most of the schema, and this module corrects what pydantic
cannot know from the types alone. Durations and rates are strings with a unit in files (``30m``, ``9/h``),
though they are floats of hours inside; a policy is a strategy's name or a mapping with its ``kind``; one
mapping may stand for a list of one. The policy part is assembled from the strategy registry each time it is
asked for, so strategies registered by plugins appear with their settings. ``supportsim schema`` prints it;
the repository keeps ``schema/scenario.schema.json`` (built-in strategies only) for its own files.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from . import strategies
from .service_targets import WITHIN_SCHEMA, target_shorthand
from .special_days import DATES_SCHEMA, holiday_shorthand
from .units import (
    HOURS_PER_UNIT,
    format_duration,
    format_rate,
    parse_duration,
    parse_rate,
)
from .working_time import MAX_COUNT, listed

DRAFT = "http://json-schema.org/draft-07/schema#"
"""Draft 7: what the YAML language server (VS Code's YAML extension and others) supports in full."""
REGENERATE = {"scenario": "supportsim schema --builtin --out schema/scenario.schema.json",
              "sweep": "supportsim schema sweep --out schema/sweep.schema.json"}
"""The commands that write the committed schema files (the test that keeps them fresh names them)."""

_UNITS = "|".join("".join(f"[{c}{c.upper()}]" for c in unit)  # the loader reads '30M' as '30m'
                  for unit in sorted(HOURS_PER_UNIT, key=len, reverse=True))
_NUMBER = r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
DURATION = {"type": "string", "pattern": rf"^\s*{_NUMBER}\s*({_UNITS})\s*$",
            "description": "A duration: a number and a unit (s, m or min, h, d, w), e.g. '30m', '8h', '3d'."}
RATE = {"type": "string", "pattern": rf"^\s*{_NUMBER}\s*/\s*({_UNITS})\s*$",
        "description": "A rate: tickets per unit of time, e.g. '9/h' or '40/d'."}
# Not part of any model: scenario keys a variant may not replace (see consistency.consistency_problems)
_FIXED_IN_VARIANTS = ("name", "variants", "baseline", "sweep", "checks")


class _Generator(GenerateJsonSchema):
    """pydantic's generator, told how the file spells what the model holds as floats and lists."""

    def function_before_schema(self, schema: Any) -> JsonSchemaValue:
        function = schema["function"]["function"]
        if function is parse_duration:
            return dict(DURATION)
        if function is parse_rate:
            return dict(RATE)
        inner = super().function_before_schema(schema)
        if function is target_shorthand:  # a target, or a bare duration for {within: ...}
            return {"anyOf": [inner, dict(WITHIN_SCHEMA)]}
        if function is holiday_shorthand:  # a holiday, or a bare date or range for {dates: ...}
            return {"anyOf": [inner, dict(DATES_SCHEMA)]}
        if function is listed:  # one mapping, or a list of them
            return {"anyOf": [inner, inner["items"]]} if inner.get("type") == "array" else inner
        if getattr(function, "__name__", "") == "_whole_number":
            return {"type": "integer", "minimum": 1, "maximum": MAX_COUNT}
        if inner.get("format") == "date-time":  # YAML writes 2027-01-04T00:00; strict RFC 3339 would refuse it
            return {"type": "string", "description": "A date and time, e.g. 2027-01-04T00:00."}
        return inner

    def default_schema(self, schema: Any) -> JsonSchemaValue:
        out = super().default_schema(schema)
        default = out.get("default")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if out.get("pattern") == DURATION["pattern"]:
                out["default"] = format_duration(default)
            elif out.get("pattern") == RATE["pattern"]:
                out["default"] = format_rate(default)
        return out


def _model_schema(model: Any) -> dict:
    schema = model.model_json_schema(mode="validation", schema_generator=_Generator,
                                     ref_template="#/definitions/{model}")
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return schema


def _explained(text: str, unit: dict) -> str:
    """A field's description with its unit said after it."""
    return f"{text.rstrip('.')}. {unit['description']}" if text else unit["description"]


def _walk(node: Any, visit: Callable[[dict], None]) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _finish(schema: dict) -> dict:
    """Units into descriptions, pydantic's generated titles out (they only repeat the key), and no definitions
    that nothing refers to. In draft 7 a $ref hides its siblings, so a described reference becomes allOf."""
    def tidy(node: dict) -> None:
        for unit in (DURATION, RATE):
            for choice in [node] + node.get("anyOf", []):
                if choice.get("pattern") == unit["pattern"] and node.get("description") != unit["description"]:
                    node["description"] = _explained(node.get("description", ""), unit)
                    if choice is not node:
                        choice.pop("description", None)
                for bound in ("gt", "ge", "lt", "le"):  # pydantic's leftovers of the float's bounds
                    choice.pop(bound, None)
        for key, field in node.get("properties", {}).items():
            if "const" in field:  # the key that says which model this is (dist, kind): required, and described
                field.pop("default", None)
                field.setdefault("description", node.get("description") or f"This {key} is {field['const']!r}.")
                node["required"] = [key] + [k for k in node.get("required", []) if k != key]
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False  # a name the pattern refuses is an error, not a free key
        if isinstance(node.get("title"), str) and "properties" not in node:
            node.pop("title")
        node.pop("discriminator", None)  # OpenAPI's, not JSON Schema's
        if "$ref" in node and len(node) > 1:
            node["allOf"] = [{"$ref": node.pop("$ref")}]

    _walk(schema, tidy)
    defs = schema.get("definitions", {})
    used: set[str] = set()
    todo = [schema]

    def follow(node: dict) -> None:
        name = node["$ref"].rsplit("/", 1)[1] if isinstance(node.get("$ref"), str) else ""
        if name in defs and name not in used:
            used.add(name)
            todo.append(defs[name])

    while todo:
        _walk({k: v for k, v in todo.pop().items() if k != "definitions"}, follow)
    if defs:
        schema["definitions"] = {name: defs[name] for name in sorted(used)}
    return schema


def _about(strategy: type) -> str:
    """The first paragraph of a strategy's documentation (its module's, where the class has none of its own)."""
    doc = inspect.cleandoc(strategy.__doc__ or "") or inspect.getdoc(sys.modules.get(strategy.__module__)) or ""
    return " ".join(doc.split("\n\n")[0].split())


def policy_schema(registry: Mapping[str, Any]) -> tuple[dict, dict]:
    """(schema of a ``policy`` value, its definitions): a strategy's name alone, or a mapping with its ``kind`` and
    its settings, for every strategy in ``registry``."""
    defs: dict[str, Any] = {}
    choices = []
    for kind, strategy in sorted(registry.items()):
        config = _model_schema(strategy.Config)
        defs.update(config.pop("definitions", {}))
        config["properties"]["kind"] = {"const": kind}
        config["title"] = f"policy {kind}"
        config["description"] = _about(strategy)
        defs[f"policy.{kind}"] = config
        choices.append({"$ref": f"#/definitions/policy.{kind}"})
    kinds = sorted(registry)
    defs["policy"] = {
        "description": "A queue strategy: its name alone (default settings) or a mapping with its kind and "
                       f"settings. Strategies: {', '.join(kinds)}.",
        "anyOf": [{"type": "string", "enum": kinds}, {"oneOf": choices}],
    }
    return {"$ref": "#/definitions/policy"}, defs


def _with_policies(schema: dict, registry: Mapping[str, Any]) -> dict:
    """Every ``policy`` key of every mapping in the schema takes its value from ``registry``."""
    reference, defs = policy_schema(registry)
    holders = [schema] + list(schema.get("definitions", {}).values())
    for holder in holders:
        field = holder.get("properties", {}).get("policy")
        if field is None:
            continue
        nullable = any(choice.get("type") == "null" for choice in field.get("anyOf", []))
        replaced = {"anyOf": [reference, {"type": "null"}]} if nullable else dict(reference)
        replaced["description"] = field.get("description", "")
        if "default" in field or holder is schema:
            replaced["default"] = field.get("default", "fifo")
        holder["properties"]["policy"] = replaced
    schema.setdefault("definitions", {}).update(defs)
    return schema


def builtin_strategies() -> dict[str, type]:
    """The strategies that come with supportsim (no plugin's)."""
    return {kind: cls for kind, cls in strategies.REGISTRY.items() if cls.__module__.startswith("supportsim.")}


def scenario_schema(registry: Mapping[str, Any] | None = None) -> dict:
    """The JSON Schema of a scenario file, with the policies of ``registry`` (default: every strategy
    registered now, plugins' included)."""
    from .scenario import Scenario

    registry = strategies.strategies() if registry is None else registry  # installed plugins loaded
    schema = _with_policies(_model_schema(Scenario), registry)
    keys = sorted(key for key in schema["properties"] if key not in _FIXED_IN_VARIANTS)
    variants = schema["properties"]["variants"]
    for pattern in variants["patternProperties"]:
        variants["patternProperties"][pattern] = {
            "type": "object", "propertyNames": {"enum": keys},
            "description": "Keys of the scenario to replace in this variant (merged into the base scenario)."}
    return _finish({"$schema": DRAFT, **schema, "title": "supportsim scenario"})


def sweep_schema() -> dict:
    """The JSON Schema of a sweep file (a scenario file's name and a grid, see docs/sweeps.md)."""
    from .plan import SweepFile

    schema = _model_schema(SweepFile)
    schema["properties"]["scenario"]["description"] = "The scenario file to sweep, relative to this file."
    return _finish({"$schema": DRAFT, **schema, "title": "supportsim sweep file"})


def schema_text(which: str = "scenario", builtin: bool = False) -> str:
    """The schema as written to files and printed: indented JSON, one trailing newline."""
    schema = sweep_schema() if which == "sweep" else scenario_schema(builtin_strategies() if builtin else None)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
