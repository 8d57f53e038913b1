"""Request and response bodies of a case's life."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, EmailStr, Field

from api.schemas.common import Body, CommandBody
from domain.case import Channel, ClosureReason, ContactKind, KeyWorkerKind, Route, Status


class ReferrerIn(Body):
    name: str
    email: EmailStr | None = None
    practitioner_id: UUID | None = None


class ChildIn(Body):
    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str | None = None
    gp_practice: str | None = None
    postcode: str | None = None
    in_complex_needs_school: bool = False


class FamilyMemberIn(Body):
    name: str
    relationship: str
    email: EmailStr | None = None
    phone: str | None = None
    postal_address: str | None = None
    preferred_channel: Channel
    has_parental_responsibility: bool


class ReferralIn(CommandBody):
    route: Route
    referrer: ReferrerIn
    child: ChildIn
    family: list[FamilyMemberIn]
    needs: list[str] = []
    consent_to_share: bool
    area: str


class FactsIn(Body):
    gp_in_area: bool
    complex_health_needs: bool
    specialist_count: int = Field(ge=0)
    agency_count: int = Field(ge=0)


class EligibilityIn(CommandBody):
    """Either the facts, for the area's rule set to decide, or a coordinator's override."""

    facts: FactsIn | None = None
    override: Literal["accepted", "declined"] | None = None
    reason: str | None = None


class KeyWorkerIn(CommandBody):
    kind: KeyWorkerKind
    from_date: date = Field(alias="from")
    practitioner_id: UUID | None = None
    parent_carer_name: str | None = None


class ServiceAgreementIn(CommandBody):
    contact_every_days: int
    signed_by: str
    signed_on: date


class ContactIn(CommandBody):
    kind: ContactKind
    participants: list[str] = Field(default=[], alias="with")
    note: str | None = None


class ClosureIn(CommandBody):
    reason: ClosureReason
    final_plan_version: int | None = Field(default=None, ge=1)


class ReopenIn(CommandBody):
    reason: str


class KeyWorkerOut(BaseModel):
    kind: KeyWorkerKind
    from_date: date = Field(serialization_alias="from")
    practitioner_id: UUID | None
    parent_carer_name: str | None
    name: str | None
    email: str | None
    phone: str | None


class CaseOut(BaseModel):
    case_id: UUID
    version: int
    status: Status
    area: str
    route: Route
    referred_at: datetime
    consent_to_share: bool
    child: ChildIn
    family: list[FamilyMemberIn]
    needs: list[str]
    eligible: bool | None
    key_worker: KeyWorkerOut | None
    contact_every_days: int | None
    last_contact_at: datetime | None
    next_contact_due: date | None
    contact_overdue: bool
    closure_reason: ClosureReason | None


class TimelineEntry(BaseModel):
    event_id: UUID
    version: int
    type: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    reason: str | None
    details: dict[str, Any]


class TimelineOut(BaseModel):
    case_id: UUID
    events: list[TimelineEntry]
