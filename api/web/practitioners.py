"""A practitioner's page: their details, training and (to whom it is open) supervision, with the
forms to change their contact details, record training and supervision, and record their leaving.

Like the API's `GET /practitioners/{id}` it is open to the roles that may read the directory;
unlike it, each showing is recorded. The supervision is shown only to whom the API's supervision
read is open (a manager, their own team's; a key worker, their own), and recorded as that read.
"""

from typing import Annotated, Any, get_args
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.dependencies import Service
from api.policy import authorise
from api.reads import read_of, record_read
from api.schemas.directory import (
    ContactDetailsIn,
    LeavingIn,
    ProtectedTimeIn,
    SupervisionIn,
    TrainingIn,
)
from api.web.directory import (
    DONE,
    DirectoryForm,
    Sent,
    form_for,
    may_manage,
    stripped,
    to_practitioner,
)
from api.web.forms import FormPage, day_typed, given, submitted
from api.web.pages import child_names, render
from api.web.session import PAGES, csrf_checked, page_principal
from domain.directory import Course, Practitioner
from domain.supervision import MAX_ACTIONS, SupervisionKind
from projections.caseloads import caseload
from projections.directory import Directory
from projections.key_working import KeyWorking
from services.commands import NotFound
from services.keywork import Keywork
from services.permissions import ALLOWED, Forbidden

router = APIRouter(prefix=PAGES, include_in_schema=False)

PRACTITIONER_READ = read_of(
    "read_directory", "directory", "practitioner page", "practitioner_id", page_principal
)
# The leaving date is typed in three fields: its errors link to the first. A refusal about the
# practitioner (they have left) links to the page, there being no field for them.
LEAVING_FIELDS = {"on": "on-day", "practitioner_id": ""}
CONTACT_FIELDS = {"practitioner_id": ""}
TRAINING_FIELDS = {"completed_on": "completed_on-day", "expires_on": "expires_on-day"}
# The supervision's fields as the form has them: a date in three, each action a line of one
# text box, each case discussed a box of one group.
SUPERVISION_FIELDS = {
    "held_on": "held_on-day",
    "actions": "actions",
    "cases_discussed": "cases_discussed",
}
Supervising = Annotated[DirectoryForm, Depends(form_for("record_supervision"))]
COURSES = [(course, course.replace("_", " ").capitalize()) for course in get_args(Course)]
KINDS = [(kind, kind.replace("_", " ").capitalize()) for kind in get_args(SupervisionKind)]
WORDS = {
    ("practitioner_id", "in_post"): "They have left: their details can no longer be changed",
    ("email", "a_change"): "Change at least one of the contact details",
    ("on", "missing"): "Enter the date they left",
    ("on", "date_from_datetime_parsing"): "The date they left must be a real date",
    ("reason", "missing"): "Enter why they left",
    ("course", "missing"): "Select the course",
    ("completed_on", "missing"): "Enter the date they completed it",
    ("completed_on", "date_from_datetime_parsing"): "The date they completed it must be real",
    ("completed_on", "not_in_future"): "The date they completed it must be today or in the past",
    ("expires_on", "date_from_datetime_parsing"): "The date it expires must be a real date",
    ("expires_on", "after_completed_on"): "The date it expires must be after they completed it",
    ("held_on", "missing"): "Enter the date it was held",
    ("held_on", "date_from_datetime_parsing"): "The date it was held must be a real date",
    ("held_on", "not_in_future"): "The date it was held must be today or in the past",
    ("kind", "missing"): "Select the kind of supervision",
    ("supervisor_id", "missing"): "Select the supervisor",
    ("supervisor_id", "someone_else"): "The supervisor must be someone else",
    ("supervisor_id", "in_post"): "The supervisor has left: select someone in post",
    ("actions", "at_most_20"): f"Agree at most {MAX_ACTIONS} actions, one a line",
    ("hours_per_week", "missing"): "Enter the hours a week",
    ("hours_per_week", "float_parsing"): "Enter the hours a week as a number, like 7.5",
    ("hours_per_week", "greater_than_equal"): "The hours a week cannot be below 0",
    ("hours_per_week", "less_than_equal"): "The hours a week must be 40 or fewer",
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
        courses=COURSES,
        supervising=supervision_form(request, caller, keywork, practitioner),
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
    every = keywork.areas.for_team(practitioner.team_id).supervision_every_days
    today = keywork.clock().date()
    due = practitioner.supervision_due(today, every)
    return {
        "sessions": sorted(practitioner.supervision, key=lambda s: s.held_on, reverse=True),
        "every_days": every,
        "due_on": due,
        "overdue": due < today,
    }


def supervision_form(
    request: Request, caller: Principal, keywork: Keywork, practitioner: Practitioner
) -> dict[str, Any] | None:
    """The choices of the form to record their supervision, when the caller may: the kinds, the
    supervisors in post and the cases they hold today (a read of their caseload)."""
    if practitioner.left_on is not None or caller.role not in ALLOWED["record_supervision"]:
        return None
    try:
        authorise(request, caller, "record_supervision")
    except Forbidden:
        return None
    runner = request.app.state.runner
    today = keywork.clock().date()
    held = caseload(runner.get(KeyWorking), practitioner.id, today)
    record_read(request, caller, "caseload", str(practitioner.id), "supervision form")
    named = child_names(caller, keywork, held)
    supervisors = [
        (str(entry.practitioner_id), f"{entry.name}, {entry.role_title}")
        for entry in runner.get(Directory).practitioners()
        if entry.practitioner_id != practitioner.id
    ]
    return {
        "kinds": KINDS,
        "supervisors": supervisors,
        "cases": [
            (str(entry.case_id), named.get(entry.case_id, f"Case {entry.case_id}"))
            for entry in held
        ],
        "caller_id": caller.user,
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
    entered = dated("on", (day, month, year)) | {"reason": reason}

    def act() -> str:
        body = LeavingIn.model_validate(
            given({"on": day_typed(day, month, year), "reason": reason.strip()})
        )
        outcome = sent.keywork.leave_agency(
            sent.command, practitioner_id, on=body.on, reason=body.reason
        )
        return sent.settled(outcome, to_practitioner(practitioner_id, "leaving"))

    return submitted(form_page(sent, practitioner_id, LEAVING_FIELDS), "leaving", entered, act)


@router.post(
    "/practitioners/{practitioner_id}/training",
    dependencies=[Depends(csrf_checked)],
    response_model=None,
)
def record_training(
    practitioner_id: UUID,
    sent: Sent,
    course: Annotated[str, Form()] = "",
    completed_day: Annotated[str, Form(alias="completed_on-day")] = "",
    completed_month: Annotated[str, Form(alias="completed_on-month")] = "",
    completed_year: Annotated[str, Form(alias="completed_on-year")] = "",
    expires_day: Annotated[str, Form(alias="expires_on-day")] = "",
    expires_month: Annotated[str, Form(alias="expires_on-month")] = "",
    expires_year: Annotated[str, Form(alias="expires_on-year")] = "",
) -> Response:
    completed = (completed_day, completed_month, completed_year)
    expires = (expires_day, expires_month, expires_year)
    entered = {"course": course} | dated("completed_on", completed) | dated("expires_on", expires)

    def act() -> str:
        body = TrainingIn.model_validate(
            given(
                {
                    "course": course,
                    "completed_on": day_typed(*completed),
                    "expires_on": day_typed(*expires),
                }
            )
        )
        fields = body.model_dump(exclude={"occurred_at"})
        outcome = sent.keywork.record_training(sent.command, practitioner_id, **fields)
        return sent.settled(outcome, to_practitioner(practitioner_id, "training"))

    page = form_page(sent, practitioner_id, CONTACT_FIELDS | TRAINING_FIELDS)
    return submitted(page, "training", entered, act)


@router.post(
    "/practitioners/{practitioner_id}/supervision",
    dependencies=[Depends(csrf_checked)],
    response_model=None,
)
def record_supervision(
    practitioner_id: UUID,
    sent: Supervising,
    held_day: Annotated[str, Form(alias="held_on-day")] = "",
    held_month: Annotated[str, Form(alias="held_on-month")] = "",
    held_year: Annotated[str, Form(alias="held_on-year")] = "",
    kind: Annotated[str, Form()] = "",
    supervisor_id: Annotated[str, Form()] = "",
    cases_discussed: Annotated[list[str] | None, Form()] = None,
    actions: Annotated[str, Form()] = "",
) -> Response:
    held = (held_day, held_month, held_year)
    entered = dated("held_on", held) | {
        "kind": kind,
        "supervisor_id": supervisor_id,
        "cases_discussed": cases_discussed or [],
        "actions": actions,
    }

    def act() -> str:
        body = SupervisionIn.model_validate(
            given(
                {
                    "held_on": day_typed(*held),
                    "kind": kind,
                    "supervisor_id": supervisor_id,
                    "cases_discussed": entered["cases_discussed"],
                    "actions": [line.strip() for line in actions.splitlines() if line.strip()],
                }
            )
        )
        fields = body.model_dump(exclude={"occurred_at"})
        outcome = sent.keywork.record_supervision(sent.command, practitioner_id, **fields)
        return sent.settled(outcome, to_practitioner(practitioner_id, "supervision"))

    page = form_page(sent, practitioner_id, CONTACT_FIELDS | SUPERVISION_FIELDS)
    return submitted(page, "supervision", entered, act)


def dated(name: str, typed: tuple[str, str, str]) -> dict[str, str]:
    """A date input's three fields by their names on the form, as typed."""
    parts = ("day", "month", "year")
    return {f"{name}-{part}": value for part, value in zip(parts, typed, strict=True)}


@router.post(
    "/practitioners/{practitioner_id}/protected-time",
    dependencies=[Depends(csrf_checked)],
    response_model=None,
)
def agree_protected_time(
    practitioner_id: UUID, sent: Sent, hours_per_week: Annotated[str, Form()] = ""
) -> Response:
    entered = {"hours_per_week": hours_per_week}

    def act() -> str:
        body = ProtectedTimeIn.model_validate(given(stripped(entered)))
        outcome = sent.keywork.agree_protected_time(
            sent.command, practitioner_id, hours_per_week=body.hours_per_week
        )
        return sent.settled(outcome, to_practitioner(practitioner_id, "protected-time"))

    page = form_page(sent, practitioner_id, CONTACT_FIELDS)
    return submitted(page, "protected-time", entered, act)
