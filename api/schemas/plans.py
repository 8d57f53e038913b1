"""Request and response bodies of Family Support Plans: drafted, signed, and each copy sent."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Body, CommandBody, Name, Text
from domain.case_base import Channel


class PlanActionIn(Body):
    who: Name
    what: Text
    by: date


class PlanIn(CommandBody):
    summary: Text
    outcomes: list[Text]
    actions: list[PlanActionIn] = []


class SignatureIn(CommandBody):
    signed_by: str | None = None  # a parent/carer; no one when the young person (18+) signed
    signed_on: date
    signed_by_young_person: bool = False


class PlanCopyIn(CommandBody):
    recipient: Name
    channel: Channel
    outcome: Literal["sent", "failed"]
    reason: Text | None = Field(None, description="Why the copy failed: required when it did.")


class PlanAccepted(BaseModel):
    case_id: UUID
    version: int
    event_ids: list[UUID]
    plan_version: int


class PlanCopyOut(BaseModel):
    recipient: str
    channel: Channel
    status: Literal["sent", "failed"]
    at: datetime
    reason: str | None


class DistributionOut(BaseModel):
    case_id: UUID
    plan_version: int
    status: str
    recipients: list[PlanCopyOut]
