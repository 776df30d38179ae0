"""The base of every part of the scenario model: unknown keys are errors, numbers are finite (no inf or nan)
and a validated part never changes."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
