"""Who works with the family: the key worker (allocation, handover, cover) and the TAC."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Service
from api.schemas.cases import (
    CoverEndIn,
    CoverIn,
    HandoverIn,
    KeyWorkerIn,
    ReasonIn,
    TacMemberChangeIn,
    TacMemberIn,
)
from api.schemas.common import CaseAccepted
from api.schemas.start import ApproachIn, FamilyMeetingIn
from services.commands import Command

router = APIRouter(tags=["key working"])

MeetTheFamily = Annotated[Command, Depends(command_for("meet_the_family"))]
ApproachKeyWorker = Annotated[Command, Depends(command_for("approach_key_worker"))]
AllocateKeyWorker = Annotated[Command, Depends(command_for("allocate_key_worker"))]
HandOver = Annotated[Command, Depends(command_for("hand_over"))]
ArrangeCover = Annotated[Command, Depends(command_for("arrange_cover"))]
ManageTac = Annotated[Command, Depends(command_for("manage_team_around_the_child"))]


@router.post("/cases/{case_id}/family-meeting", response_model=CaseAccepted)
def meet_the_family(
    case_id: UUID, body: FamilyMeetingIn, command: MeetTheFamily, keywork: Service
) -> JSONResponse:
    """The coordinator's first meeting with the family: their priorities and expectations, and
    whether a multi-agency planning meeting is needed."""
    outcome = keywork.meet_the_family(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/key-worker-approaches", response_model=CaseAccepted)
def approach_key_worker(
    case_id: UUID, body: ApproachIn, command: ApproachKeyWorker, keywork: Service
) -> JSONResponse:
    """A practitioner asked to be the key worker before one is in place, and their answer."""
    outcome = keywork.approach_key_worker(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/key-worker", response_model=CaseAccepted)
def allocate_key_worker(
    case_id: UUID, body: KeyWorkerIn, command: AllocateKeyWorker, keywork: Service
) -> JSONResponse:
    outcome = keywork.allocate_key_worker(
        command.at(body.occurred_at),
        case_id,
        kind=body.kind,
        from_date=body.from_date,
        practitioner_id=body.practitioner_id,
        parent_carer_name=body.parent_carer_name,
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/handover", response_model=CaseAccepted)
def hand_over(case_id: UUID, body: HandoverIn, command: HandOver, keywork: Service) -> JSONResponse:
    outcome = keywork.hand_over(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/cover", response_model=CaseAccepted)
def arrange_cover(
    case_id: UUID, body: CoverIn, command: ArrangeCover, keywork: Service
) -> JSONResponse:
    outcome = keywork.arrange_cover(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")


@router.delete("/cases/{case_id}/cover", response_model=CaseAccepted)
def end_cover(
    case_id: UUID, command: ArrangeCover, keywork: Service, body: CoverEndIn | None = None
) -> JSONResponse:
    body = body or CoverEndIn()
    outcome = keywork.end_cover(
        command.at(body.occurred_at), case_id, on=body.on, reason=body.reason
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/tac-members", response_model=CaseAccepted)
def add_tac_member(
    case_id: UUID, body: TacMemberIn, command: ManageTac, keywork: Service
) -> JSONResponse:
    outcome = keywork.add_tac_member(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")


@router.put("/cases/{case_id}/tac-members/{practitioner_id}", response_model=CaseAccepted)
def change_tac_member(
    case_id: UUID,
    practitioner_id: UUID,
    body: TacMemberChangeIn,
    command: ManageTac,
    keywork: Service,
) -> JSONResponse:
    outcome = keywork.change_tac_member(
        command.at(body.occurred_at),
        case_id,
        practitioner_id=practitioner_id,
        role=body.role,
        receives_plans=body.receives_plans,
        channel=body.channel,
    )
    return accepted(outcome, "case_id")


@router.delete("/cases/{case_id}/tac-members/{practitioner_id}", response_model=CaseAccepted)
def remove_tac_member(
    case_id: UUID, practitioner_id: UUID, body: ReasonIn, command: ManageTac, keywork: Service
) -> JSONResponse:
    outcome = keywork.remove_tac_member(
        command.at(body.occurred_at), case_id, practitioner_id=practitioner_id, reason=body.reason
    )
    return accepted(outcome, "case_id")
