"""Business support's print queue as a page: the letters waiting to be posted, each with its PDF
and a form to mark it posted. The same reads (recorded alike) and the same use case as the API's
(api/routers/letters.py), under the same role, `print_letters`."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from api.auth import Principal
from api.dependencies import Queue
from api.policy import allowed
from api.reads import read_of
from api.web.pages import render
from api.web.session import PAGES, csrf_checked, page_principal

router = APIRouter(prefix=PAGES, include_in_schema=False)

QUEUE_READ = read_of("print_letters", "letters", "print queue page", "letter_id", page_principal)
LETTER_READ = read_of("print_letters", "letters", "letter", "letter_id", page_principal)
# Who a letter is for, by the kind of its recipient's opaque key: the name is in the letter.
RECIPIENTS = {"family": "Family member", "practitioner": "Practitioner", "referrer": "Referrer"}


def recipient(key: str) -> str:
    return RECIPIENTS.get(key.split(":", 1)[0], "Someone else")


@router.get("/letters")
def print_queue_page(
    request: Request,
    caller: Annotated[Principal, Depends(QUEUE_READ)],
    queue: Queue,
    posted: bool = False,
) -> HTMLResponse:
    return render(
        request,
        "letters.html",
        caller=caller,
        letters=queue.waiting(),
        recipient=recipient,
        done="Letter marked as posted" if posted else None,
    )


@router.get(
    "/letters/{letter_id}", response_class=FileResponse, dependencies=[Depends(LETTER_READ)]
)
def letter_pdf(letter_id: UUID, queue: Queue) -> FileResponse:
    return FileResponse(
        queue.printable(letter_id),
        media_type="application/pdf",
        filename=f"letter-{letter_id}.pdf",  # to print: the pages' policy would block a viewer
    )


@router.post(
    "/letters/{letter_id}/posted",
    dependencies=[Depends(csrf_checked), Depends(allowed("print_letters", page_principal))],
)
def mark_posted(letter_id: UUID, queue: Queue) -> RedirectResponse:
    queue.post(letter_id)
    return RedirectResponse(f"{PAGES}/letters?posted=true", status_code=303)
