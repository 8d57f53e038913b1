"""Request and response bodies of Family Support Plans: drafted, signed, and each copy sent."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from api.schemas.common import Body, CommandBody
from domain.case_base import Channel


class PlanActionIn(Body):
    who: str
    what: str
    by: date


class PlanIn(CommandBody):
    summary: str
    outcomes: list[str]
    actions: list[PlanActionIn] = []


class SignatureIn(CommandBody):
    signed_by: str | None = None  # a parent/carer; no one when the young person (18+) signed
    signed_on: date
    signed_by_young_person: bool = False


class PlanCopyIn(CommandBody):
    recipient: str
    channel: Channel
    outcome: Literal["sent", "failed"]
    reason: str | None = None


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
