"""A practitioner's page: their details, training and (to whom it is open) supervision, with the
forms to change their contact details and to record their leaving.

Like the API's `GET /practitioners/{id}` it is open to the roles that may read the directory;
unlike it, each showing is recorded. The supervision is shown only to whom the API's supervision
read is open (a manager, their own team's; a key worker, their own), and recorded as that read.
"""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.dependencies import Service
from api.policy import authorise
from api.reads import read_of, record_read
from api.schemas.directory import ContactDetailsIn, LeavingIn
from api.web.directory import (
    DONE,
    DirectoryForm,
    Sent,
    may_manage,
    stripped,
    to_practitioner,
)
from api.web.forms import FormPage, day_typed, given, submitted
from api.web.pages import render
from api.web.session import PAGES, csrf_checked, page_principal
from domain.directory import Practitioner
from services.commands import NotFound
from services.keywork import Keywork
from services.permissions import Forbidden

router = APIRouter(prefix=PAGES, include_in_schema=False)

PRACTITIONER_READ = read_of(
    "read_directory", "directory", "practitioner page", "practitioner_id", page_principal
)
# The leaving date is typed in three fields: its errors link to the first. A refusal about the
# practitioner (they have left) links to the page, there being no field for them.
LEAVING_FIELDS = {"on": "on-day", "practitioner_id": ""}
CONTACT_FIELDS = {"practitioner_id": ""}
WORDS = {
    ("practitioner_id", "in_post"): "They have left: their details can no longer be changed",
    ("email", "a_change"): "Change at least one of the contact details",
    ("on", "missing"): "Enter the date they left",
    ("on", "date_from_datetime_parsing"): "The date they left must be a real date",
    ("reason", "missing"): "Enter why they left",
}


def practitioner_page(
    request: Request,
    caller: Principal,
    keywork: Keywork,
    practitioner_id: UUID,
    status: int = 200,
    **shown: Any,
) -> HTMLResponse:
    practitioner = keywork.practitioner(practitioner_id)
    try:
        agency = keywork.agency(practitioner.agency_id).name
    except NotFound:
        agency = None
    today = keywork.clock().date()
    return render(
        request,
        "practitioner.html",
        status,
        caller=caller,
        practitioner=practitioner,
        agency=agency,
        today=today,
        supervision=supervision_shown(request, caller, keywork, practitioner),
        may_manage=may_manage(caller),
        **shown,
    )


def supervision_shown(
    request: Request, caller: Principal, keywork: Keywork, practitioner: Practitioner
) -> dict[str, Any] | None:
    """Their supervision, when the caller may read it (and then recorded as read), else None."""
    try:
        authorise(request, caller, "read_supervision")
    except Forbidden:
        return None
    what = "supervision on the practitioner page"
    record_read(request, caller, "supervision", str(practitioner.id), what)
    every = keywork.rules.supervision_every_days
    today = keywork.clock().date()
    due = practitioner.supervision_due(today, every)
    return {
        "sessions": sorted(practitioner.supervision, key=lambda s: s.held_on, reverse=True),
        "every_days": every,
        "due_on": due,
        "overdue": due < today,
    }


@router.get("/practitioners/{practitioner_id}")
def practitioner(
    request: Request,
    practitioner_id: UUID,
    caller: Annotated[Principal, Depends(PRACTITIONER_READ)],
    keywork: Service,
    done: str = "",
) -> HTMLResponse:
    return practitioner_page(
        request, caller, keywork, practitioner_id, done=DONE.get(done), entered={}
    )


def form_page(sent: DirectoryForm, practitioner_id: UUID, renamed: dict[str, str]) -> FormPage:
    """The practitioner's page, as a form on it comes back with its errors."""

    def draw(status: int, **shown: Any) -> HTMLResponse:
        return practitioner_page(
            sent.request, sent.caller, sent.keywork, practitioner_id, status, **shown
        )

    return sent.page(draw, str(practitioner_id), "practitioner page", renamed, WORDS)


@router.post(
    "/practitioners/{practitioner_id}/contact-details",
    dependencies=[Depends(csrf_checked)],
    response_model=None,
)
def change_contact_details(
    practitioner_id: UUID,
    sent: Sent,
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    postal_address: Annotated[str, Form()] = "",
) -> Response:
    entered = {"email": email, "phone": phone, "postal_address": postal_address}

    def act() -> str:
        body = ContactDetailsIn.model_validate(given(stripped(entered)))
        fields = body.model_dump(exclude={"occurred_at"})
        outcome = sent.keywork.change_contact_details(sent.command, practitioner_id, **fields)
        return sent.settled(outcome, to_practitioner(practitioner_id, "contact-details"))

    return submitted(form_page(sent, practitioner_id, CONTACT_FIELDS), "contact", entered, act)


@router.post(
    "/practitioners/{practitioner_id}/leaving",
    dependencies=[Depends(csrf_checked)],
    response_model=None,
)
def record_leaving(
    practitioner_id: UUID,
    sent: Sent,
    day: Annotated[str, Form(alias="on-day")] = "",
    month: Annotated[str, Form(alias="on-month")] = "",
    year: Annotated[str, Form(alias="on-year")] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    entered = {"on-day": day, "on-month": month, "on-year": year, "reason": reason}

    def act() -> str:
        body = LeavingIn.model_validate(
            given({"on": day_typed(day, month, year), "reason": reason.strip()})
        )
        outcome = sent.keywork.leave_agency(
            sent.command, practitioner_id, on=body.on, reason=body.reason
        )
        return sent.settled(outcome, to_practitioner(practitioner_id, "leaving"))

    return submitted(form_page(sent, practitioner_id, LEAVING_FIELDS), "leaving", entered, act)
