"""Which strategies exist: the built-in ones, those of installed packages, and how a policy finds its own.

A package adds strategies through the entry-point group ``supportsim.strategies``; each entry point names a
:class:`~supportsim.strategies.base.Strategy` subclass (or a module whose import registers some)::

    [project.entry-points."supportsim.strategies"]
    vip_quota = "supportsim_vip_quota:VipQuota"

Entry points are loaded lazily and once per process: the first time a policy names a kind that is not built
in, or the list of every strategy is asked for. Worker processes (``--jobs``, Dask) are fresh processes, so
each loads them again on its own first need. A plugin that fails to load is one :class:`PluginError` naming
the entry point and its package, never a traceback. See docs/extending.md.

A ``policy`` is validated when the scenario is, not when this module is imported: ``kind`` picks the registered
class, whose ``Config`` validates the rest of the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points, packages_distributions, version
from types import ModuleType
from typing import Annotated, Any, Union

from pydantic import Field, GetJsonSchemaHandler, PlainValidator, SerializeAsAny, TypeAdapter
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from .base import REGISTRY, PolicyConfig, Strategy, register

GROUP = "supportsim.strategies"
BUILT_IN = "supportsim"


class PluginError(Exception):
    """An installed strategy package that cannot be used (it fails to import, or names a taken kind)."""


_loaded = False
_failure: PluginError | None = None  # a broken plugin stays broken for the life of the process
_packages: dict[str, str] = {}  # kind -> "package version" of strategies that came through an entry point


def load_plugins() -> None:
    """Register the strategies of every installed package, once per process. Raises :class:`PluginError`."""
    global _loaded, _failure
    if _failure is not None:
        raise _failure
    if _loaded:
        return
    _loaded = True
    try:
        _load_entry_points()
    except PluginError as exc:
        _failure = exc
        raise


def _load_entry_points() -> None:
    for point in entry_points(group=GROUP):
        package = f"{point.dist.name} {point.dist.version}" if point.dist is not None else "unknown package"
        before = set(REGISTRY)
        try:
            loaded = point.load()
        except Exception as exc:  # anything the plugin's import raises is the plugin's problem, named as such
            raise PluginError(f"strategy plugin {point.name!r} ({point.value}, from {package}) cannot be "
                              f"loaded: {type(exc).__name__}: {exc}") from None
        if isinstance(loaded, type) and issubclass(loaded, Strategy):
            if REGISTRY.get(loaded.kind) is not loaded:  # not registered by its own import (@register)
                if loaded.kind in REGISTRY:
                    raise PluginError(f"strategy plugin {point.name!r} (from {package}) names kind "
                                      f"{loaded.kind!r}, which {package_of(loaded.kind)} already registers")
                register(loaded)
            _packages[loaded.kind] = package
        elif not isinstance(loaded, ModuleType):
            raise PluginError(f"strategy plugin {point.name!r} (from {package}) names {point.value}, which is "
                              f"neither a Strategy class nor a module")
        for kind in set(REGISTRY) - before:
            _packages[kind] = package


def strategy_class(kind: str) -> type[Strategy] | None:
    """The strategy registered as ``kind``, loading the installed plugins if it is not (yet) known."""
    if kind not in REGISTRY:
        load_plugins()
    return REGISTRY.get(kind)


def strategies() -> dict[str, type[Strategy]]:
    """Every registered strategy, by kind (plugins loaded)."""
    load_plugins()
    return dict(REGISTRY)


def package_of(kind: str) -> str:
    """Where a strategy comes from: 'supportsim', the plugin's 'package version', or the registering module."""
    if kind in _packages:
        return _packages[kind]
    module = REGISTRY[kind].__module__
    top = module.partition(".")[0]
    if top == BUILT_IN:
        return BUILT_IN
    dists = packages_distributions().get(top)
    return f"{dists[0]} {version(dists[0])}" if dists else f"{module} (registered at run time)"


def validate_policy(value: Any) -> PolicyConfig:
    """A ``policy`` value (a kind's name, or a mapping with ``kind``) as the registered strategy's Config.

    Errors are raised as pydantic's own kinds (``union_tag_invalid`` and so on), so they read exactly like any
    other in a scenario file: ``FILE:LINE: policy.kind: unknown kind 'x'; expected one of ...``."""
    if isinstance(value, str):
        value = {"kind": value}
    if isinstance(value, PolicyConfig):
        return value
    if not isinstance(value, Mapping):
        raise PydanticCustomError("dict_type", "Input should be a policy name or a mapping")
    if "kind" not in value:
        raise PydanticCustomError("union_tag_not_found", "Unable to extract tag using discriminator 'kind'",
                                  {"discriminator": "'kind'"})
    kind = value["kind"]
    found = strategy_class(kind) if isinstance(kind, str) else None
    if found is None:
        expected = ", ".join(f"'{k}'" for k in sorted(strategies()))
        raise PydanticCustomError("union_tag_invalid", "Input tag {tag} found using {discriminator} does not match "
                                  "any of the expected tags: {expected_tags}",
                                  {"discriminator": "'kind'", "tag": str(kind), "expected_tags": expected})
    return found.Config.model_validate(dict(value))


class _RegisteredConfigs:
    """JSON schema of a policy: the union of the registered strategies' settings, as they are when asked."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        configs = tuple(cls.Config for cls in strategies().values())
        # Union[...] of a tuple spreads it: the classes known at run time, so no static type
        union: Any = Union[configs]  # noqa: UP007
        return handler(TypeAdapter(Annotated[union, Field(discriminator="kind")]).core_schema)


PolicySpec = Annotated[SerializeAsAny[PolicyConfig], PlainValidator(validate_policy), _RegisteredConfigs()]
"""The type of a ``policy`` key: validated against the registry at validation time, dumped as its own class."""
