"""Business support's print queue as a page: the letters waiting to be posted, each with its PDF
and a form to mark it posted, and a form to print a stack of paper questionnaires. The same reads
(recorded alike) and the same use cases as the API's (api/routers/letters.py, and
`POST /feedback/questionnaires`), under the same role, `print_letters`."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.auth import Principal
from api.dependencies import Questionnaires, Queue
from api.policy import allowed
from api.reads import read_of
from api.schemas.feedback import MAX_STACK, StackIn
from api.web.forms import FormPage, answered, given
from api.web.headers import download
from api.web.pages import render
from api.web.session import PAGES, csrf_checked, page_principal
from consumers.letters import PrintQueue
from consumers.pdf import PDF

router = APIRouter(prefix=PAGES, include_in_schema=False)

QUEUE_PAGE = "print queue page"
QUEUE_READ = read_of("print_letters", "letters", QUEUE_PAGE, "letter_id", page_principal)
LETTER_READ = read_of("print_letters", "letters", "letter", "letter_id", page_principal)
# Who a letter is for, by the kind of its recipient's opaque key: the name is in the letter.
RECIPIENTS = {"family": "Family member", "practitioner": "Practitioner", "referrer": "Referrer"}
# An area-less caller's refusal names no field of the form: it links to the page.
STACK_FIELDS = {"area": ""}
STACK_WORDS = {
    ("count", "missing"): "Enter how many questionnaires to print",
    ("count", "int_parsing"): "Enter how many as a whole number, like 20",
    ("count", "greater_than_equal"): "Print at least 1 questionnaire",
    ("count", "less_than_equal"): f"Print {MAX_STACK} questionnaires or fewer at a time",
    ("area", "known_area"): "You have no area to print questionnaires for",
}


def recipient(key: str) -> str:
    return RECIPIENTS.get(key.split(":", 1)[0], "Someone else")


def letters_page(
    request: Request, caller: Principal, queue: PrintQueue, status: int = 200, **shown: Any
) -> HTMLResponse:
    return render(
        request,
        "letters.html",
        status,
        caller=caller,
        letters=queue.waiting(),
        recipient=recipient,
        max_stack=MAX_STACK,
        **shown,
    )


@router.get("/letters")
def print_queue_page(
    request: Request,
    caller: Annotated[Principal, Depends(QUEUE_READ)],
    queue: Queue,
    posted: bool = False,
) -> HTMLResponse:
    done = "Letter marked as posted" if posted else None
    return letters_page(request, caller, queue, done=done, entered={})


@router.get(
    "/letters/{letter_id}", response_class=FileResponse, dependencies=[Depends(LETTER_READ)]
)
def letter_pdf(letter_id: UUID, queue: Queue) -> FileResponse:
    return FileResponse(
        queue.printable(letter_id),
        media_type=PDF,
        filename=f"letter-{letter_id}.pdf",  # to print: the pages' policy would block a viewer
    )


@router.post(
    "/letters/{letter_id}/posted",
    dependencies=[Depends(csrf_checked), Depends(allowed("print_letters", page_principal))],
)
def mark_posted(letter_id: UUID, queue: Queue) -> RedirectResponse:
    queue.post(letter_id)
    return RedirectResponse(f"{PAGES}/letters?posted=true", status_code=303)


@router.post("/letters/questionnaires", dependencies=[Depends(csrf_checked)], response_model=None)
def print_questionnaires(
    request: Request,
    caller: Annotated[Principal, Depends(allowed("print_letters", page_principal))],
    queue: Queue,
    printer: Questionnaires,
    count: Annotated[str, Form()] = "",
) -> Response:
    def act() -> Response:
        body = StackIn.model_validate(given({"count": count.strip()}))
        pdf = printer.print_stack(caller.area, body.count)
        return download(pdf, PDF, "questionnaires.pdf")

    def draw(status: int, **shown: Any) -> HTMLResponse:
        return letters_page(request, caller, queue, status, **shown)

    page = FormPage(request, caller, draw, "letters", "", QUEUE_PAGE, STACK_FIELDS, STACK_WORDS)
    return answered(page, "questionnaires", {"count": count}, act)
