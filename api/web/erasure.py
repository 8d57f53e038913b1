"""The erasure of a child's personal data as a page: the API's `POST /cases/{id}/erasure`
(api/routers/data_protection.py), the same use case under the same role, `erase` (an admin).

An admin cannot read cases, so the page shows nothing of one: the manager or the data protection
officer gives them the case's reference, typed here. Each showing is recorded as a read of that
case (of none, before one is named), so that the case's trail has who came to erase it.
"""

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.command_context import command_for
from api.dependencies import Service
from api.reads import read_of
from api.schemas.cases import ReasonIn
from api.schemas.common import Body
from api.web.forms import FormPage, given, submitted
from api.web.pages import render
from api.web.session import PAGES, Caller, csrf_checked, page_principal
from domain.errors import InvalidValue
from services.commands import Command, NotFound

router = APIRouter(prefix=PAGES, include_in_schema=False)

WHAT = "erasure page"
ERASURE_READ = read_of("erase", "case", WHAT, "case_id", page_principal)
Erase = Annotated[Command, Depends(command_for("erase", page_principal))]
# What the page says was done, by the `done` its address carries.
DONE = {
    "erased": "The child's personal data is erased: case {}",
    "unchanged": "The child's personal data was already erased: case {}. Nothing has changed.",
}
WORDS = {
    ("case_id", "missing"): "Enter the case reference",
    ("case_id", "uuid_parsing"): "Enter the case reference exactly as you were given it",
    ("case_id", "known_case"): "There is no case with that reference: check it",
    ("reason", "missing"): "Enter the reason for the erasure",
    ("confirmed", "missing"): "Tick to confirm you understand this cannot be undone",
    ("confirmed", "literal_error"): "Tick to confirm you understand this cannot be undone",
}


class NamesACase(Body):
    case_id: UUID


# Bases in this order put the case first among the fields, and so among the errors, as on the form.
class ErasureForm(ReasonIn, NamesACase):
    """What the page is sent: the case the API's path names, the API's body, and the page's own
    confirmation that the erasure cannot be undone."""

    confirmed: Literal["yes"]


def erasure_form(
    request: Request, caller: Principal, status: int = 200, **shown: Any
) -> HTMLResponse:
    return render(request, "erasure.html", status, caller=caller, **shown)


@router.get("/erasure")
def erasure_page(
    request: Request,
    caller: Annotated[Principal, Depends(ERASURE_READ)],
    done: str = "",
    case_id: UUID | None = None,
) -> HTMLResponse:
    said = DONE.get(done) if case_id is not None else None
    return erasure_form(request, caller, done=said and said.format(case_id), entered={})


def reference(typed: str) -> str:
    """The case a form names, for the record of its page: none unless it is a case's reference
    (what else is typed there could be anything, a name even)."""
    try:
        return str(UUID(typed.strip()))
    except ValueError:
        return ""


@router.post("/erasure", dependencies=[Depends(csrf_checked)], response_model=None)
def erase(
    request: Request,
    caller: Caller,
    command: Erase,
    keywork: Service,
    case_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    entered = {"case_id": case_id, "reason": reason, "confirmed": confirmed}

    def act() -> str:
        body = ErasureForm.model_validate(
            given({"case_id": case_id.strip(), "reason": reason.strip(), "confirmed": confirmed})
        )
        try:
            outcome = keywork.erase_case(command, body.case_id, reason=body.reason)
        except NotFound:
            # The API's path names the case (a 404); here a field does, as in a body naming one.
            raise InvalidValue("case_id", "known_case", "case_id names no known case") from None
        done = "erased" if outcome.event_ids else "unchanged"
        return f"{PAGES}/erasure?done={done}&case_id={outcome.aggregate_id}"

    def draw(status: int, **shown: Any) -> HTMLResponse:
        return erasure_form(request, caller, status, **shown)

    page = FormPage(request, caller, draw, "case", reference(case_id), WHAT, worded=WORDS)
    return submitted(page, "erasure", entered, act)
