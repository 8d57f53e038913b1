"""One page per thing to do on a case: a form, checked by the API's own schema and recorded by
the use case the API calls, or shown again with the GOV.UK error summary and what was typed.

A `TaskForm` says what the page asks (its fields), which schema checks the answers, and which
use case records them. `add_task_pages` gives each its GET and POST at /ui/cases/{id}/{slug}.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.command_context import command_for
from api.problems import problem_of
from api.reads import record_read
from api.web.pages import CASE_READ, PAGES, render
from api.web.session import csrf_checked, page_principal
from domain.case import Case
from domain.errors import InvalidValue, NotAllowedNow
from services.commands import Command, Outcome
from services.keywork import Keywork

Kind = Literal["text", "long_text", "date", "number", "choice", "yes_no", "lines", "select"]


@dataclass(frozen=True)
class Field:
    """One question. `name` is the API body's field, dotted when nested (`facts.gp_in_area`)."""

    name: str
    label: str
    kind: Kind = "text"
    hint: str = ""
    # For choices and selects: (value, text) pairs; `choices_of` fills them from the case.
    choices: Sequence[tuple[str, str]] = ()
    optional: bool = False

    @property
    def id(self) -> str:
        return self.name.replace(".", "-")


@dataclass(frozen=True)
class TaskForm:
    slug: str
    title: str
    action: str  # the role table's action (services/permissions.py)
    schema: type[BaseModel]
    record: Callable[[Keywork, Command, UUID, Any], Outcome]
    fields: Sequence[Field]
    button: str = "Save"
    # What the page says first, and the choices that depend on the case or the directory
    # (field name → (value, text) pairs).
    intro_of: Callable[[Request, Case], str] = field(default=lambda request, case: "")
    choices_of: Callable[[Request, Case], dict[str, list[tuple[str, str]]]] = field(
        default=lambda request, case: {}
    )


def body_of(form: TaskForm, typed: dict[str, str]) -> dict[str, Any]:
    """The API body from the form's answers: blanks left out, as a client would leave them."""
    body: dict[str, Any] = {}
    for question in form.fields:
        value = _value(question, typed)
        if value is None:
            continue
        *parents, last = question.name.split(".")
        into = body
        for parent in parents:
            into = into.setdefault(parent, {})
        into[last] = value
    return body


def _value(question: Field, typed: dict[str, str]) -> Any:
    if question.kind == "date":
        parts = [
            typed.get(f"{question.id}-{part}", "").strip() for part in ("year", "month", "day")
        ]
        if not any(parts):
            return None
        return "-".join(part.zfill(2) for part in parts) if all(parts) else "-".join(parts)
    text = typed.get(question.id, "").strip()
    if not text:
        return None
    if question.kind == "yes_no":
        return {"yes": True, "no": False}.get(text, text)
    if question.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def errors_of(
    request: Request, form: TaskForm, error: Exception
) -> tuple[int, list[dict[str, str]]]:
    """The problem the API would answer, each error at the form's question with a message."""
    if isinstance(error, ValidationError):
        error = RequestValidationError(error.errors())
    problem = problem_of(request, error)
    why = "" if isinstance(error, RequestValidationError) else f": {problem['detail']}"
    by_name = {question.name: question for question in form.fields}
    errors = []
    for each in problem.get("errors") or [{"field": "", "rule": ""}]:
        question = by_name.get(each["field"].replace("[", ".").replace("]", ""))
        if question is None:
            errors.append({"field": "", "message": problem["detail"]})
            continue
        target = f"{question.id}-day" if question.kind == "date" else question.id
        errors.append({"field": target, "message": _message(question, each["rule"], why)})
    return problem["status"], errors


def _message(question: Field, rule: str, why: str) -> str:
    label = question.label[:1].lower() + question.label[1:]
    if rule == "missing":
        chosen = question.kind in ("choice", "yes_no", "select")
        return f"{'Choose' if chosen else 'Enter'} {label.rstrip('?')}"
    if question.kind == "date":
        return f"Enter a real date for {label}"
    return f"Check {label.rstrip('?')}{why}"


def add_task_pages(router: APIRouter, forms: Sequence[TaskForm]) -> None:
    for form in forms:
        _add(router, form)


def _add(router: APIRouter, form: TaskForm) -> None:
    records = command_for(form.action, page_principal)

    async def page(
        request: Request,
        case_id: UUID,
        caller: Principal = Depends(CASE_READ),  # noqa: B008 (FastAPI's way)
        _: Command = Depends(records),  # noqa: B008 (the caller may do it, not only read)
    ) -> HTMLResponse:
        return await _shown(request, form, caller, case_id, {})

    async def submit(
        request: Request,
        case_id: UUID,
        command: Command = Depends(records),  # noqa: B008
        caller: Principal = Depends(page_principal),  # noqa: B008 (already known: cached)
    ) -> Response:
        typed = {name: str(value) for name, value in (await request.form()).multi_items()}
        keywork: Keywork = request.app.state.keywork
        try:
            body = form.schema.model_validate(body_of(form, typed))
            await run_in_threadpool(form.record, keywork, command, case_id, body)
        except (ValidationError, InvalidValue, NotAllowedNow) as error:
            status, errors = errors_of(request, form, error)
            record_read(request, caller, "case", str(case_id), "case page")
            return await _shown(request, form, caller, case_id, typed, status, errors)
        return RedirectResponse(f"{PAGES}/cases/{case_id}", status_code=303)

    path = f"/cases/{{case_id}}/{form.slug}"
    router.add_api_route(path, page, methods=["GET"], name=f"{form.slug}_page")
    router.add_api_route(
        path,
        submit,
        methods=["POST"],
        name=f"{form.slug}_form",
        dependencies=[Depends(csrf_checked)],
        response_model=None,
    )


async def _shown(
    request: Request,
    form: TaskForm,
    caller: Principal,
    case_id: UUID,
    typed: dict[str, str],
    status: int = 200,
    errors: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    keywork: Keywork = request.app.state.keywork
    case = await run_in_threadpool(keywork.case, case_id)
    choices = form.choices_of(request, case)
    questions = [
        Field(q.name, q.label, q.kind, q.hint, choices.get(q.name, q.choices), q.optional)
        for q in form.fields
    ]
    return render(
        request,
        "task_form.html",
        status=status,
        caller=caller,
        case=case,
        form=form,
        intro=form.intro_of(request, case),
        questions=questions,
        typed=typed,
        errors=errors or [],
        err={error["field"]: error["message"] for error in errors or []},
    )
