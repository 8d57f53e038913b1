"""The pages: a caseload, a case (its story, key workers, Team Around the Child,
distribution list, plans and outcomes) and its forms to record a contact, schedule a review and
score a held review's outcomes. Reads go through `read_of` and forms through `command_for`, with
the session as the caller, so each page is authorised and recorded like the API call it mirrors.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.command_context import command_for
from api.dependencies import Runner, Service
from api.policy import cases_open_to
from api.reads import read_of
from api.routers.case_reads import timeline_entries
from api.schemas.cases import ContactIn, ReviewIn
from api.schemas.outcomes import OutcomesIn
from api.web import forms
from api.web.forms import FormPage, error_at, given, settled
from api.web.session import (
    PAGES,
    Caller,
    csrf_checked,
    csrf_token,
    page_principal,
    remember_csrf,
)
from api.web.story import communication, headline, summary
from api.web.task_list import task_list
from domain.case import Case
from domain.errors import InvalidValue
from domain.functions import AREAS
from domain.outcomes import distance_travelled
from domain.significance import MILESTONES
from projections.caseloads import EVERYTHING_RECORDED, CaseloadEntry, caseload, who_is_key_worker
from projections.distribution_list import DistributionList
from projections.key_working import KeyWorking
from projections.runner import ProjectionRunner
from services.commands import Command, Outcome
from services.keywork import Keywork
from services.permissions import ALLOWED

router = APIRouter(prefix=PAGES, include_in_schema=False)
LONDON = ZoneInfo("Europe/London")
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["headline"] = headline
templates.env.filters["summary"] = summary
templates.env.filters["error_at"] = error_at
templates.env.filters["communication"] = communication


def _blank_as_none(value: object) -> object:
    return value or None


# A date a form may leave empty: browsers send "" for an empty date field.
FormDate = Annotated[date | None, BeforeValidator(_blank_as_none)]
AsAt = Annotated[FormDate, Query()]
CASELOAD_READ = read_of(
    "read_caseload", "caseload", "caseload page", "practitioner_id", page_principal
)
CASE_READ = read_of("read_case", "case", "case page", "case_id", page_principal)


def navigation(caller: Principal | None) -> list[tuple[str, str]]:
    """The pages the caller's role may open, for the menu."""
    if caller is None:
        return []
    pages = [
        ("My caseload", f"{PAGES}/caseloads/{caller.user}", "key_worker"),
        ("Team caseloads", f"{PAGES}/teams/{caller.team}", "manager"),
        ("Find a child", f"{PAGES}/find", "find_child"),
        ("New referral", f"{PAGES}/referrals/new", "refer"),
        ("Trail", f"{PAGES}/trail", "read_trail"),
        ("Metrics", f"{PAGES}/metrics", "read_metrics"),
        ("Directory", f"{PAGES}/directory", "read_directory"),
        ("Letters to post", f"{PAGES}/letters", "print_letters"),
        ("Erase a child's data", f"{PAGES}/erasure", "erase"),
    ]
    return [
        (label, href)
        for label, href, needs in pages
        if caller.role == needs or caller.role in ALLOWED.get(needs, ())
        if not (needs == "manager" and caller.team is None)
    ]


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    token = csrf_token(request)
    menu = navigation(context.get("caller"))
    response = templates.TemplateResponse(
        request, name, {"csrf": token, "navigation": menu, **context}, status_code=status
    )
    remember_csrf(response, token, request.url.scheme == "https")
    return response


# Where each role starts.
START = {
    "key_worker": lambda caller: f"/caseloads/{caller.user}",
    "manager": lambda caller: f"/teams/{caller.team}" if caller.team else "/trail",
    "commissioner": lambda caller: "/metrics",
    "admin": lambda caller: "/directory",
} | dict.fromkeys(("coordinator", "business_support", "downstream"), lambda _: "/find")


@router.get("")
async def home(caller: Caller) -> RedirectResponse:
    return RedirectResponse(f"{PAGES}{START[caller.role](caller)}", status_code=303)


def by_urgency(entry: CaseloadEntry) -> tuple[bool, date, date]:
    """Overdue contacts first, then the soonest review, then the soonest contact due."""
    return (
        not entry.contact_overdue,
        entry.next_review_on or date.max,
        entry.next_contact_due or date.max,
    )


def child_names(
    caller: Principal, keywork: Keywork, entries: list[CaseloadEntry]
) -> dict[UUID, str]:
    """The child's name for each case the caller may read; others show by case id alone."""
    readable = cases_open_to(caller, keywork, [entry.case_id for entry in entries])
    return {case.id: f"{case.child.given_name} {case.child.family_name}" for case in readable}


@router.get("/caseloads/{practitioner_id}")
def caseload_page(
    request: Request,
    practitioner_id: UUID,
    caller: Annotated[Principal, Depends(CASELOAD_READ)],
    keywork: Service,
    runner: Runner,
    as_at: AsAt = None,
) -> HTMLResponse:
    day = as_at or keywork.clock().date()
    entries = sorted(
        caseload(runner.get(KeyWorking), practitioner_id, day, EVERYTHING_RECORDED), key=by_urgency
    )
    return render(
        request,
        "caseload.html",
        caller=caller,
        practitioner=keywork.practitioner(practitioner_id),
        entries=entries,
        names=child_names(caller, keywork, entries),
        as_at=day,
    )


def people_of(keywork: Keywork, case: Case) -> dict[str, str]:
    """Names for the opaque recipient keys of plan copies, and for the TAC's practitioners."""
    names = {f"family:{index}": member.name for index, member in enumerate(case.family)}
    names["referrer"] = "The referrer"
    for practitioner_id in {*case.tac, *(w.practitioner_id for w in case.key_workers)}:
        if practitioner_id is not None:
            name = keywork.practitioner(practitioner_id).name
            names[f"practitioner:{practitioner_id}"] = names[str(practitioner_id)] = name
    return names


@dataclass(frozen=True)
class OnCase:
    """A request about one case, from a signed-in caller, with what its page is made from."""

    request: Request
    caller: Principal
    case_id: UUID
    keywork: Keywork
    runner: ProjectionRunner


def on_case(
    request: Request, case_id: UUID, caller: Caller, keywork: Service, runner: Runner
) -> OnCase:
    return OnCase(request, caller, case_id, keywork, runner)


About = Annotated[OnCase, Depends(on_case)]


# What the case page is drawn from besides the case: a form waits for them before going there.
CASE_PAGE_READ_MODELS = (KeyWorking, DistributionList)


def case_page_response(
    on: OnCase, as_at: date | None = None, status: int = 200, **form: Any
) -> HTMLResponse:
    today = on.keywork.clock().date()
    day = as_at or today
    events = list(reversed(timeline_entries(on.case_id, on.keywork.timeline(on.case_id))))
    case = on.keywork.case(on.case_id)
    recipients = on.runner.get(DistributionList).of(on.case_id, today)
    return render(
        on.request,
        "case.html",
        status=status,
        caller=on.caller,
        case=case,
        names=people_of(on.keywork, case),
        as_at=day,
        key_workers=who_is_key_worker(on.runner.get(KeyWorking), on.case_id, day),
        recipients=recipients,
        events=events,
        areas=AREAS,
        measure=on.keywork.areas.settings_for(case.area).outcome_measure,
        distance=distance_travelled(case.outcomes),
        tasks=task_list(case, on.caller),
        milestones=MILESTONES,
        **form,
    )


@router.get("/cases/{case_id}", dependencies=[Depends(CASE_READ)])
def case_page(on: About, as_at: AsAt = None) -> HTMLResponse:
    return case_page_response(on, as_at)


@dataclass(frozen=True)
class CaseForm:
    """A form on the case page: its name, and its own names for the API's fields where they
    differ (the errors link to the form's)."""

    name: str
    renamed: dict[str, str] = field(default_factory=dict)


def submitted(
    on: OnCase, form: CaseForm, entered: dict[str, Any], act: Callable[[], Outcome]
) -> Response:
    """Validates and records the form (`act`), or shows the case page again with its errors,
    from the same problem the API would answer."""

    def draw(status: int, errors: list[dict[str, str]], **shown: Any) -> HTMLResponse:
        named = {f"{form.name}_errors": errors, f"{form.name}_entered": shown["entered"]}
        return case_page_response(on, status=status, errors=errors, **named)

    def acted() -> str:
        settled(on.runner, CASE_PAGE_READ_MODELS, act())
        return f"{PAGES}/cases/{on.case_id}#story"

    page = FormPage(on.request, on.caller, draw, "case", str(on.case_id), "case page", form.renamed)
    return forms.submitted(page, form.name, entered, acted)


CONTACT = CaseForm("contact")
REVIEW = CaseForm("review", {"at": "on"})


@router.post("/cases/{case_id}/contacts", dependencies=[Depends(csrf_checked)], response_model=None)
def record_contact(
    on: About,
    command: Annotated[Command, Depends(command_for("record_contact", page_principal))],
    kind: Annotated[str, Form()] = "",
    participants: Annotated[str, Form(alias="with")] = "",
    note: Annotated[str, Form()] = "",
    functions: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    def act() -> Outcome:
        body = ContactIn.model_validate(
            given(
                {
                    "kind": kind,
                    "with": [line.strip() for line in participants.splitlines() if line.strip()],
                    "note": note.strip(),
                    "functions": functions,
                }
            )
        )
        return on.keywork.record_contact(
            command,
            on.case_id,
            kind=body.kind,
            participants=body.participants,
            note=body.note,
            functions=body.functions,
        )

    entered = {"kind": kind, "with": participants, "note": note, "functions": functions}
    return submitted(on, CONTACT, entered, act)


def local_time(day: str, at: str) -> datetime | str | None:
    """The date and time fields as a time in England, or as typed for validation to refuse."""
    if not day:
        return None
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(at or "10:00"), LONDON)
    except ValueError:
        return f"{day} {at}"


@router.post("/cases/{case_id}/reviews", dependencies=[Depends(csrf_checked)], response_model=None)
def schedule_review(
    on: About,
    command: Annotated[Command, Depends(command_for("schedule_review", page_principal))],
    day: Annotated[str, Form(alias="on")] = "",
    at: Annotated[str, Form(alias="time")] = "",
    location: Annotated[str, Form()] = "",
) -> Response:
    def act() -> Outcome:
        body = ReviewIn.model_validate(
            given({"at": local_time(day, at), "location": location.strip()})
        )
        _, outcome = on.keywork.schedule_review(
            command,
            on.case_id,
            at=body.at,
            location=body.location,
            requested_by=body.requested_by,
        )
        return outcome

    entered = {"on": day, "time": at, "location": location}
    return submitted(on, REVIEW, entered, act)


SCORES = CaseForm("scores")


@router.post(
    "/cases/{case_id}/outcome-scores", dependencies=[Depends(csrf_checked)], response_model=None
)
async def score_outcomes(
    on: About,
    command: Annotated[Command, Depends(command_for("record_review", page_principal))],
) -> Response:
    form = await on.request.form()
    review = str(form.get("review_id") or "")
    # The case's area decides what is scored: the domain checks the names against its measure.
    entered = {
        name.removeprefix("scores."): str(value)
        for name, value in form.items()
        if name.startswith("scores.")
    }

    def act() -> Outcome:
        body = OutcomesIn.model_validate(
            {"scores": {name: value for name, value in entered.items() if value}}
        )
        try:
            review_id = UUID(review)
        except ValueError:
            raise InvalidValue("review_id", "required", "choose the review") from None
        return on.keywork.measure_outcomes(command, on.case_id, review_id, body.scores)

    return await run_in_threadpool(submitted, on, SCORES, entered | {"review_id": review}, act)


@router.get("/go")
async def go(caller: Caller, case_id: str = "") -> RedirectResponse:
    try:
        return RedirectResponse(f"{PAGES}/cases/{UUID(case_id.strip())}", status_code=303)
    except ValueError:
        return RedirectResponse(f"{PAGES}/find", status_code=303)
