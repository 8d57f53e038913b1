"""The chronology from the pages: mark an event of the case significant, and print the
chronology as a PDF (a recorded read)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from api.auth import Principal
from api.chronology import chronology, chronology_pdf
from api.dependencies import Service
from api.reads import read_of
from api.routers.case_reads import timeline_entries
from api.schemas.cases import SignificantIn
from api.web.case_forms import Field, TaskForm, add_task_pages
from api.web.headers import download
from api.web.session import PAGES, page_principal
from api.web.story import headline
from consumers.pdf import PDF
from domain.case import Case
from domain.significance import MILESTONES
from services.commands import Command, Outcome
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)

CHRONOLOGY_READ = read_of("read_chronology", "case", "chronology", "case_id", page_principal)


def mark(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
    return keywork.mark_significant(
        command, case_id, marked_event_id=body.event_id, reason=body.reason
    )


def unmarked_events(request: Request, case: Case) -> dict[str, list[tuple[str, str]]]:
    """The events not yet in the chronology, newest first, as the case page tells them."""
    keywork: Keywork = request.app.state.keywork
    entries = timeline_entries(case.id, keywork.timeline(case.id))
    left = [
        (str(entry.event_id), f"{entry.occurred_at:%-d %B %Y}: {headline(entry)}")
        for entry in reversed(entries)
        if entry.type not in MILESTONES and entry.event_id not in case.significant
    ]
    return {"event_id": left}


SIGNIFICANT = TaskForm(
    slug="significant-events",
    title="Add an event to the chronology",
    action="mark_significant",
    schema=SignificantIn,
    record=mark,
    choices_of=unmarked_events,
    button="Add to the chronology",
    fields=(
        Field("event_id", "Which event?", "select"),
        Field("reason", "Why does it matter?", "long_text"),
    ),
)
add_task_pages(router, (SIGNIFICANT,))


@router.get("/cases/{case_id}/chronology.pdf")
def chronology_download(
    case_id: UUID, keywork: Service, _: Annotated[Principal, Depends(CHRONOLOGY_READ)]
) -> Response:
    case = keywork.case(case_id)
    pdf = chronology_pdf(case, chronology(keywork, case), keywork.clock())
    return download(pdf, PDF, f"chronology-{case_id}.pdf")
