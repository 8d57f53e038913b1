"""Caseloads: a key worker's active cases, from the caseload read model."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.auth import Principal
from api.dependencies import Runner, Service
from api.policy import allowed, require_own_caseload
from projections.caseload import Caseload, CaseloadEntry
from services.commands import NotCaughtUp

router = APIRouter(tags=["read models"])
MIN_POSITION_WAIT_SECONDS = 5.0


class CaseloadOut(BaseModel):
    practitioner_id: UUID
    position: int
    cases: list[CaseloadEntry]


@router.get("/caseloads/{practitioner_id}", response_model=CaseloadOut)
def caseload(
    practitioner_id: UUID,
    caller: Annotated[Principal, Depends(allowed("read_caseload"))],
    keywork: Service,
    runner: Runner,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> CaseloadOut:
    require_own_caseload(caller, practitioner_id)
    read_model = runner.get(Caseload)
    if min_position is not None and not runner.wait_for(
        read_model, min_position, MIN_POSITION_WAIT_SECONDS
    ):
        raise NotCaughtUp(read_model.name)
    entries = read_model.of(practitioner_id, keywork.clock().date())
    return CaseloadOut(
        practitioner_id=practitioner_id,
        position=read_model.position(keywork.name),
        cases=entries,
    )
