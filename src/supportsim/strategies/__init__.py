"""Queue strategies, registered by name. Importing this package registers the built-in ones."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from . import contact_first, deadline, dedicated, fifo, personal, preemptive, priority, reserve, vip_lane  # noqa: F401
from .base import REGISTRY, Desk, PolicyConfig, Strategy, register

__all__ = ["REGISTRY", "Desk", "PolicyConfig", "Strategy", "register", "policy_config_type", "strategy_for"]


def policy_config_type():
    """The pydantic type of a ``policy`` value: a union of every registered strategy's config, by ``kind``."""
    configs = tuple(cls.Config for cls in REGISTRY.values())
    return Annotated[Union[configs], Field(discriminator="kind")]


def strategy_for(config: PolicyConfig) -> type[Strategy]:
    return REGISTRY[config.kind]
