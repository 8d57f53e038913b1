"""Request and response bodies of a case's life."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from api.schemas.common import NOT_TRUE_OR_FALSE, Body, CommandBody, Email, Name, Text
from api.schemas.start import ApproachOut
from api.schemas.transition import TransitionPlanOut
from domain.case import Route
from domain.case_base import AccessibleFormat, Channel, ClosureReason, Status
from domain.closure import AuditOutcome
from domain.contacts import ContactKind
from domain.functions import KeyWorkingFunction
from domain.key_workers import KeyWorkerKind
from domain.reviews import RequestedBy

# How each family member can be reached, stated for JSON Schema (the domain holds to it too).
CONTACTABLE: list[JsonValue] = [
    {
        "anyOf": [
            {
                "properties": {
                    "preferred_channel": {"const": "email"},
                    "email": {"type": "string"},
                },
                "required": ["email"],
            },
            {
                "properties": {
                    "preferred_channel": {"const": "letter"},
                    "postal_address": {"type": "string", "pattern": r"\S"},
                },
                "required": ["postal_address"],
            },
        ]
    },
    {
        "anyOf": [
            {"properties": {"needs_interpreter": {"const": False}}},
            {"properties": {"language": {"type": "string"}}, "required": ["language"]},
        ]
    },
]


class ReferrerIn(Body):
    name: Name
    email: Email | None = None
    practitioner_id: UUID | None = None


class ChildIn(Body):
    given_name: Name
    family_name: Name
    date_of_birth: date
    nhs_number: str | None = None
    gp_practice: str | None = None
    postcode: str | None = None
    in_complex_needs_school: bool = False


class ChildOut(BaseModel):
    """The child as recorded; after an erasure names read "[erased]" and the rest is empty."""

    given_name: str
    family_name: str
    date_of_birth: date | None
    nhs_number: str | None
    gp_practice: str | None
    postcode: str | None
    in_complex_needs_school: bool


class FamilyMemberIn(Body):
    """A family member: their email for the email channel, their address for letters, and the
    language to interpret into when they need an interpreter."""

    model_config = ConfigDict(json_schema_extra={"allOf": CONTACTABLE})

    name: Name
    relationship: Name
    email: Email | None = None
    phone: str | None = None
    postal_address: str | None = None
    preferred_channel: Channel
    has_parental_responsibility: bool
    language: Name | None = Field(None, description="The language they prefer, when not English.")
    needs_interpreter: bool = False
    accessible_format: AccessibleFormat | None = Field(
        None, description="Letters to them are printed so (business support sees the flag)."
    )


class FamilyMemberOut(BaseModel):
    """A family member as recorded; after an erasure names read "[erased]" and the rest is
    empty."""

    name: str
    relationship: str
    email: str | None
    phone: str | None
    postal_address: str | None
    preferred_channel: Channel
    has_parental_responsibility: bool
    language: str | None
    needs_interpreter: bool
    accessible_format: AccessibleFormat | None


class ReferralIn(CommandBody):
    route: Route
    referrer: ReferrerIn
    child: ChildIn
    family: list[FamilyMemberIn] = Field(json_schema_extra={"minItems": 1})
    needs: list[Text] = []
    consent_to_share: bool
    area: str
    previous_case_id: UUID | None = None


class KeyWorkerIn(CommandBody):
    kind: KeyWorkerKind
    from_date: date = Field(alias="from")
    practitioner_id: UUID | None = None
    parent_carer_name: str | None = None


class HandoverIn(CommandBody):
    kind: KeyWorkerKind
    on: date
    reason: Text
    to_practitioner_id: UUID | None = None
    parent_carer_name: str | None = None
    overlap_until: date | None = None


class CoverIn(CommandBody):
    practitioner_id: UUID
    from_date: date = Field(alias="from")
    until: date
    reason: Text


class CoverEndIn(CommandBody):
    on: date | None = None  # default: the day it is recorded
    reason: Text | None = None


class ContactIn(CommandBody):
    kind: ContactKind
    participants: list[Name] = Field(default=[], alias="with")
    note: Text | None = None
    # Which of the ten key working functions the contact served (domain/functions.py).
    functions: list[KeyWorkingFunction] = Field([], json_schema_extra={"uniqueItems": True})


class TacMemberIn(CommandBody):
    practitioner_id: UUID
    role: Name
    receives_plans: bool
    channel: Channel


class TacMemberChangeIn(CommandBody):
    role: Name | None = None
    receives_plans: bool | None = None
    channel: Channel | None = None


class ReasonIn(CommandBody):
    reason: Text


class ReviewIn(CommandBody):
    at: AwareDatetime
    location: Name
    requested_by: RequestedBy | None = None  # default: the caller's own role


class RescheduleIn(CommandBody):
    at: AwareDatetime
    reason: Text


class ReviewReportIn(CommandBody):
    from_practitioner_id: UUID
    title: Name


class ReviewOutcomeIn(CommandBody):
    attendees: list[Name]
    child_views: Text
    decisions: list[Text]
    next_review_on: date
    key_worker_confirmed: bool


class TransferIn(CommandBody):
    to_area: Name
    move_on: date
    out_of_area: bool
    receiving_contact: Name | None = None
    to_team: str | None = None


class ClosureIn(CommandBody):
    reason: ClosureReason
    final_plan_version: Annotated[int, Field(ge=1), NOT_TRUE_OR_FALSE] | None = Field(
        default=None,
        description="The signed plan in force, the final Family Support Plan. Once a plan has "
        "been signed, give it or `why_no_final_plan`.",
    )
    why_no_final_plan: Text | None = Field(default=None, description="Sealed with the child's key.")
    family_agreed: bool | None = Field(
        default=None,
        description="Whether the family agreed to the ending: required for `needs_met`, "
        "`age_limit` and `adult_services`. If not, say why in `why_not_agreed`.",
    )
    why_not_agreed: Text | None = Field(default=None, description="Sealed with the child's key.")
    agreed_at_review_id: UUID | None = Field(
        default=None, description="The held review at which the ending was agreed."
    )


class ClosureAuditIn(CommandBody):
    outcome: AuditOutcome
    findings: Text


class ReplacementIn(Body):
    occurred_at: AwareDatetime | None = None
    kind: ContactKind | None = None
    participants: list[Name] | None = Field(default=None, alias="with")
    note: Text | None = None
    functions: list[KeyWorkingFunction] | None = Field(
        None, json_schema_extra={"uniqueItems": True}
    )
    role: Name | None = None
    receives_plans: bool | None = None
    channel: Channel | None = None


class CorrectionIn(CommandBody):
    corrects_event_id: UUID
    reason: Text
    replacement: ReplacementIn


class ReviewAccepted(BaseModel):
    case_id: UUID
    version: int
    event_ids: list[UUID]
    review_id: UUID


class KeyWorkerOut(BaseModel):
    kind: KeyWorkerKind
    from_date: date = Field(serialization_alias="from")
    until: date | None
    practitioner_id: UUID | None
    parent_carer_name: str | None
    name: str | None
    email: str | None
    phone: str | None


class CoverOut(BaseModel):
    practitioner_id: UUID
    from_date: date = Field(serialization_alias="from")
    until: date
    reason: str


class TacMemberOut(BaseModel):
    practitioner_id: UUID
    role: str
    receives_plans: bool
    channel: Channel


class PlanOut(BaseModel):
    plan_version: int
    status: str
    signed_by: str | None
    signed_on: date | None
    signed_by_young_person: bool


class TransferOut(BaseModel):
    to_area: str
    move_on: date
    out_of_area: bool
    to_team: str | None
    receiving_contact: str | None


class CaseOut(BaseModel):
    case_id: UUID
    version: int
    status: Status
    area: str
    team: str | None
    route: Route
    referred_at: datetime
    previous_case_id: UUID | None
    consent_to_share: bool
    consent_overridden: bool
    erased: bool
    child: ChildOut
    family: list[FamilyMemberOut]
    needs: list[str]
    eligible: bool | None
    family_met_on: date | None
    approaches: list[ApproachOut]  # the key workers asked, before one was in place
    key_workers: list[KeyWorkerOut]
    cover: CoverOut | None
    team_around_the_child: list[TacMemberOut]
    contact_every_days: int | None
    expected_duration_months: int | None  # how long key working is expected to last
    exit_plan: str | None
    last_contact_at: datetime | None
    next_contact_due: date | None
    contact_overdue: bool
    review_overdue: bool
    next_review: date | None
    plans: list[PlanOut]
    transfer: TransferOut | None
    transition_plan: TransitionPlanOut | None  # the latest, to adult services
    closure_reason: ClosureReason | None
    closed_on: date | None
    closure_audit_overdue: bool


class TimelineEntry(BaseModel):
    event_id: UUID
    version: int
    type: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    reason: str | None
    corrected_by: UUID | None
    details: dict[str, Any]


class TimelineOut(BaseModel):
    case_id: UUID
    events: list[TimelineEntry]
    next_cursor: str | None


class ConsentIn(CommandBody):
    given: bool


class SubjectAccessOut(BaseModel):
    case_id: UUID
    produced_at: datetime
    erased: bool
    events: list[TimelineEntry]
    read_models: dict[str, dict[str, list[dict[str, Any]]]]
    access_trail: list[dict[str, Any]]


class SignificantIn(CommandBody):
    event_id: UUID
    reason: Text


class ChronologyEntryOut(BaseModel):
    event_id: UUID
    type: str
    actor: str
    who: str
    occurred_at: datetime
    recorded_at: datetime
    reason: str | None
    significant_because: str | None
    corrected_by: UUID | None


class ChronologyOut(BaseModel):
    case_id: UUID
    entries: list[ChronologyEntryOut]
