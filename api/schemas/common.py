"""Pieces every request and response shares."""

from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict


class Body(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CommandBody(Body):
    occurred_at: AwareDatetime | None = None


class Accepted(BaseModel):
    version: int
    event_ids: list[UUID]


class CaseAccepted(Accepted):
    case_id: UUID
