"""Request and response bodies for agencies and practitioners."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, EmailStr

from api.schemas.common import Accepted, CommandBody
from domain.directory import Course, Sector


class AgencyIn(CommandBody):
    name: str
    sector: Sector


class PractitionerIn(CommandBody):
    name: str
    role_title: str
    agency_id: UUID
    email: EmailStr | None = None
    phone: str | None = None
    postal_address: str | None = None
    team_id: str | None = None


class ContactDetailsIn(CommandBody):
    """The new details, all of them: a detail left out is removed."""

    email: EmailStr | None = None
    phone: str | None = None
    postal_address: str | None = None


class LeavingIn(CommandBody):
    on: date
    reason: str


class TrainingIn(CommandBody):
    course: Course
    completed_on: date
    expires_on: date | None = None


class TrainingOut(BaseModel):
    course: Course
    completed_on: date
    expires_on: date | None
    current: bool  # today


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
