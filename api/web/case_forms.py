"""One page per thing to do on a case: a form, checked by the API's own schema and recorded by
the use case the API calls, or shown again with the GOV.UK error summary and what was typed.

A `TaskForm` says what the page asks (its fields), which schema checks the answers, and which
use case records them. `add_task_pages` gives each its GET and POST at /ui/cases/{id}/{slug}.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError, create_model
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.command_context import command_for
from api.dependencies import Runner
from api.reads import record_read
from api.web.forms import refusal, settled
from api.web.pages import CASE_PAGE_READ_MODELS, CASE_READ, PAGES, local_time, render
from api.web.session import csrf_checked, page_principal
from api.web.story import form_names
from domain.case import Case
from domain.errors import DomainError
from services.commands import Command, Outcome
from services.keywork import Keywork

Choices = list[tuple[str, str]]
# Records a form's checked answers on the case: keywork, the command, the case, the answers.
Record = Callable[[Keywork, Command, UUID, Any], Outcome]
Kind = Literal[
    "text", "long_text", "date", "date_time", "number", "choice", "yes_no", "lines", "select"
]


@dataclass(frozen=True)
class Field:
    """One question. `name` is the API body's field, dotted when nested (`facts.gp_in_area`),
    with a number for a row of a list (`actions.0.who`)."""

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
    record: Record
    fields: Sequence[Field]
    button: str = "Save"
    # What the page says first, and the choices that depend on the case or the directory
    # (field name → (value, text) pairs).
    intro_of: Callable[[Request, Case], str] = field(default=lambda request, case: "")
    choices_of: Callable[[Request, Case], dict[str, Choices]] = field(
        default=lambda request, case: {}
    )
    # The questions asked for the case (by name), when not every one is (`None`).
    asked_of: Callable[[Request, Case], Collection[str] | None] = field(
        default=lambda request, case: None
    )
    # What the API's path names besides the case (a review, a plan version): name → type. Each
    # is asked like the body's fields, checked with them, and given to `record` in the body.
    path: Mapping[str, type] = field(default_factory=dict)

    @cached_property
    def checks(self) -> type[BaseModel]:
        """The API's body schema, with the path's parameters when the command has any."""
        if not self.path:
            return self.schema
        asked: dict[str, Any] = {name: (kind, ...) for name, kind in self.path.items()}
        return create_model(f"{self.schema.__name__}Page", __base__=self.schema, **asked)


def asking(
    **sources: Callable[[Request, Case], Choices],
) -> Callable[[Request, Case], dict[str, Choices]]:
    """A form's `choices_of`: each field's choices from its source (api/web/case_choices.py)."""

    def choices(request: Request, case: Case) -> dict[str, Choices]:
        return {name: source(request, case) for name, source in sources.items()}

    return choices


def arguments(body: BaseModel) -> dict[str, Any]:
    """The checked answers as the use case's arguments, as a router passes them: all but when
    it happened, which a page leaves to the service (now)."""
    return body.model_dump(exclude={"occurred_at"})


def recorded_by(use_case: Callable[..., Outcome]) -> Record:
    """A form's `record` for a use case that takes the answers as they are, named as the
    application names it (`Keywork.hand_over`)."""

    def record(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
        return use_case(keywork, command, case_id, **arguments(body))

    return record


def body_of(form: TaskForm, typed: dict[str, str]) -> dict[str, Any]:
    """The API body from the form's answers: blanks left out, as a client would leave them.

    A group of questions is in the body however many are answered (so its schema says which
    are missing); a list's rows stop at the last one answered.
    """
    body: dict[str, Any] = {}
    for question in form.fields:
        value = _value(question, typed)
        *parents, last = question.name.split(".")
        into = body
        for parent in parents:
            into = into.setdefault(parent, {})
        if value is not None:
            into[last] = value
    return _listed(body)


def _listed(group: dict[str, Any]) -> Any:
    """The group, with each group numbered 0, 1, ... made a list, its unanswered end left off."""
    values = {name: _listed(v) if isinstance(v, dict) else v for name, v in group.items()}
    if not values or not all(name.isdigit() for name in values):
        return values
    rows = [values[name] for name in sorted(values, key=int)]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _value(question: Field, typed: dict[str, str]) -> Any:
    if question.kind in ("date", "date_time"):
        parts = [
            typed.get(f"{question.id}-{part}", "").strip() for part in ("year", "month", "day")
        ]
        if not any(parts):
            return None
        day = "-".join(part.zfill(2) for part in parts) if all(parts) else "-".join(parts)
        if question.kind == "date":
            return day
        return local_time(day, _clock(typed.get(f"{question.id}-time", "")))
    text = typed.get(question.id, "").strip()
    if not text:
        return None
    if question.kind == "yes_no":
        return {"yes": True, "no": False}.get(text, text)
    if question.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def _clock(typed: str) -> str:
    """A time as people type it (9:15, 9.15, 14:30) in ISO form (09:15); else as typed."""
    hours, _, minutes = typed.strip().replace(".", ":").partition(":")
    return f"{hours.zfill(2)}:{minutes}" if hours.isdigit() and minutes else typed.strip()


def errors_of(
    request: Request, form: TaskForm, error: Exception
) -> tuple[int, list[dict[str, str]]]:
    """The problem the API would answer, each error at the form's question with a message."""
    problem = refusal(request, error)
    # A rule of the domain's says why in its detail; a schema's lists the fields instead.
    why = "" if isinstance(error, ValidationError) else f": {problem['detail']}"
    by_name = {question.name: question for question in form.fields}
    errors = []
    for each in problem.get("errors") or [{"field": "", "rule": ""}]:
        question = _asked(by_name, each["field"])
        if question is None:
            errors.append({"field": "", "message": _sentence(problem["detail"])})
            continue
        dated = question.kind in ("date", "date_time")
        target = f"{question.id}-day" if dated else question.id
        errors.append({"field": target, "message": _message(question, each["rule"], why)})
    return problem["status"], errors


def _asked(by_name: dict[str, Field], api_field: str) -> Field | None:
    """The question for the API's field: `actions[0].who` is `actions.0.who`, and an item of a
    list asked in lines (`attendees[2]`) is the list's question."""
    name, whole = form_names(api_field)
    return by_name.get(name) or by_name.get(whole)


def _sentence(detail: str) -> str:
    return detail[:1].upper() + detail[1:]


def _message(question: Field, rule: str, why: str) -> str:
    label = question.label[:1].lower() + question.label[1:]
    if rule == "missing":
        chosen = question.kind in ("choice", "yes_no", "select")
        return f"{'Choose' if chosen else 'Enter'} {label.rstrip('?')}"
    if question.kind in ("date", "date_time") and not why:  # the date itself, not a rule
        return f"Enter a real date{' and time' if question.kind == 'date_time' else ''} for {label}"
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
        runner: Runner,
        command: Command = Depends(records),  # noqa: B008
        caller: Principal = Depends(page_principal),  # noqa: B008 (already known: cached)
    ) -> Response:
        typed = {name: str(value) for name, value in (await request.form()).multi_items()}
        keywork: Keywork = request.app.state.keywork
        try:
            body = form.checks.model_validate(body_of(form, typed))
            done = await run_in_threadpool(form.record, keywork, command, case_id, body)
        except (ValidationError, DomainError) as error:
            status, errors = errors_of(request, form, error)
            record_read(request, caller, "case", str(case_id), "case page")
            return await _shown(request, form, caller, case_id, typed, status, errors)
        await run_in_threadpool(settled, runner, CASE_PAGE_READ_MODELS, done)
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
    choices = await run_in_threadpool(form.choices_of, request, case)
    asked = form.asked_of(request, case)
    questions = [
        replace(q, choices=choices.get(q.name, q.choices))
        for q in form.fields
        if asked is None or q.name in asked
    ]
    return render(
        request,
        "task_form.html",
        status=status,
        caller=caller,
        case=case,
        form=form,
        intro=await run_in_threadpool(form.intro_of, request, case),
        questions=questions,
        typed=typed,
        errors=errors or [],
        err={error["field"]: error["message"] for error in errors or []},
    )
