"""The directory's pages: its agencies and practitioners, and the forms to register them.

Each mirrors the API (api/routers/directory.py): the list is the same read of the directory read
model, a form is the same use case under the same role (`manage_directory`), and every page shown
is a recorded read of the directory.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_args
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.command_context import command_for
from api.dependencies import Runner, Service
from api.pages import decode_cursor, encode_cursor, page_of
from api.reads import read_of
from api.schemas.directory import AgencyIn, PractitionerIn
from api.web.forms import FormPage, given, settled, submitted
from api.web.pages import render
from api.web.session import PAGES, Caller, csrf_checked, page_principal
from domain.directory import Sector
from projections.directory import Directory
from projections.runner import ProjectionRunner
from services.commands import Command, Outcome
from services.keywork import Keywork
from services.permissions import ALLOWED

router = APIRouter(prefix=PAGES, include_in_schema=False)

PRACTITIONERS_A_PAGE = 50
# What the next page says was done, by the `done` its address carries.
DONE = {
    "agency": "Agency registered",
    "practitioner": "Practitioner registered",
    "contact-details": "Contact details changed",
    "leaving": "Their leaving is recorded",
    "training": "Training recorded",
    "protected-time": "Protected time recorded",
    "supervision": "Supervision recorded",
}
SECTORS = [(sector, sector.replace("_", " ").capitalize()) for sector in get_args(Sector)]

DIRECTORY_READ = read_of("read_directory", "directory", "directory page", "cursor", page_principal)
AGENCY_FORM_READ = read_of(
    "manage_directory", "directory", "register agency page", "agency_id", page_principal
)
PRACTITIONER_FORM_READ = read_of(
    "manage_directory", "directory", "register practitioner page", "agency_id", page_principal
)
# The forms' words for what is missing or wrong (the rest are the problem's own).
AGENCY_WORDS = {
    ("name", "missing"): "Enter the agency's name",
    ("sector", "missing"): "Select the sector",
    ("sector", "literal_error"): "Select the sector",
}
PRACTITIONER_WORDS = {
    ("name", "missing"): "Enter their name",
    ("role_title", "missing"): "Enter their role title",
    ("agency_id", "missing"): "Select their agency",
    ("agency_id", "uuid_parsing"): "Select their agency",
    ("agency_id", "known_agency"): "Select their agency",
}


@dataclass(frozen=True)
class DirectoryForm:
    """A form of the directory's, sent by a caller allowed to keep the directory: the command
    for its use case, and what its pages are made from."""

    request: Request
    caller: Principal
    command: Command
    keywork: Keywork
    runner: ProjectionRunner

    def settled(self, outcome: Outcome, then: str) -> str:
        """Waits, briefly, until the directory read model shows what `outcome` recorded, so that
        the next page (`then`) lists it; that page is shown after the wait either way."""
        settled(self.runner, (Directory,), outcome)
        return then

    def page(
        self,
        draw: Callable[..., HTMLResponse],
        subject_id: str,
        what: str,
        renamed: dict[str, str],
        worded: dict[tuple[str, str], str],
    ) -> FormPage:
        """The form's page, to show again with its errors: a read of the directory."""
        caller = self.caller
        return FormPage(self.request, caller, draw, "directory", subject_id, what, renamed, worded)


def form_for(action: str) -> Callable[..., DirectoryForm]:
    """A dependency: the form sent, once the caller is allowed `action` (services/permissions)."""

    allowed_command = command_for(action, page_principal)

    def sent(
        request: Request,
        caller: Caller,
        keywork: Service,
        runner: Runner,
        command: Annotated[Command, Depends(allowed_command)],
    ) -> DirectoryForm:
        return DirectoryForm(request, caller, command, keywork, runner)

    return sent


Sent = Annotated[DirectoryForm, Depends(form_for("manage_directory"))]


def may_manage(caller: Principal) -> bool:
    return caller.role in ALLOWED["manage_directory"]


@router.get("/directory")
def directory_page(
    request: Request,
    caller: Annotated[Principal, Depends(DIRECTORY_READ)],
    runner: Runner,
    cursor: str | None = None,
    done: str = "",
) -> HTMLResponse:
    model = runner.get(Directory)
    offset = decode_cursor(cursor)
    found = model.practitioners(PRACTITIONERS_A_PAGE + 1, offset)
    practitioners, next_cursor = page_of(found, PRACTITIONERS_A_PAGE, offset)
    previous = max(offset - PRACTITIONERS_A_PAGE, 0)
    return render(
        request,
        "directory.html",
        caller=caller,
        practitioners=practitioners,
        agencies=model.agencies(),
        next_cursor=next_cursor,
        previous_cursor=encode_cursor(previous) if offset else None,
        may_manage=may_manage(caller),
        done=DONE.get(done),
    )


def agency_form(
    request: Request, caller: Principal, status: int = 200, **shown: Any
) -> HTMLResponse:
    return render(request, "agency_form.html", status, caller=caller, sectors=SECTORS, **shown)


@router.get("/agencies/new")
def new_agency(
    request: Request, caller: Annotated[Principal, Depends(AGENCY_FORM_READ)]
) -> HTMLResponse:
    return agency_form(request, caller, entered={})


@router.post("/agencies", dependencies=[Depends(csrf_checked)], response_model=None)
def register_agency(
    sent: Sent, name: Annotated[str, Form()] = "", sector: Annotated[str, Form()] = ""
) -> Response:
    def act() -> str:
        body = AgencyIn.model_validate(given({"name": name.strip(), "sector": sector}))
        outcome = sent.keywork.register_agency(sent.command, name=body.name, sector=body.sector)
        return sent.settled(outcome, f"{PAGES}/directory?done=agency")

    def draw(status: int, **shown: Any) -> HTMLResponse:
        return agency_form(sent.request, sent.caller, status, **shown)

    page = sent.page(draw, "", "register agency page", {}, AGENCY_WORDS)
    return submitted(page, "agency", {"name": name, "sector": sector}, act)


def practitioner_form(
    request: Request, caller: Principal, runner: ProjectionRunner, status: int = 200, **shown: Any
) -> HTMLResponse:
    agencies = [(str(agency.agency_id), agency.name) for agency in runner.get(Directory).agencies()]
    return render(
        request, "practitioner_form.html", status, caller=caller, agencies=agencies, **shown
    )


@router.get("/practitioners/new")
def new_practitioner(
    request: Request,
    caller: Annotated[Principal, Depends(PRACTITIONER_FORM_READ)],
    runner: Runner,
) -> HTMLResponse:
    return practitioner_form(request, caller, runner, entered={})


@router.post("/practitioners", dependencies=[Depends(csrf_checked)], response_model=None)
def register_practitioner(
    sent: Sent,
    name: Annotated[str, Form()] = "",
    role_title: Annotated[str, Form()] = "",
    agency_id: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    postal_address: Annotated[str, Form()] = "",
    team_id: Annotated[str, Form()] = "",
) -> Response:
    entered = {
        "name": name,
        "role_title": role_title,
        "agency_id": agency_id,
        "email": email,
        "phone": phone,
        "postal_address": postal_address,
        "team_id": team_id,
    }

    def act() -> str:
        body = PractitionerIn.model_validate(given(stripped(entered)))
        fields = body.model_dump(exclude={"occurred_at"})
        outcome = sent.keywork.register_practitioner(sent.command, **fields)
        return sent.settled(
            outcome, f"{PAGES}/practitioners/{outcome.aggregate_id}?done=practitioner"
        )

    def draw(status: int, **shown: Any) -> HTMLResponse:
        return practitioner_form(sent.request, sent.caller, sent.runner, status, **shown)

    page = sent.page(draw, "", "register practitioner page", {}, PRACTITIONER_WORDS)
    return submitted(page, "practitioner", entered, act)


def to_practitioner(practitioner_id: UUID, done: str) -> str:
    """To their page, saying what was done."""
    return f"{PAGES}/practitioners/{practitioner_id}?done={done}"


def stripped(entered: dict[str, str]) -> dict[str, str]:
    """The typed values without the spaces around them."""
    return {field: value.strip() for field, value in entered.items()}
