"""The base of every part of the scenario model: unknown keys are errors and a validated part never changes."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
