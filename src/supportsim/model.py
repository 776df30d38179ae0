"""The base of every part of the scenario model: unknown keys are errors, numbers are finite (no inf or nan)
and a validated part never changes."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class QuietModel(Model):
    """A part whose newer keys are left out when written back at the value that means "not used"
    (``quiet_defaults``), so the resolved file of a scenario that does not use them stays as it was."""

    quiet_defaults: ClassVar[dict[str, Any]] = {}

    @model_serializer(mode="wrap")
    def _without_quiet_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key, unused in self.quiet_defaults.items():
                if key in data and data[key] == unused:
                    del data[key]
        return data
