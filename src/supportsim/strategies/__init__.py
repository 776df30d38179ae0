"""Queue strategies, registered by name. Importing this package registers the built-in ones; installed
packages add theirs through the ``supportsim.strategies`` entry points (see :mod:`.registry`)."""

from __future__ import annotations

from . import contact_first, deadline, dedicated, fifo, personal, preemptive, priority, reserve, vip_lane  # noqa: F401
from .base import REGISTRY, Group, PolicyConfig, Strategy, register
from .registry import PluginError, PolicySpec, package_of, strategies, strategy_class

__all__ = ["REGISTRY", "Group", "PluginError", "PolicyConfig", "PolicySpec", "Strategy", "package_of", "register",
           "strategies", "strategy_class", "strategy_for"]


def strategy_for(config: PolicyConfig) -> type[Strategy]:
    """The strategy class of a validated policy (loading plugins in a worker process that has not yet)."""
    found = strategy_class(config.kind)
    if found is None:
        raise PluginError(f"no strategy {config.kind!r} is registered in this process; a strategy registered "
                          f"with register() at run time is not seen by worker processes, install it as a "
                          f"package with a 'supportsim.strategies' entry point (see docs/extending.md)")
    return found
