"""What every read of personal data goes through: the role policy, then the access log.

Each read, allowed or refused, is recorded with who, what, when and the stated purpose
(the optional `X-Purpose` header).
"""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Request

from api.auth import Principal
from api.policy import Identify, authorise, principal
from domain.access import SubjectKind
from domain.errors import NotAllowedNow
from projections.read_model import ReadModel
from projections.runner import ProjectionRunner
from services.commands import NotCaughtUp
from services.permissions import Forbidden

MIN_POSITION_WAIT_SECONDS = 5.0
# What a search is recorded as reading: never what was searched for, which is personal data.
SEARCHED = "children"


def read_of(
    action: str,
    subject_kind: SubjectKind,
    what: str | Callable[[Request], str],
    subject_param: str,
    identify: Identify = principal,
) -> Callable[..., Principal]:
    """A dependency: lets the caller read if `action` allows, and records the read either way.

    The subject is the path (or query) parameter `subject_param`: a case, a practitioner, ...;
    `what` is read, or what it is, from the request, for a route that serves several things.
    """

    def check(
        request: Request,
        caller: Annotated[Principal, Depends(identify)],
        x_purpose: Annotated[str | None, Header(max_length=500)] = None,
    ) -> Principal:
        subject = request.path_params.get(subject_param) or request.query_params.get(subject_param)
        subject_id = str(subject or "")
        try:
            authorise(request, caller, action)
            refusal = None
        except Forbidden as refused:
            refusal = refused
        read = what(request) if callable(what) else what
        record_read(request, caller, subject_kind, subject_id, read, x_purpose, refusal is None)
        if refusal is not None:
            raise refusal
        return caller

    return check


def record_read(
    request: Request,
    caller: Principal,
    subject_kind: SubjectKind,
    subject_id: str,
    what: str,
    purpose: str | None = None,
    allowed: bool = True,
) -> None:
    request.app.state.access.record(
        actor=caller.user,
        role=caller.role,
        subject_kind=subject_kind,
        subject_id=subject_id,
        what=what,
        purpose=purpose,
        allowed=allowed,
    )


def search_by(action: str, what: str, identify: Identify = principal) -> Callable[..., Principal]:
    """A dependency for a search: lets the caller search if their role may `action`.

    A refusal is recorded here; an allowed search by `record_search`, once its purpose is read
    and what it shows is known.
    """

    def check(request: Request, caller: Annotated[Principal, Depends(identify)]) -> Principal:
        try:
            authorise(request, caller, action)
        except Forbidden:
            record_read(request, caller, "search", SEARCHED, what, allowed=False)
            raise
        return caller

    return check


def record_search(
    request: Request, caller: Principal, what: str, purpose: str | None, shown: Iterable[UUID]
) -> None:
    """A search, and each case it showed (so that the case's trail has it too)."""
    record_read(request, caller, "search", SEARCHED, what, purpose)
    for case_id in shown:
        record_read(request, caller, "case", str(case_id), what, purpose)


def caught_up(runner: ProjectionRunner, read_model: ReadModel, min_position: int | None) -> None:
    """Waits, briefly, for the read model to reach a command's position."""
    if min_position is None:
        return
    head = runner.apps[read_model.follows].recorder.max_notification_id() or 0
    if min_position > head:
        # The request is well formed: the store has not reached that position (yet).
        raise NotAllowedNow("min_position", "recorded_position", "no event has that position yet")
    if not runner.wait_for(read_model, min_position, MIN_POSITION_WAIT_SECONDS):
        raise NotCaughtUp(read_model.name)


def caught_up_with_everything(runner: ProjectionRunner) -> None:
    """Waits, briefly, until every read model has applied all that its store held when asked."""
    heads = {name: app.recorder.max_notification_id() or 0 for name, app in runner.apps.items()}
    for read_model in runner.read_models.values():
        caught_up(runner, read_model, heads[read_model.follows])


def as_at_day(as_at: date | datetime | None, today: date) -> date:
    if as_at is None:
        return today
    return as_at.date() if isinstance(as_at, datetime) else as_at


def known_at_time(known_at: date | datetime | None) -> datetime | None:
    """A time as given; a date means all that was recorded by the end of that day (UTC)."""
    if known_at is None or isinstance(known_at, datetime):
        return known_at
    return datetime.combine(known_at + timedelta(days=1), time(), UTC) - timedelta(microseconds=1)
