"""Reading scenario files: YAML with line numbers, and errors people can act on.

Every problem becomes one line ``FILE:LINE: key.path: what is wrong``. The line comes from the YAML node of
the key (or of its nearest parent that exists); :mod:`supportsim.problems` puts pydantic's errors in words.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import safe_yaml
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


def _read_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    try:
        node, loader = safe_yaml.compose(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    if node is None:
        raise ScenarioError([("", "the file is empty")], source)
    lines: dict[str, int] = {"": node.start_mark.line + 1}
    problems: list[tuple[str, str]] = []
    seen: set[int] = set()
    twice: dict[str, int] = {}

    def walk(n: yaml.Node, prefix: str) -> None:
        if id(n) in seen:  # an alias: walked where its anchor is (and aliases cannot make us loop)
            return
        seen.add(id(n))
        if isinstance(n, yaml.ScalarNode):
            problem = _scalar_problem(n)
            if problem:
                problems.append((prefix, problem))
                lines.setdefault(prefix, n.start_mark.line + 1)
        elif isinstance(n, yaml.MappingNode):
            first_line: dict[str, int] = {}
            for key_node, value_node in n.value:
                name = str(key_node.value)
                key = f"{prefix}.{name}" if prefix else name
                line = key_node.start_mark.line + 1
                if name in first_line and name != "<<":
                    twice[key] = line  # the occurrence that would silently win
                    problems.append((key, f"appears twice (also on line {first_line[name]}); "
                                          "YAML would silently keep only the last one"))
                first_line.setdefault(name, line)
                lines.setdefault(key, line)
                walk(key_node, key)
                walk(value_node, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = f"{prefix}.{i}" if prefix else str(i)
                lines.setdefault(key, item.start_mark.line + 1)
                walk(item, key)

    walk(node, "")
    if problems:
        raise ScenarioError(problems, source, {**lines, **twice})
    try:
        value = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    finally:
        loader.dispose()
    return value, lines


def _scalar_problem(node: yaml.ScalarNode) -> str | None:
    """What no scenario value may hold: a whole number too long to be a count, text that is not Unicode."""
    text = str(node.value)
    if node.tag.endswith(":int") and len(text.lstrip("+-")) > safe_yaml.MAX_INT_DIGITS:
        return f"a number of {len(text.lstrip('+-'))} digits is too long (at most {safe_yaml.MAX_INT_DIGITS})"
    if _SURROGATE.search(text):
        return LONE_SURROGATE
    return None


def data_problems(data: Any) -> list[tuple[str, str]]:
    """What a file's reader refuses (see safe_yaml), for data given directly (the Python API): nesting too
    deep, too many values (shared sub-structures count each time they appear), over-long numbers, lone
    surrogates. Walked without recursion, so no input can exhaust the stack."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    count = 0
    while stack:
        node, path, depth = stack.pop()
        count += 1
        if count > safe_yaml.MAX_NODES:
            return [("", f"holds more than {safe_yaml.MAX_NODES:,} values")]
        if depth > safe_yaml.MAX_DEPTH:
            return [(path, f"nested more than {safe_yaml.MAX_DEPTH} levels deep; a scenario needs far fewer")]
        children = (node.items() if isinstance(node, Mapping) else
                    enumerate(node) if isinstance(node, (list, tuple)) else ())
        for key, value in children:
            stack.append((value, f"{path}.{key}" if path else str(key), depth + 1))
        if isinstance(node, str) and _SURROGATE.search(node):
            problems.append((path, LONE_SURROGATE))
        elif isinstance(node, int) and not isinstance(node, bool) and node.bit_length() > 3 * safe_yaml.MAX_INT_DIGITS:
            problems.append((path, f"a number of more than {safe_yaml.MAX_INT_DIGITS} digits is too long"))
    return problems


LONE_SURROGATE = ("contains a lone surrogate (an escape such as \\ud800 that is not a character); "
                  "it cannot be written as UTF-8")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    if not isinstance(exc, safe_yaml.YamlProblem):
        message = f"invalid YAML: {message}"
    return ScenarioError([(getattr(exc, "path", "") or "", message)], f"{source}:{line}" if line else source)


def read_scenario_data(path: str | Path) -> tuple[dict, dict[str, int], str]:
    """Read a scenario file into plain data and the line of each key. Raises ScenarioError."""
    source = str(path)
    text = read_text_file(path, "scenario file", safe_yaml.MAX_FILE_BYTES)
    data, lines = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError([("", "a scenario must be a mapping of keys (name:, groups:, ...)")], source, lines)
    _resolve_trace_paths(data, Path(path).parent)
    return data, lines, source


def read_text_file(path: str | Path, what: str, max_bytes: int) -> str:
    """The text of a regular file of at most ``max_bytes``; anything else (no name, a folder, a pipe that
    would block, a device such as /dev/zero that never ends, a huge file) is refused at once."""
    source = str(path)
    if not source.strip():
        raise ScenarioError([("", f"no file name given: name the {what}")], repr(source))
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError([("", f"is a folder, not a {what}")], source)
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError([("", f"is not a regular file (a pipe, device or socket); save the {what} "
                                      "to a file and name that")], source)
        if info.st_size > max_bytes:
            raise ScenarioError([("", f"is {info.st_size / 2**10:,.0f} KiB; a {what} is at most "
                                      f"{max_bytes / 2**10:,.0f} KiB")], source)
        with open(path, encoding="utf-8") as handle:
            return handle.read(max_bytes + 1)[:max_bytes]
    except ScenarioError:
        raise
    except FileNotFoundError:
        raise ScenarioError([("", "no such file")], source) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([("", f"is not UTF-8 text (byte {exc.start}: {exc.reason})")], source) from None
    except (OSError, ValueError) as exc:
        raise ScenarioError([("", f"cannot read: {getattr(exc, 'strerror', None) or exc}")], source) from None


def _resolve_trace_paths(data: dict, folder: Path) -> None:
    """A trace file named in a scenario is relative to the scenario file, not to where the command runs."""
    variants = data.get("variants")
    holders = [data] + ([v for v in variants.values() if isinstance(v, dict)] if isinstance(variants, dict) else [])
    for holder in holders:
        arrivals = holder.get("arrivals")
        if isinstance(arrivals, dict) and isinstance(arrivals.get("trace"), str):
            arrivals["trace"] = str((folder / arrivals["trace"]).resolve())


def validate_data(data: Mapping, source: str = "<scenario>", lines: Mapping[str, int] | None = None) -> Scenario:
    """Validate plain data into a Scenario, with every problem reported at once."""
    problems = data_problems(data)
    if problems:
        raise ScenarioError(problems, source, lines)
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
