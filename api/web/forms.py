"""What every page form does with what it is sent: call its use case and go on to the next page,
or show its page again with the errors the API would answer, the values as typed, and that page
recorded as read like any other showing of it."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.auth import Principal
from api.problems import problem_of
from api.reads import record_read
from api.web.story import error_messages
from domain.access import SubjectKind
from domain.errors import InvalidValue, NotAllowedNow
from projections.read_model import ReadModel
from projections.runner import ProjectionRunner
from services.commands import Outcome

# What a form's input can be refused for: each is answered as the API would, as a problem.
REFUSALS = (ValidationError, InvalidValue, NotAllowedNow)


def refusal(request: Request, error: Exception) -> dict[str, Any]:
    """The problem the API answers for a refused input (its body's validation, or the domain's)."""
    if isinstance(error, ValidationError):
        return problem_of(request, RequestValidationError(error.errors()))
    return problem_of(request, error)


def given(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields filled in: an empty one is missing, as if a client had left it out."""
    return {name: value for name, value in fields.items() if value not in ("", None, [])}


# How long a form waits for the read models of the page it goes to next.
SETTLE_SECONDS = 5.0


def settled(runner: ProjectionRunner, drawn_from: Sequence[type[ReadModel]], done: Outcome) -> None:
    """Waits, briefly, until the read models the next page is drawn from show what `done`
    recorded, so that the page shows it; the page is shown after the wait either way."""
    deadline = time.monotonic() + SETTLE_SECONDS
    for kind in drawn_from:
        runner.wait_for(runner.get(kind), done.position, max(0.0, deadline - time.monotonic()))


@dataclass(frozen=True)
class FormPage:
    """The page a form is on, to show again with its errors: how it is drawn (`draw(status,
    **context)`), and how a showing of it is recorded."""

    request: Request
    caller: Principal
    draw: Callable[..., HTMLResponse]
    subject_kind: SubjectKind
    subject_id: str
    what: str
    # The form's own names for the API's fields where they differ (errors link to the form's).
    renamed: dict[str, str] = field(default_factory=dict)
    # The form's own words for an error, by (field, rule): see `error_messages`.
    worded: dict[tuple[str, str], str] = field(default_factory=dict)


def submitted(
    page: FormPage, form: str, entered: dict[str, Any], act: Callable[[], str]
) -> Response:
    """Calls the use case (`act`, which answers where to go next) and goes there, or shows the
    form's page again with what is wrong, nothing written."""
    return answered(page, form, entered, lambda: RedirectResponse(act(), status_code=303))


def answered(
    page: FormPage, form: str, entered: dict[str, Any], act: Callable[[], Response]
) -> Response:
    """Answers what the use case (`act`) answers, a download say, or shows the form's page
    again with what is wrong."""
    try:
        return act()
    except REFUSALS as error:
        problem = refusal(page.request, error)
    # The form comes back on its page, which shows the record: a read like any other.
    record_read(page.request, page.caller, page.subject_kind, page.subject_id, page.what)
    errors = error_messages(problem, page.renamed, page.worded)
    return page.draw(problem["status"], errors=errors, form=form, entered=entered)


def day_typed(day: str, month: str, year: str) -> date | str | None:
    """A GOV.UK date input's three fields as a date, or as typed for validation to refuse."""
    parts = (day.strip(), month.strip(), year.strip())
    if not any(parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return "-".join(reversed(parts))


def error_at(errors: list[dict[str, str]] | None) -> dict[str, str]:
    """The first message for each field, for the form to show at the field."""
    found: dict[str, str] = {}
    for error in errors or []:
        found.setdefault(error["field"], error["message"])
    return found
