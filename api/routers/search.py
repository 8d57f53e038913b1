"""Finding a child: by NHS number, or by name and date of birth; and, before a referral, the
cases the child may already have. Both are reads, POSTed so that no detail of a child is ever in
a URL, and both are recorded (api/child_search.py)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request

from api.auth import Principal
from api.child_search import (
    FIND_A_CHILD,
    POSSIBLE_EXISTING_CASE,
    find_children,
    possible_existing_cases,
)
from api.dependencies import Runner
from api.pages import decode_cursor, encode_cursor
from api.reads import caught_up, search_by
from api.routers.read_models import MinPosition
from api.schemas.search import (
    ChildrenFoundOut,
    ChildSearchIn,
    PossibleExistingCasesOut,
    ReferredChildIn,
)
from projections.child_index import ChildIndex

router = APIRouter(tags=["finding a child"])

FindChild = Annotated[Principal, Depends(search_by("find_child", FIND_A_CHILD))]
FindExistingCase = Annotated[
    Principal, Depends(search_by("find_existing_case", POSSIBLE_EXISTING_CASE))
]


def index_caught_up(runner: Runner, min_position: MinPosition = None) -> None:
    """With `min_position` (a command's `X-Event-Position`), the search waits, briefly, until
    the child index has that event: a child just referred is then found."""
    caught_up(runner, runner.get(ChildIndex), min_position)


# A parameter after the caller's, so that who is asking is settled before anything else.
CaughtUp = Annotated[None, Depends(index_caught_up)]


@router.post("/children/search", response_model=ChildrenFoundOut)
def search_children(
    body: ChildSearchIn, request: Request, caller: FindChild, _: CaughtUp
) -> ChildrenFoundOut:
    """The cases you may read whose child has this NHS number, or this family name and date of
    birth (and given name, if you give one). Case, accents, spaces, hyphens and apostrophes in
    names do not matter. The search is recorded with its purpose; what you searched for is not
    kept."""
    start = decode_cursor(body.cursor)
    found = find_children(request, caller, body.sought(), body.purpose, start, body.limit)
    next_cursor = encode_cursor(found.next_start) if found.next_start is not None else None
    return ChildrenFoundOut(children=found.children, next_cursor=next_cursor)


@router.post("/referrals/possible-matches", response_model=PossibleExistingCasesOut)
def possible_matches(
    body: ReferredChildIn,
    request: Request,
    caller: FindExistingCase,
    _: CaughtUp,
    x_purpose: Annotated[str | None, Header(max_length=500)] = None,
) -> PossibleExistingCasesOut:
    """Before a referral: the open cases, and those closed within the reopen window or the last
    year, whose child has the same NHS number, or the same given name, family name and date of
    birth, each saying how it matched and its `next_step`: work the open case, reopen the closed
    one, or refer naming it as `previous_case_id`. Only cases you may read are answered; the
    read is recorded like any other (purpose: `X-Purpose`)."""
    cases = possible_existing_cases(request, caller, body.sought(), x_purpose)
    return PossibleExistingCasesOut(cases=cases)
