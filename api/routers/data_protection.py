"""The family's consent to share, erasure of the child's personal data, and subject access."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Service
from api.reads import caught_up_with_everything, read_of
from api.routers.case_reads import timeline_entries
from api.schemas.cases import ConsentIn, ReasonIn, SubjectAccessOut
from api.schemas.common import CaseAccepted
from api.subject_access_pdf import subject_access_pdf
from consumers.pdf import PDF
from projections.trail import Views
from services.commands import Command

router = APIRouter(tags=["data protection"])

RecordConsent = Annotated[Command, Depends(command_for("record_consent"))]
OverrideConsent = Annotated[Command, Depends(command_for("override_consent"))]
Erase = Annotated[Command, Depends(command_for("erase"))]


@router.post("/cases/{case_id}/consent", response_model=CaseAccepted)
def record_consent(
    case_id: UUID, body: ConsentIn, command: RecordConsent, keywork: Service
) -> JSONResponse:
    """The family's consent to share the case with practitioners of other agencies, or its
    withdrawal."""
    outcome = keywork.record_consent(command.at(body.occurred_at), case_id, given=body.given)
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/consent-override", response_model=CaseAccepted)
def override_consent(
    case_id: UUID, body: ReasonIn, command: OverrideConsent, keywork: Service
) -> JSONResponse:
    """A coordinator shares the case without the family's consent (e.g. to safeguard the child),
    saying why; it lasts until the family's consent is next recorded."""
    outcome = keywork.override_consent(command.at(body.occurred_at), case_id, reason=body.reason)
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/erasure", response_model=CaseAccepted)
def erase(case_id: UUID, body: ReasonIn, command: Erase, keywork: Service) -> JSONResponse:
    """Destroys the child's key: their personal data becomes unreadable everywhere, for good.

    The reason is kept readable: give the legal basis or request reference, not personal data.
    Erasing an erased case changes nothing and answers with no new events.
    """
    outcome = keywork.erase_case(command.at(body.occurred_at), case_id, reason=body.reason)
    return accepted(outcome, "case_id")


@router.get(
    "/cases/{case_id}/subject-access",
    response_model=SubjectAccessOut,
    responses={200: {"content": {PDF: {}}}},
    dependencies=[
        Depends(read_of("read_subject_access", "case", "subject access export", "case_id"))
    ],
)
def subject_access(
    case_id: UUID,
    request: Request,
    keywork: Service,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Everything held about the child: the case's events, the read models' rows about it, who
    has read it, as recorded when it was asked for (503 while a read model is behind that). JSON,
    or a PDF for posting with `Accept: application/pdf`."""
    case = keywork.case(case_id)
    runner = request.app.state.runner
    caught_up_with_everything(runner)
    rows = {model.name: model.rows_about(str(case_id)) for model in runner.read_models.values()}
    export = jsonable_encoder(
        SubjectAccessOut(
            case_id=case_id,
            produced_at=keywork.clock(),
            erased=case.erased,
            events=timeline_entries(case_id, keywork.timeline(case_id)),
            read_models=rows,
            access_trail=runner.get(Views).rows_about(str(case_id))["views"],
        )
    )
    if accept is not None and PDF in accept:
        return Response(subject_access_pdf(export), media_type=PDF)
    return JSONResponse(export)
