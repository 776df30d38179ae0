"""Optional dependencies: import them where a feature needs them, with one clear line when they are missing."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingDependency(ImportError):
    """An optional package a feature needs is not installed; the message says which extra to install."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependency` naming the ``supportsim[extra]`` to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(
            f"{feature} needs the optional package {module.split('.')[0]!r}: pip install 'supportsim[{extra}]'"
        ) from None
