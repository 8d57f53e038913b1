"""A case's chronology: marking an event significant, and reading the chronology (JSON, or a
PDF to print with `Accept: application/pdf`)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import JSONResponse

from api.chronology import ChronologyEntry, chronology, chronology_pdf
from api.command_context import accepted, command_for
from api.dependencies import Service
from api.reads import read_of
from api.schemas.cases import ChronologyEntryOut, ChronologyOut, SignificantIn
from api.schemas.common import CaseAccepted
from consumers.pdf import PDF
from services.commands import Command

router = APIRouter(tags=["chronology"])

MarkSignificant = Annotated[Command, Depends(command_for("mark_significant"))]


@router.post("/cases/{case_id}/significant-events", response_model=CaseAccepted)
def mark_significant(
    case_id: UUID, body: SignificantIn, command: MarkSignificant, keywork: Service
) -> JSONResponse:
    outcome = keywork.mark_significant(
        command.at(body.occurred_at), case_id, marked_event_id=body.event_id, reason=body.reason
    )
    return accepted(outcome, "case_id")


@router.get(
    "/cases/{case_id}/chronology",
    response_model=ChronologyOut,
    responses={200: {"content": {PDF: {}}}},
    dependencies=[Depends(read_of("read_chronology", "case", "chronology", "case_id"))],
)
def read_chronology(
    case_id: UUID, keywork: Service, accept: Annotated[str | None, Header()] = None
) -> Response:
    """The case's milestones and the events marked significant, oldest first."""
    case = keywork.case(case_id)
    entries = chronology(keywork, case)
    if accept is not None and PDF in accept:
        return Response(chronology_pdf(case, entries, keywork.clock()), media_type=PDF)
    body = ChronologyOut(case_id=case_id, entries=[entry_out(each) for each in entries])
    return JSONResponse(body.model_dump(mode="json"))


def entry_out(each: ChronologyEntry) -> ChronologyEntryOut:
    entry = each.entry
    return ChronologyEntryOut(
        event_id=entry.event_id,
        type=entry.type,
        actor=entry.actor,
        who=each.who,
        occurred_at=entry.occurred_at,
        recorded_at=entry.recorded_at,
        reason=entry.reason,
        significant_because=each.why,
        corrected_by=entry.corrected_by,
    )
