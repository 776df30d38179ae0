"""What ``supportsim strategies`` prints about a strategy: one sentence, and its keys with their defaults."""

from __future__ import annotations

import re
import sys

import yaml

from .base import Strategy


def summary(cls: type[Strategy]) -> str:
    """The first sentence of the strategy's docstring (its module's, when the class has none), without the
    ``kind:`` the built-in ones start with."""
    text = cls.__doc__ or sys.modules[cls.__module__].__doc__ or ""
    text = " ".join(text.split())
    text = re.sub(r"^``[a-z_]+``:\s*", "", text)
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first.replace("``", "")  # reStructuredText literals read as plain words on a terminal


def strategy_keys(cls: type[Strategy]) -> list[tuple[str, str, str]]:
    """(key, default as written in a scenario, description) of every setting but ``kind``."""
    out = []
    defaults = cls.Config.model_construct(kind=cls.kind)  # every default filled in, required keys left out
    for name, field in cls.Config.model_fields.items():
        if name == "kind":
            continue
        if field.is_required():
            default = "(required)"
        else:
            dumped = defaults.model_dump(mode="json", include={name}, warnings=False)[name]
            default = yaml.safe_dump(dumped, default_flow_style=True, width=1_000).strip().removesuffix("...").strip()
        out.append((name, default, field.description or ""))
    return out
