"""How key working ends: the transition plan to adult services."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Service
from api.schemas.common import CaseAccepted
from api.schemas.transition import TransitionPlanIn
from services.commands import Command

router = APIRouter(tags=["cases"])

PlanTransition = Annotated[Command, Depends(command_for("plan_transition"))]


@router.post("/cases/{case_id}/transition-plan", response_model=CaseAccepted)
def plan_transition(
    case_id: UUID, body: TransitionPlanIn, command: PlanTransition, keywork: Service
) -> JSONResponse:
    """The adult services, the receiving contact there and the planned date: from the area's
    transition age, for a day its age limit still covers; a later plan replaces this one."""
    outcome = keywork.plan_transition(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")
