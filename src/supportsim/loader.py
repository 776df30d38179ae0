"""Reading scenario files: YAML with line numbers, and errors people can act on.

Every problem becomes one line ``FILE:LINE: key.path: what is wrong``. The line comes from the YAML node of
the key (or of its nearest parent that exists); :mod:`supportsim.problems` puts pydantic's errors in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .consistency import consistency_problems
from .problems import pydantic_problems
from .scenario import Scenario
from .trace import trace_problems
from .variants import variant_data


class ScenarioError(ValueError):
    """Bad input. ``problems`` is a list of (key path, message); ``str()`` gives the one-line-each form."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "<scenario>",
                 lines: Mapping[str, int] | None = None):
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
        raise _yaml_error(exc, source) from None
    if node is None:
        raise ScenarioError([("", "the file is empty")], source)
    lines: dict[str, int] = {"": node.start_mark.line + 1}
    problems: list[tuple[str, str]] = []
    seen: set[int] = set()

    def walk(n: yaml.Node, prefix: str) -> None:
        if id(n) in seen:  # an alias: walked where its anchor is (and aliases cannot make us loop)
            return
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            first_line: dict[str, int] = {}
            for key_node, value_node in n.value:
                name = str(key_node.value)
                key = f"{prefix}.{name}" if prefix else name
                line = key_node.start_mark.line + 1
                if name in first_line and name != "<<":
                    problems.append((key, f"appears twice (also on line {first_line[name]}); "
                                          "YAML would silently keep only the last one"))
                first_line.setdefault(name, line)
                lines.setdefault(key, line)
                walk(value_node, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = f"{prefix}.{i}" if prefix else str(i)
                lines.setdefault(key, item.start_mark.line + 1)
                walk(item, key)

    walk(node, "")
    if problems:
        raise ScenarioError(problems, source, {**lines, **{path: _line_of_second(path, node) for path, _ in problems}})
    data = _LineLoader(text)
    try:
        value = data.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    finally:
        data.dispose()
    return value, lines


def _line_of_second(path: str, root: yaml.Node) -> int:
    """Line of the second occurrence of a duplicated key (the one that would silently win)."""
    node, parts = root, path.split(".")
    for part in parts[:-1]:
        node = next(v for k, v in node.value if str(k.value) == part)
    return [k.start_mark.line + 1 for k, _ in node.value if str(k.value) == parts[-1]][1]


YAML_WORDS = [  # PyYAML's parser words -> what a person can act on
    ("expected <block end>", "the indentation does not line up with the lines above"),
    ("mapping values are not allowed here", "unexpected ':' (a value containing ': ' needs quotes, "
                                            "or the indentation is off)"),
    ("that cannot start any token", "a tab or stray character; indent with spaces"),
    ("found undefined alias", "uses an alias (*name) that was never defined with &name"),
    ("could not determine a constructor for the tag", "unsupported tag (only plain YAML is allowed)"),
    ("found another document", "more than one document ('---'); a scenario file holds one"),
]


def _yaml_error(exc: yaml.YAMLError, source: str) -> ScenarioError:
    """One line for a YAML syntax error, at the line where the mistake most likely is."""
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc).splitlines()[0].strip()
    context = str(getattr(exc, "context", None) or "")
    context_mark = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    words = next((plain for fragment, plain in YAML_WORDS if fragment in problem), None)
    if (context.startswith("while parsing a flow") and context_mark is not None and mark is not None
            and context_mark.line != mark.line):
        opener = "{" if "mapping" in context else "["
        closer = "}" if opener == "{" else "]"
        message = f"'{opener}' opened here is not closed with '{closer}' before line {line} ({problem})"
        line = context_mark.line + 1
    elif words:
        message = f"{words} ({problem})"
    else:
        message = f"{context}, {problem}" if context and not context.startswith("while") else problem
    return ScenarioError([("", f"invalid YAML: {message}")], f"{source}:{line}" if line else source)


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
        raise ScenarioError(pydantic_problems(exc, data), source, lines) from None
    problems = consistency_problems(scenario)
    if problems:
        raise ScenarioError(problems, source, lines)
    expand_variants(scenario, source, lines)  # a variant that does not validate is bad input too
    return scenario


def expand_variants(scenario: Scenario, source: str = "<scenario>",
                    lines: Mapping[str, int] | None = None) -> dict[str, Scenario]:
    """Each variant as a validated Scenario of its own; problems name the path under ``variants.<name>``."""
    out, problems = {}, []
    for name, data in variant_data(scenario).items():
        prefix = f"variants.{name}." if scenario.variants else ""
        try:
            variant = Scenario.model_validate(data)
        except ValidationError as exc:
            problems += [(prefix + path, message) for path, message in pydantic_problems(exc, data)]
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
