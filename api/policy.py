"""Who may do what: the one table of roles per action, enforced by one dependency."""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import InvalidToken, Principal, read_token

COORDINATION = frozenset({"coordinator", "manager"})
CASE_STAFF = frozenset({"coordinator", "key_worker", "business_support", "manager"})

KEY_WORKING = COORDINATION | {"key_worker"}

ALLOWED: dict[str, frozenset[str]] = {
    "refer": CASE_STAFF,
    "decide_eligibility": COORDINATION,
    "override_eligibility": frozenset({"coordinator"}),
    "allocate_key_worker": COORDINATION,
    "hand_over": COORDINATION,
    "arrange_cover": COORDINATION,
    "sign_service_agreement": KEY_WORKING,
    "record_contact": CASE_STAFF,
    "manage_team_around_the_child": CASE_STAFF,
    "schedule_review": CASE_STAFF,
    "record_review": CASE_STAFF,
    "draft_plan": KEY_WORKING,
    "sign_plan": CASE_STAFF,
    "distribute_plan": CASE_STAFF,
    "agree_transfer": KEY_WORKING,
    "close_case": KEY_WORKING,
    "audit_closure": frozenset({"manager"}),
    "reopen_case": COORDINATION,
    "correct": CASE_STAFF,
    "read_case": CASE_STAFF,
    "read_caseload": CASE_STAFF,
    "read_trail": COORDINATION,
    "read_team_caseloads": COORDINATION,
    "print_letters": COORDINATION | {"business_support"},
    "manage_directory": frozenset({"admin", "coordinator", "business_support"}),
    "read_directory": CASE_STAFF | {"admin"},
}


class NotAuthenticated(Exception):
    pass


class Forbidden(Exception):
    pass


bearer = HTTPBearer(auto_error=False)


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise NotAuthenticated("a bearer token is required")
    try:
        return read_token(credentials.credentials, request.app.state.settings.signing_secret)
    except InvalidToken:
        raise NotAuthenticated("the bearer token is not valid") from None


def require(caller: Principal, action: str) -> None:
    if caller.role not in ALLOWED[action]:
        raise Forbidden(f"the {caller.role} role may not {action.replace('_', ' ')}")


def require_own_caseload(caller: Principal, practitioner_id: UUID) -> None:
    """A key worker sees their own caseload; managers and coordinators see anyone's."""
    if caller.role == "key_worker" and caller.user != str(practitioner_id):
        raise Forbidden("a key worker may read only their own caseload")


def allowed(action: str) -> Callable[[Principal], Principal]:
    """A dependency that lets through only the roles allowed `action`."""

    def check(caller: Annotated[Principal, Depends(principal)]) -> Principal:
        require(caller, action)
        return caller

    return check
