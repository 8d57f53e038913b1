"""Referral intake: the form (the route, the child, the referrer, the family, needs, consent),
"check your answers", then the referral recorded by the same use case the API calls.

The answers travel between the steps in the form itself (hidden fields on "check your
answers"), never in a URL, and are checked by the API's own schema at each step. The check page
gives the submission a key, so pressing "Record" twice records one referral.
"""

import hashlib
import secrets
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.auth import Principal
from api.child_search import possible_existing_cases
from api.command_context import command_for
from api.dependencies import Runner
from api.policy import allowed
from api.routers.cases import refer_as, referral_of
from api.schemas.cases import ReferralIn
from api.web.forms import REFUSALS, refusal, settled
from api.web.pages import CASE_PAGE_READ_MODELS, render
from api.web.session import PAGES, csrf_checked, page_principal
from services.commands import Command
from services.keywork import Keywork
from store.blind_index import Sought

router = APIRouter(prefix=f"{PAGES}/referrals", include_in_schema=False)

Referring = Annotated[Principal, Depends(allowed("refer", page_principal))]
Recording = Annotated[Command, Depends(command_for("refer", page_principal))]

CHILD = ("given_name", "family_name", "nhs_number", "gp_practice", "postcode")
MEMBER = ("name", "relationship", "email", "phone", "postal_address", "language")
CHOSEN_BY_MEMBER = ("preferred_channel", "accessible_format")
MOST_MEMBERS = 10
# Why the access log shows the check for an existing case (the search is a recorded read).
CHECKING_FOR_A_CASE = "checking a new referral for an existing case"
# Answers chosen rather than typed: a missing one is "Choose ...", not "Enter ...".
CHOSEN = ("route", "area", "consent_to_share", "preferred_channel", "has_parental_responsibility")
TOLD_AS = {
    "route": "how the referral came",
    "consent_to_share": "whether the family consents to sharing",
}
ABOUT_THEM = {
    "has_parental_responsibility": "whether {who} has parental responsibility",
    "preferred_channel": "how {who} wants to hear from us",
    "in_complex_needs_school": "whether {who} attends a school for complex needs",
}
NAMED = {"nhs_number": "NHS number", "gp_practice": "GP practice", "date_of_birth": "date of birth"}


def entered(form: FormData) -> dict[str, Any]:
    """What the form holds, by its fields' names, as typed."""
    members = str(form.get("members", ""))
    count = min(max(int(members), 1), MOST_MEMBERS) if members.isdigit() else 1
    fields: dict[str, Any] = {name: str(value) for name, value in form.multi_items()}
    return fields | {"members": count, "needs": str(form.get("needs", ""))}


def body_of(fields: dict[str, Any], caller: Principal) -> dict[str, Any]:
    """The API's referral body from the form's fields; blanks left out, as a client would."""

    def text(name: str) -> str | None:
        value = str(fields.get(name, "")).strip()
        return value or None

    def choice(name: str) -> bool | None:
        return {"yes": True, "no": False}.get(str(fields.get(name, "")))

    day = [text(f"child-date_of_birth-{part}") for part in ("year", "month", "day")]
    born = "-".join(part.zfill(2) for part in day if part) if all(day) else None
    child: dict[str, Any] = {name: text(f"child-{name}") for name in CHILD}
    child |= {"date_of_birth": born, "in_complex_needs_school": choice("child-in_complex_needs")}
    family: list[dict[str, Any]] = [
        {name: text(f"family-{index}-{name}") for name in (*MEMBER, *CHOSEN_BY_MEMBER)}
        | {"has_parental_responsibility": choice(f"family-{index}-has_parental_responsibility")}
        | {"needs_interpreter": choice(f"family-{index}-needs_interpreter")}
        for index in range(fields["members"])
    ]
    body = {
        "route": text("route"),
        "area": caller.area or text("area"),
        "referrer": {"name": text("referrer-name"), "email": text("referrer-email")},
        "child": child,
        "family": family,
        "needs": [line.strip() for line in fields["needs"].splitlines() if line.strip()],
        "consent_to_share": choice("consent_to_share"),
        "previous_case_id": text("previous_case_id"),
    }
    return _without_blanks(body)


def _without_blanks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_blanks(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_blanks(item) for item in value]
    return value


def checked(body: dict[str, Any]) -> ReferralIn:
    return ReferralIn.model_validate(body)


def form_errors(request: Request, error: Exception) -> tuple[int, list[dict[str, str]]]:
    """The problem the API would answer, told at the form's fields."""
    problem = refusal(request, error)
    # A rule of the domain's says why in its detail; a schema's lists the fields instead.
    why = "" if isinstance(error, ValidationError) else f": {problem['detail']}"
    errors = [
        {"field": _form_field(each["field"]), "message": _message(each["field"], each["rule"], why)}
        for each in problem.get("errors") or []
    ]
    return problem["status"], errors


def _form_field(api_field: str) -> str:
    """`family[0].name` → the form's `family-0-name`; a date links to its day. The earlier case
    a referral names is chosen on the check page, not a field of the form."""
    field = api_field.replace("[", ".").replace("]", "").replace(".", "-")
    if field == "previous_case_id":
        return ""
    if field == "child-in_complex_needs_school":
        return "child-in_complex_needs"
    return f"{field}-day" if field.endswith("date_of_birth") else field


def _message(api_field: str, rule: str, why: str) -> str:
    label = _label(api_field)
    if rule == "missing":
        chosen = any(api_field.endswith(name) for name in CHOSEN)
        return f"{'Choose' if chosen else 'Enter'} {label}"
    if "date" in rule:
        return f"Enter a real {label}"
    return f"Check {label}{why}"


def _label(api_field: str) -> str:
    """`child.nhs_number` → "the child's NHS number", `family[1].name` → "family member 2's
    name", `family[0].preferred_channel` → "how family member 1 wants to hear from us"."""
    whole, _, name = api_field.rpartition(".")
    if whole.startswith("family["):
        who = f"family member {int(whole[7:-1]) + 1}"
    elif whole in ("child", "referrer"):
        who = f"the {whole}"
    else:
        return TOLD_AS.get(name, f"the {name.replace('_', ' ')}")
    if name in ABOUT_THEM:
        return ABOUT_THEM[name].format(who=who)
    return f"{who}'s {NAMED.get(name, name.replace('_', ' '))}"


@router.get("/new")
async def new_referral(request: Request, caller: Referring) -> HTMLResponse:
    return _form_page(request, caller, {"members": 1, "needs": ""})


@router.post("/check", dependencies=[Depends(csrf_checked)], response_model=None)
async def check_answers(request: Request, caller: Referring, command: Recording) -> Response:
    """Another family member, or the answers checked and shown back before anything is kept."""
    form = await request.form()
    fields = entered(form)
    if form.get("action") == "add_member":
        fields["members"] = min(fields["members"] + 1, MOST_MEMBERS)
        return _form_page(request, caller, fields)
    if form.get("action") == "change":
        return _form_page(request, caller, fields)
    try:
        referral = checked(body_of(fields, caller))
        await run_in_threadpool(
            keywork_of(request).check_referral, command, **referral_of(referral)
        )
    except REFUSALS as error:
        return _form_page(request, caller, fields, *form_errors(request, error))
    child = referral.child
    sought = Sought(child.nhs_number, child.family_name, child.date_of_birth, child.given_name)
    matches = await run_in_threadpool(
        possible_existing_cases, request, caller, sought, CHECKING_FOR_A_CASE
    )
    return render(
        request,
        "referral_check.html",
        caller=caller,
        referral=referral,
        fields=fields,
        submission=secrets.token_urlsafe(24),
        matches=matches,
    )


@router.post("", dependencies=[Depends(csrf_checked)], response_model=None)
async def record_referral(
    request: Request, caller: Referring, command: Recording, runner: Runner
) -> Response:
    form = await request.form()
    fields = entered(form)
    try:
        referral = checked(body_of(fields, caller))
        once = _once(command, str(form.get("submission", "")), fields)
        outcome = await run_in_threadpool(refer_as, keywork_of(request), once, referral)
    except REFUSALS as error:
        return _form_page(request, caller, fields, *form_errors(request, error))
    await run_in_threadpool(settled, runner, CASE_PAGE_READ_MODELS, outcome)
    return RedirectResponse(f"{PAGES}/cases/{outcome.aggregate_id}", status_code=303)


def _once(command: Command, submission: str, fields: dict[str, Any]) -> Command:
    """The command keyed by its check page, so a second press replays the first."""
    if not submission:
        return command
    answers = repr(sorted(fields.items())).encode()
    return replace(
        command,
        idempotency_key=f"referral-page-{submission}"[:200],
        fingerprint=hashlib.sha256(answers).hexdigest(),
    )


def keywork_of(request: Request) -> Keywork:
    keywork: Keywork = request.app.state.keywork
    return keywork


def _form_page(
    request: Request,
    caller: Principal,
    fields: dict[str, Any],
    status: int = 200,
    errors: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    areas = [(area, area.replace("_", " ").title()) for area in keywork_of(request).areas.names()]
    return render(
        request,
        "referral_form.html",
        status=status,
        caller=caller,
        fields=fields,
        errors=errors or [],
        err={error["field"]: error["message"] for error in errors or []},
        areas=areas,
        most_members=MOST_MEMBERS,
    )
