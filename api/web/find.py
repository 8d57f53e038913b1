"""Find a child: by NHS number, or by name and date of birth, with the purpose of the search;
and open a case by its reference.

The search form is POSTed, so that nothing typed about a child is ever in a URL (and so in a
browser's history or a proxy's log). It is the API's search (`POST /children/search`) behind
the same policy, recorded the same way (api/child_search.py), its errors from the same problem.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.auth import Principal
from api.child_search import FIND_A_CHILD, find_children
from api.reads import search_by
from api.schemas.search import ChildSearchIn
from api.web.forms import day_typed, error_at, given, refusal
from api.web.pages import render
from api.web.session import PAGES, Caller, csrf_checked, page_principal
from api.web.story import error_messages
from domain.errors import InvalidValue
from services.permissions import ALLOWED

router = APIRouter(prefix=PAGES, include_in_schema=False)

FIND = search_by("find_child", FIND_A_CHILD, page_principal)
SHOWN = 50  # cases on the page; more, and the page asks for a narrower search
# The date of birth is three fields: an error about it links to the first.
FORM_FIELDS = {"date_of_birth": "date_of_birth-day"}


@router.get("/find")
async def find_page(request: Request, caller: Caller) -> HTMLResponse:
    shown: dict[str, Any] = {"may_search": may_search(caller), "entered": {}, "err": {}}
    return render(request, "find.html", caller=caller, **shown)


def may_search(caller: Principal) -> bool:
    return caller.role in ALLOWED["find_child"]


@router.post("/find", dependencies=[Depends(csrf_checked)])
def find_a_child(
    request: Request,
    caller: Annotated[Principal, Depends(FIND)],
    nhs_number: Annotated[str, Form()] = "",
    family_name: Annotated[str, Form()] = "",
    given_name: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date_of_birth-day")] = "",
    month: Annotated[str, Form(alias="date_of_birth-month")] = "",
    year: Annotated[str, Form(alias="date_of_birth-year")] = "",
    purpose: Annotated[str, Form()] = "",
) -> HTMLResponse:
    entered = {
        "nhs_number": nhs_number,
        "family_name": family_name,
        "given_name": given_name,
        "date_of_birth-day": day,
        "date_of_birth-month": month,
        "date_of_birth-year": year,
        "purpose": purpose,
    }
    shown: dict[str, Any] = {"caller": caller, "may_search": True, "entered": entered, "err": {}}
    try:
        body = ChildSearchIn.model_validate(
            given(
                {
                    "nhs_number": nhs_number.strip(),
                    "family_name": family_name.strip(),
                    "given_name": given_name.strip(),
                    "date_of_birth": day_typed(day, month, year),
                    "purpose": purpose.strip(),
                    "limit": SHOWN,
                }
            )
        )
        found = find_children(request, caller, body.sought(), body.purpose, 0, SHOWN)
    except (ValidationError, InvalidValue) as error:
        problem = refusal(request, error)
    else:
        more = found.next_start is not None
        return render(request, "find.html", found=found.children, more=more, **shown)
    errors = error_messages(problem, FORM_FIELDS)
    shown["err"] = error_at(errors)
    return render(request, "find.html", status=problem["status"], errors=errors, **shown)
