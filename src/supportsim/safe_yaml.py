"""YAML the way a scenario file needs it: YAML 1.2 core scalars, and bounded in size, depth and alias expansion.

PyYAML reads YAML 1.1, where ``staff: 1:30`` is the sexagesimal number 90, ``on``/``no`` are booleans and
``start: 2027-01-04`` becomes a date before anyone asked for one. :class:`ScenarioLoader` resolves plain scalars
by the YAML 1.2 core schema instead (null, true/false, decimal/0o/0x integers, decimals with ``.inf``/``.nan``;
everything else is a string), so a date is a string until the key that expects a date reads it, and a wrong date
is reported at that key like any other wrong value.

It also refuses, while composing and before anything is built, what would make reading hang or exhaust memory:
nesting deeper than :data:`MAX_DEPTH`, more than :data:`MAX_NODES` values once aliases are expanded (a
"billion laughs" of a few lines), aliases to the collection they are inside, and integers longer than
:data:`MAX_INT_DIGITS` digits. Every problem carries the key path being read, for ``FILE:LINE: key.path: ...``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_DEPTH = 64
"""Nested mappings and lists: a scenario needs about eight levels."""
MAX_NODES = 20_000
"""Values in the document once every alias (``*name``) is replaced by what it stands for: a large scenario
holds a few thousand; PyYAML composes some 10,000 a second, so this also bounds the time to read a file."""
MAX_INT_DIGITS = 100
"""Digits of a whole number: anything longer is no count or seed a desk has."""
MAX_FILE_BYTES = 512 * 2**10
"""Size of a scenario or sweep file (512 KiB): a scenario is a few kilobytes, and PyYAML reads about 1 MiB in
a few seconds."""

CORE_TAGS = ("null", "bool", "int", "float", "str", "seq", "map")


class YamlProblem(yaml.YAMLError):
    """A problem found while composing: where it is (line, key path) and what is wrong."""

    def __init__(self, message: str, mark: Any, path: str):
        super().__init__(message)
        self.problem, self.problem_mark, self.path = message, mark, path


class ScenarioLoader(yaml.SafeLoader):
    """Safe loader with YAML 1.2 core scalars, a depth limit and a budget for alias expansion."""

    yaml_implicit_resolvers: dict = {}
    yaml_constructors = {tag: f for tag, f in yaml.SafeLoader.yaml_constructors.items()
                         if tag is None or tag.rsplit(":", 1)[-1] in CORE_TAGS}

    def __init__(self, stream: str):
        super().__init__(stream)
        self.keys: list[str] = []         # key path of the node being composed
        self.sizes: dict[int, int] = {}   # id(node) -> values under it with aliases expanded

    @property
    def path(self) -> str:
        return ".".join(self.keys)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if isinstance(parent, yaml.MappingNode) and index is not None:
            key: str | None = str(index.value) if isinstance(index, yaml.ScalarNode) else "?"
        else:
            key = str(index) if isinstance(index, int) else None
        if key is not None:
            self.keys.append(key)
        try:
            if len(self.keys) >= MAX_DEPTH:
                raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; a scenario needs far fewer",
                                  self.peek_event().start_mark, self.path)  # type: ignore[no-untyped-call]
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                target = self.anchors.get(event.anchor)
                if target is not None and id(target) not in self.sizes:
                    raise YamlProblem(f"alias *{event.anchor} is inside the value it refers to (&{event.anchor}), "
                                      "which would never end", event.start_mark, self.path)
            node = super().compose_node(parent, index)
            if node is not None and id(node) not in self.sizes:
                children = node.value if isinstance(node, yaml.SequenceNode) else \
                    [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else []
                size = 1 + sum(self.sizes.get(id(child), 1) for child in children)
                if size > MAX_NODES:
                    raise YamlProblem(f"expands to more than {MAX_NODES:,} values through aliases (*name); "
                                      "write the values out or use fewer aliases", node.start_mark, self.path)
                self.sizes[id(node)] = size
            return node
        finally:
            if key is not None:
                self.keys.pop()


def _construct_int(loader: ScenarioLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    digits = text.lstrip("+-")
    if len(digits) > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(None, None, f"a number of {len(digits)} digits is too long "
                                                f"(at most {MAX_INT_DIGITS})", node.start_mark)
    try:
        if digits.startswith(("0o", "0x")):
            value = int(digits[2:], 8 if digits[1] == "o" else 16)
            return -value if text.startswith("-") else value
        return int(text, 10)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not a whole number",
                                                node.start_mark) from None


def _construct_float(loader: ScenarioLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    special = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
    try:
        return special[text] if text in special else float(text)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not a number", node.start_mark) from None


ScenarioLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
ScenarioLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus the merge key '<<'.
ScenarioLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                     ["~", "n", "N", ""])
ScenarioLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                     list("tTfF"))
ScenarioLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                     list("-+0123456789"))
ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
ScenarioLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


def compose(text: str) -> tuple[yaml.Node | None, ScenarioLoader]:
    """The document's node tree (None for an empty document) and the loader that built it (to construct
    values from it). A :class:`yaml.YAMLError` raised here has the loader's ``path`` at the failure."""
    loader = ScenarioLoader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.YAMLError as exc:
        exc.path = getattr(exc, "path", None) or loader.path  # type: ignore[attr-defined]
        loader.dispose()
        raise
    except RecursionError:  # cannot happen below MAX_DEPTH; kept so that no input gives a traceback
        loader.dispose()
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", None, loader.path) from None
