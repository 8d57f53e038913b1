"""Request and response bodies for agencies and practitioners."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Accepted, CommandBody, Email, Name, Number, Text
from domain.directory import MOST_PROTECTED_HOURS, Course, Sector
from domain.supervision import MAX_ACTIONS, SupervisionKind
from projections.directory import AgencyEntry, PractitionerEntry


class AgencyIn(CommandBody):
    name: Name
    sector: Sector


class PractitionerIn(CommandBody):
    name: Name
    role_title: Name
    agency_id: UUID
    email: Email | None = None
    phone: str | None = None
    postal_address: str | None = None
    team_id: str | None = None


class ContactDetailsIn(CommandBody):
    """The new details, all of them: a detail left out is removed."""

    email: Email | None = None
    phone: str | None = None
    postal_address: str | None = None


class ProtectedTimeIn(CommandBody):
    hours_per_week: Number = Field(
        ge=0,
        le=MOST_PROTECTED_HOURS,
        description="The hours a week their employing agency agrees they keep for key working.",
    )


class LeavingIn(CommandBody):
    on: date
    reason: Text


class TrainingIn(CommandBody):
    course: Course
    completed_on: date
    expires_on: date | None = None


class TrainingOut(BaseModel):
    course: Course
    completed_on: date
    expires_on: date | None
    current: bool  # today


class SupervisionIn(CommandBody):
    held_on: date
    kind: SupervisionKind
    supervisor_id: UUID
    cases_discussed: list[UUID] = Field(
        default_factory=list, max_length=50, json_schema_extra={"uniqueItems": True}
    )
    actions: list[Text] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MAX_ACTIONS},
        description="Actions on the worker's practice. Name cases by id in cases_discussed, "
        "never a child or family here: this is staff data, not sealed with a child's key.",
    )


class SupervisionOut(BaseModel):
    held_on: date
    kind: SupervisionKind
    supervisor_id: UUID
    cases_discussed: list[UUID]
    actions: list[str]


class SupervisionRecordOut(BaseModel):
    practitioner_id: UUID
    sessions: list[SupervisionOut]  # newest first
    every_days: int
    due_on: date
    overdue: bool


class AgencyAccepted(Accepted):
    agency_id: UUID


class PractitionerAccepted(Accepted):
    practitioner_id: UUID


class AgencyOut(BaseModel):
    agency_id: UUID
    version: int
    name: str
    sector: Sector


class PractitionerOut(BaseModel):
    practitioner_id: UUID
    version: int
    name: str
    role_title: str
    agency_id: UUID
    email: str | None
    phone: str | None
    postal_address: str | None
    team_id: str | None
    left_on: date | None
    training: list[TrainingOut]
    protected_hours_per_week: float | None  # agreed with their employing agency


class AgenciesOut(BaseModel):
    agencies: list[AgencyEntry]  # by name
    next_cursor: str | None


class PractitionersOut(BaseModel):
    practitioners: list[PractitionerEntry]  # by name; contact details: GET /practitioners/{id}
    next_cursor: str | None
