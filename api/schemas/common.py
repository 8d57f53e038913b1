"""Pieces every request and response shares."""

from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError


class Body(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored, and so is text
    holding a NUL character (PostgreSQL cannot store one in a text column)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError("no_nul_characters", "text must not contain NUL characters")
        return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class CommandBody(Body):
    occurred_at: AwareDatetime | None = None


class Accepted(BaseModel):
    version: int
    event_ids: list[UUID]


class CaseAccepted(Accepted):
    case_id: UUID
