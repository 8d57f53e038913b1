"""Who may do what, and to which cases: the one place every request is authorised.

Two questions, in order. May the caller's role do this at all (the `ALLOWED` table)? Then, for
a request about one case, caseload or team, is it within the caller's scope:

- coordinators and business support: the cases of their area;
- managers: the cases of their area worked by their team (or not yet allocated), their team's
  caseloads;
- key workers: the cases where they are key worker or cover today (both key workers during an
  overlap), and their own caseload; as a Team Around the Child member, read only, and only
  when the family consented to sharing with other agencies (or a coordinator overrode it);
- admin and downstream systems: any case, for what their role allows; an NHS system reading
  the FHIR view, only with the family's own consent to share (a coordinator's override opens
  the case to the practitioners around the child, not to other organisations' systems), and
  only with the FHIR scope in its token.

A case outside the caller's scope and a case that does not exist get the same 403, so a refusal
never tells whether the case exists; only callers who may reach every case get a 404.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api import logs
from api.auth import InvalidToken, Principal, read_token
from api.identity import ClaimMapping, NoAccess, person
from api.provider_tokens import ProviderTokens, is_ours
from domain.case import Case
from projections.key_working import KeyWorking
from services.case_access import CaseAccess
from services.commands import NotFound
from services.keywork import Keywork
from services.permissions import Forbidden, require

# The actions about one practitioner (named in the path) that are scoped to a worker or team.
ABOUT_A_WORKER = {
    "read_caseload": "read the caseload",
    "read_supervision": "read the supervision",
    "record_supervision": "record the supervision",
}
# What a Team Around the Child member from another agency may do with a case: read it.
READ_ACTIONS = frozenset({"read_case", "read_case_events"})
# Roles whose scope is every case: to them an unknown case is simply not found.
EVERY_CASE = frozenset({"admin", "downstream"})

# The OAuth scope (SMART on FHIR's, for a system reading every resource type) an action needs.
FHIR_SCOPE = "system/*.read"
SCOPES = {"read_fhir": FHIR_SCOPE}
# What goes to other organisations' systems only with the family's own consent to share.
FAMILY_CONSENT_ONLY = frozenset({"read_fhir"})

OUT_OF_SCOPE = "this case is not open to you"
NO_CONSENT = (
    "the family has not consented to sharing this case with other agencies, "
    "and no coordinator has overridden that"
)
NO_FAMILY_CONSENT = (
    "the family has not consented to sharing this case with other organisations' systems "
    "(a coordinator's override opens it to the Team Around the Child only)"
)


class NotAuthenticated(Exception):
    pass


bearer = HTTPBearer(auto_error=False)


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise NotAuthenticated("a bearer token is required")
    token = credentials.credentials
    provider: ProviderTokens | None = request.app.state.provider_tokens
    try:
        if is_ours(token) or provider is None:
            caller = read_token(token, request.app.state.settings.signing_secret)
        else:
            caller = await run_in_threadpool(_provider_caller, request, provider, token)
    except InvalidToken:
        raise NotAuthenticated("the bearer token is not valid") from None
    except NoAccess as refused:
        raise Forbidden(str(refused)) from None
    return logs.identified(caller)


def _provider_caller(request: Request, provider: ProviderTokens, token: str) -> Principal:
    """The person a provider access token is for, as the pages would see them at sign-in."""
    claims = provider.claims(token)
    state = request.app.state
    return person(
        claims, ClaimMapping.of(state.settings), state.keywork, state.runner.get(KeyWorking)
    )


def authorise(request: Request, caller: Principal, action: str) -> Case | None:
    """Lets the request through, or raises Forbidden (or NotFound) saying why.

    Returns the case the path names as it was loaded to decide (the cached one: only to read),
    so that a command decides on it rather than loading it again; None when no case is named.
    """
    require(caller.role, action)
    scope = SCOPES.get(action)
    if scope is not None and scope not in caller.scopes:
        raise Forbidden(f"the token does not carry the scope {scope}")
    params = request.path_params
    case_id = _uuid(params.get("case_id"))
    case = None
    if case_id is not None:
        keywork: Keywork = request.app.state.keywork
        case = keywork.case_or_none(case_id)
        access = None if case is None else keywork.access_to(case, caller.role == "manager")
        require_case(caller, action, access)
    if action in ABOUT_A_WORKER:
        practitioner = _uuid(params.get("practitioner_id"))
        if practitioner is not None:
            require_worker(request, caller, practitioner, ABOUT_A_WORKER[action])
    manager = caller.role == "manager"
    if action == "read_team_caseloads" and manager and params.get("team_id") != caller.team:
        raise Forbidden("a manager may read their own team's caseloads")
    return case


def require_case(caller: Principal, action: str, case: CaseAccess | None) -> None:
    if caller.role in EVERY_CASE:
        if case is None:
            raise NotFound("case")
        if action in FAMILY_CONSENT_ONLY and not case.family_consents:
            raise Forbidden(NO_FAMILY_CONSENT)
        return
    if case is None or caller.area != case.area:
        raise Forbidden(OUT_OF_SCOPE)
    if caller.role == "manager" and not (caller.team in case.teams or not case.allocated):
        raise Forbidden(OUT_OF_SCOPE)
    if caller.role == "key_worker" and caller.user not in case.working_now:
        if caller.user not in case.tac_members:
            raise Forbidden(OUT_OF_SCOPE)
        if action not in READ_ACTIONS:
            raise Forbidden("a Team Around the Child member may read the case, not change it")
        if not case.shared_with_other_agencies:
            raise Forbidden(NO_CONSENT)


def cases_open_to(
    caller: Principal, keywork: Keywork, case_ids: Iterable[UUID], action: str = "read_case"
) -> list[Case]:
    """The cases among `case_ids` the caller may `action`, loaded; the others are left out
    without a word, as if they did not exist."""
    found = []
    for case_id in case_ids:
        try:
            case = keywork.load(Case, case_id, copy=False)  # only read here
            require_case(caller, action, keywork.access_to(case, caller.role == "manager"))
        except (Forbidden, NotFound):
            continue
        found.append(case)
    return found


def require_worker(request: Request, caller: Principal, practitioner_id: UUID, what: str) -> None:
    """A key worker may see to only their own; a manager, to their own team's."""
    if caller.role == "key_worker" and caller.user != str(practitioner_id):
        raise Forbidden(f"a key worker may {what} of themselves only")
    if caller.role == "manager":
        try:
            team = request.app.state.keywork.practitioner(practitioner_id).team_id
        except NotFound:
            team = None
        if team is None or team != caller.team:
            raise Forbidden(f"a manager may {what} of their own team's workers only")


# Who is calling: the bearer token for the API (`principal`), the session for pages.
Identify = Callable[..., Awaitable[Principal]]


@dataclass(frozen=True)
class Authorised:
    caller: Principal
    case: Case | None  # the case the path names, as authorise() loaded it: only to read


def authorised(action: str, identify: Identify = principal) -> Callable[..., Authorised]:
    """A dependency that lets through only callers allowed `action` on what the path names."""

    def check(request: Request, caller: Annotated[Principal, Depends(identify)]) -> Authorised:
        return Authorised(caller, authorise(request, caller, action))

    return check


def allowed(action: str, identify: Identify = principal) -> Callable[..., Awaitable[Principal]]:
    """As `authorised`, for a route that needs only the caller."""

    async def caller(  # async: no I/O of its own, so no hop to a worker thread
        granted: Annotated[Authorised, Depends(authorised(action, identify))],
    ) -> Principal:
        return granted.caller

    return caller


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None  # the route's own validation answers 422 for it
