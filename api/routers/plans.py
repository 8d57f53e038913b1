"""Family Support Plans: versions drafted, signed by a parent/carer (or a young person of 18 or
over), and each copy sent."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Service
from api.reads import read_of
from api.schemas.common import CaseAccepted
from api.schemas.plans import (
    DistributionOut,
    PlanAccepted,
    PlanCopyIn,
    PlanCopyOut,
    PlanIn,
    SignatureIn,
)
from domain.plans import PlanAction
from services.commands import Command

router = APIRouter(tags=["plans"])

DraftPlan = Annotated[Command, Depends(command_for("draft_plan"))]
SignPlan = Annotated[Command, Depends(command_for("sign_plan"))]
DistributePlan = Annotated[Command, Depends(command_for("distribute_plan"))]


@router.post("/cases/{case_id}/plans", status_code=201, response_model=PlanAccepted)
def draft_plan(case_id: UUID, body: PlanIn, command: DraftPlan, keywork: Service) -> JSONResponse:
    plan_version, outcome = keywork.draft_plan(
        command.at(body.occurred_at),
        case_id,
        summary=body.summary,
        outcomes=body.outcomes,
        actions=[PlanAction(**action.model_dump()) for action in body.actions],
    )
    return accepted(outcome, "case_id", 201, plan_version=plan_version)


@router.post("/cases/{case_id}/plans/{plan_version}/signature", response_model=CaseAccepted)
def sign_plan(
    case_id: UUID, plan_version: int, body: SignatureIn, command: SignPlan, keywork: Service
) -> JSONResponse:
    outcome = keywork.sign_plan(
        command.at(body.occurred_at),
        case_id,
        plan_version=plan_version,
        signed_by=body.signed_by,
        signed_on=body.signed_on,
        signed_by_young_person=body.signed_by_young_person,
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/plans/{plan_version}/copies", response_model=CaseAccepted)
def record_copy(
    case_id: UUID, plan_version: int, body: PlanCopyIn, command: DistributePlan, keywork: Service
) -> JSONResponse:
    outcome = keywork.record_plan_copy(
        command.at(body.occurred_at),
        case_id,
        plan_version=plan_version,
        recipient=body.recipient,
        channel=body.channel,
        sent=body.outcome == "sent",
        reason=body.reason,
    )
    return accepted(outcome, "case_id")


@router.get(
    "/cases/{case_id}/plans/{plan_version}/distribution",
    response_model=DistributionOut,
    dependencies=[Depends(read_of("read_case", "case", "plan distribution", "case_id"))],
)
def distribution(case_id: UUID, plan_version: int, keywork: Service) -> DistributionOut:
    plan = keywork.case(case_id).plan(plan_version)
    recipients = [
        PlanCopyOut(
            recipient=copy.recipient,
            channel=copy.channel,
            status="sent" if copy.sent else "failed",
            at=copy.at,
            reason=copy.reason,
        )
        for copy in plan.distribution().values()
    ]
    return DistributionOut(
        case_id=case_id, plan_version=plan_version, status=plan.status, recipients=recipients
    )
