"""Agencies and practitioners."""

from dataclasses import asdict, dataclass
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Runner, Service
from api.pages import CURSOR, decode_cursor, page_of
from api.policy import allowed
from api.reads import caught_up, read_of
from api.routers.read_models import MinPosition
from api.schemas.directory import (
    AgenciesOut,
    AgencyAccepted,
    AgencyIn,
    AgencyOut,
    ContactDetailsIn,
    LeavingIn,
    PractitionerAccepted,
    PractitionerIn,
    PractitionerOut,
    PractitionersOut,
    ProtectedTimeIn,
    SupervisionIn,
    SupervisionOut,
    SupervisionRecordOut,
    TrainingIn,
    TrainingOut,
)
from projections.directory import Directory
from services.commands import Command

router = APIRouter(tags=["practitioners and agencies"])
Manage = Annotated[Command, Depends(command_for("manage_directory"))]
Read = Depends(allowed("read_directory"))
Supervise = Annotated[Command, Depends(command_for("record_supervision"))]
# The lists of the directory are recorded reads: they name the service's staff.
ReadList = Depends(read_of("read_directory", "directory", "directory", "cursor"))


@dataclass(frozen=True)
class Listing:
    """A page of one of the directory's lists, the read model caught up as asked."""

    model: Directory
    limit: int
    offset: int


def listing(
    runner: Runner,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(json_schema_extra=CURSOR)] = None,
    min_position: MinPosition = None,
) -> Listing:
    model = runner.get(Directory)
    caught_up(runner, model, min_position)
    return Listing(model, limit, decode_cursor(cursor))


Listed = Annotated[Listing, Depends(listing)]


@router.get("/agencies", response_model=AgenciesOut, dependencies=[ReadList])
def agencies(listed: Listed) -> AgenciesOut:
    found = listed.model.agencies(listed.limit + 1, listed.offset)
    entries, next_cursor = page_of(found, listed.limit, listed.offset)
    return AgenciesOut(agencies=entries, next_cursor=next_cursor)


@router.get("/practitioners", response_model=PractitionersOut, dependencies=[ReadList])
def practitioners(listed: Listed) -> PractitionersOut:
    found = listed.model.practitioners(listed.limit + 1, listed.offset)
    entries, next_cursor = page_of(found, listed.limit, listed.offset)
    return PractitionersOut(practitioners=entries, next_cursor=next_cursor)


@router.post("/agencies", status_code=201, response_model=AgencyAccepted)
def register_agency(body: AgencyIn, command: Manage, keywork: Service) -> JSONResponse:
    outcome = keywork.register_agency(
        command.at(body.occurred_at), name=body.name, sector=body.sector
    )
    return accepted(outcome, "agency_id", 201)


@router.get("/agencies/{agency_id}", response_model=AgencyOut, dependencies=[Read])
def agency(agency_id: UUID, keywork: Service) -> AgencyOut:
    found = keywork.agency(agency_id)
    return AgencyOut(
        agency_id=found.id, version=found.version, name=found.name, sector=found.sector
    )


@router.post("/practitioners", status_code=201, response_model=PractitionerAccepted)
def register_practitioner(body: PractitionerIn, command: Manage, keywork: Service) -> JSONResponse:
    fields = body.model_dump(exclude={"occurred_at"})
    outcome = keywork.register_practitioner(command.at(body.occurred_at), **fields)
    return accepted(outcome, "practitioner_id", 201)


@router.put("/practitioners/{practitioner_id}/contact-details", response_model=PractitionerAccepted)
def change_contact_details(
    practitioner_id: UUID, body: ContactDetailsIn, command: Manage, keywork: Service
) -> JSONResponse:
    outcome = keywork.change_contact_details(
        command.at(body.occurred_at), practitioner_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "practitioner_id")


@router.put("/practitioners/{practitioner_id}/protected-time", response_model=PractitionerAccepted)
def agree_protected_time(
    practitioner_id: UUID, body: ProtectedTimeIn, command: Manage, keywork: Service
) -> JSONResponse:
    """The time their employing agency agrees they keep for key working, a week."""
    outcome = keywork.agree_protected_time(
        command.at(body.occurred_at), practitioner_id, hours_per_week=body.hours_per_week
    )
    return accepted(outcome, "practitioner_id")


@router.post("/practitioners/{practitioner_id}/leaving", response_model=PractitionerAccepted)
def leave_agency(
    practitioner_id: UUID, body: LeavingIn, command: Manage, keywork: Service
) -> JSONResponse:
    outcome = keywork.leave_agency(
        command.at(body.occurred_at), practitioner_id, on=body.on, reason=body.reason
    )
    return accepted(outcome, "practitioner_id")


@router.post("/practitioners/{practitioner_id}/training", response_model=PractitionerAccepted)
def record_training(
    practitioner_id: UUID, body: TrainingIn, command: Manage, keywork: Service
) -> JSONResponse:
    outcome = keywork.record_training(
        command.at(body.occurred_at), practitioner_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "practitioner_id")


@router.get("/practitioners/{practitioner_id}", response_model=PractitionerOut, dependencies=[Read])
def practitioner(practitioner_id: UUID, keywork: Service) -> PractitionerOut:
    found = keywork.practitioner(practitioner_id)
    today = keywork.clock().date()
    return PractitionerOut(
        practitioner_id=found.id,
        version=found.version,
        name=found.name,
        role_title=found.role_title,
        agency_id=found.agency_id,
        email=found.email,
        phone=found.phone,
        postal_address=found.postal_address,
        team_id=found.team_id,
        left_on=found.left_on,
        protected_hours_per_week=found.protected_hours_per_week,
        training=[
            TrainingOut(**asdict(training), current=training.current_on(today))
            for training in found.training
        ],
    )


@router.post("/practitioners/{practitioner_id}/supervision", response_model=PractitionerAccepted)
def record_supervision(
    practitioner_id: UUID, body: SupervisionIn, command: Supervise, keywork: Service
) -> JSONResponse:
    fields = body.model_dump(exclude={"occurred_at"})
    outcome = keywork.record_supervision(command.at(body.occurred_at), practitioner_id, **fields)
    return accepted(outcome, "practitioner_id")


@router.get(
    "/practitioners/{practitioner_id}/supervision",
    response_model=SupervisionRecordOut,
    dependencies=[
        Depends(read_of("read_supervision", "supervision", "supervision", "practitioner_id"))
    ],
)
def supervision(practitioner_id: UUID, keywork: Service) -> SupervisionRecordOut:
    found = keywork.practitioner(practitioner_id)
    today = keywork.clock().date()
    every = keywork.areas.for_team(found.team_id).supervision_every_days
    due = found.supervision_due(today, every)
    sessions = sorted(found.supervision, key=lambda s: s.held_on, reverse=True)
    return SupervisionRecordOut(
        practitioner_id=found.id,
        sessions=[SupervisionOut(**asdict(session)) for session in sessions],
        every_days=every,
        due_on=due,
        overdue=due < today,
    )
