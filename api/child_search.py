"""Finding a child's case, for the API and the pages alike.

The child index (`projections/child_index.py`) gives the cases of the caller's area whose child
matches; only those the caller may read are shown (`api/policy.py`: a coordinator or business
support, every case of their area; a manager, their team's; a key worker, their own), and an
erased child is never shown. Each search is recorded with its purpose: once as a search, never
with what was searched for, and once on the trail of each case it showed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Request

from api.auth import Principal
from api.policy import cases_open_to
from api.reads import record_search
from api.schemas.search import FoundChild, MatchKind, PossibleExistingCase
from domain.case import Case
from projections.child_index import ChildIndex, IndexedCase
from services.keywork import Keywork
from store.blind_index import IndexKind, Sought

FIND_A_CHILD = "find a child"
POSSIBLE_EXISTING_CASE = "possible existing case"
MATCHED_BY: dict[IndexKind, MatchKind] = {
    "nhs_number": "nhs_number",
    "full_name_and_birth": "name_and_date_of_birth",
}


@dataclass(frozen=True)
class FoundPage:
    children: list[FoundChild]
    next_start: int | None


def find_children(
    request: Request, caller: Principal, sought: Sought, purpose: str, start: int, limit: int
) -> FoundPage:
    keywork, index = _parts(request)
    cases = _shown(caller, keywork, index.find(sought, caller.area))
    page = cases[start : start + limit]
    record_search(request, caller, FIND_A_CHILD, purpose, [case.id for case in page])
    more = start + limit < len(cases)
    return FoundPage([found_child(case) for case in page], start + limit if more else None)


def possible_existing_cases(
    request: Request, caller: Principal, child: Sought, purpose: str | None
) -> list[PossibleExistingCase]:
    """The open cases, and those closed within the reopen window or the year a referral is a
    return, whose child has the same NHS number, or the same names and date of birth: before a
    referral makes another. Each says what to do about it (`Case.next_step`)."""
    keywork, index = _parts(request)
    today = keywork.clock().date()
    matches = {m.case_id: m for m in index.possible_existing_cases(child, caller.area, today)}
    cases = _shown(caller, keywork, matches.values())
    record_search(request, caller, POSSIBLE_EXISTING_CASE, purpose, [case.id for case in cases])
    return [
        PossibleExistingCase(
            **found_child(case).model_dump(),
            matched_by=sorted(MATCHED_BY[kind] for kind in matches[case.id].matched_by),
            may_reopen=case.may_reopen(today, window),
            next_step=case.next_step(today, window),
        )
        for case in cases
        for window in [keywork.areas.settings_for(case.area).reopen_window_days]
    ]


def found_child(case: Case) -> FoundChild:
    return FoundChild(
        case_id=case.id,
        status=case.status,
        given_name=case.child.given_name,
        family_name=case.child.family_name,
        date_of_birth=case.child.date_of_birth,
        closed_on=case.closed_on,
    )


def _parts(request: Request) -> tuple[Keywork, ChildIndex]:
    return request.app.state.keywork, request.app.state.runner.get(ChildIndex)


def _shown(caller: Principal, keywork: Keywork, matches: Iterable[IndexedCase]) -> list[Case]:
    ids = [match.case_id for match in matches]
    return [case for case in cases_open_to(caller, keywork, ids) if not case.erased]
