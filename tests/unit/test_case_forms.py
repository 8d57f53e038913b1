"""A task page's answers become the API's body (api/web/case_forms.py): rows of a list, groups,
the command's path parameters checked with the body, and each error at its question."""

from datetime import date, datetime
from uuid import uuid4

import pytest
from fastapi import Request
from pydantic import ValidationError

from api.web.case_forms import body_of, errors_of
from api.web.closure_tasks import CORRECTION
from api.web.plan_tasks import OUTCOME, PLAN, SIGNATURE
from api.web.story import form_field
from api.web.team_tasks import COVER_END, TAC_CHANGE

NO_REQUEST = Request({"type": "http"})


def test_a_plans_actions_are_its_answered_rows_and_a_blank_row_between_is_asked_for() -> None:
    typed = {
        "summary": "Swimming",
        "outcomes": "Swims weekly\n\n  A wheelchair assessed  ",
        "actions-0-who": "Jo",
        "actions-0-what": "Refer",
        "actions-0-by-day": "3",
        "actions-0-by-month": "2",
        "actions-0-by-year": "2027",
    }
    body = body_of(PLAN, typed)
    assert body["outcomes"] == ["Swims weekly", "A wheelchair assessed"]
    assert body["actions"] == [{"who": "Jo", "what": "Refer", "by": "2027-02-03"}]

    gap = body_of(PLAN, typed | {"actions-2-who": "Sam", "actions-2-what": "Call"})
    assert gap["actions"][1] == {}
    with pytest.raises(ValidationError) as refused:
        PLAN.checks.model_validate(gap)
    status, errors = errors_of(NO_REQUEST, PLAN, refused.value)
    assert status == 422
    assert {"field": "actions-1-who", "message": "Enter action 2: who"} in errors
    assert {"field": "actions-2-by-day", "message": "Enter action 3: by when"} in errors


def test_a_commands_path_parameter_is_asked_and_checked_with_its_body() -> None:
    body = body_of(SIGNATURE, {"signed_by": "Alex", "signed_on-day": "1"})
    with pytest.raises(ValidationError) as refused:
        SIGNATURE.checks.model_validate(body)
    _, errors = errors_of(NO_REQUEST, SIGNATURE, refused.value)
    assert errors == [
        {"field": "signed_on-day", "message": "Enter a real date for signed on"},
        {"field": "plan_version", "message": "Choose which version"},
    ]
    typed = {"plan_version": "2", "signed_by": "Alex"}
    typed |= {"signed_on-day": "1", "signed_on-month": "3", "signed_on-year": "2026"}
    signed = SIGNATURE.checks.model_validate(body_of(SIGNATURE, typed))
    assert (signed.plan_version, signed.signed_on) == (2, date(2026, 3, 1))
    # The API's body schema itself still refuses a plan version in the body.
    with pytest.raises(ValidationError):
        SIGNATURE.schema.model_validate(body_of(SIGNATURE, typed))


def test_blank_optional_answers_are_left_out_as_a_client_leaves_them() -> None:
    assert body_of(COVER_END, {"on-day": "", "reason": "  "}) == {}
    member = str(uuid4())
    change = TAC_CHANGE.checks.model_validate(
        body_of(TAC_CHANGE, {"practitioner_id": member, "receives_plans": "no", "role": ""})
    )
    assert (change.role, change.receives_plans, change.channel) == (None, False, None)


def test_a_correction_names_its_replacement_as_a_group_and_times_are_in_england() -> None:
    event = str(uuid4())
    typed = {"corrects_event_id": event, "reason": "Wrong day"}
    assert body_of(CORRECTION, typed)["replacement"] == {}
    typed |= {"replacement-occurred_at-day": "2", "replacement-occurred_at-month": "7"}
    typed |= {"replacement-occurred_at-year": "2026", "replacement-occurred_at-time": "9:15"}
    correction = CORRECTION.checks.model_validate(body_of(CORRECTION, typed))
    assert correction.replacement.occurred_at == datetime.fromisoformat("2026-07-02T09:15+01:00")


def test_an_item_of_a_list_asked_in_lines_is_shown_at_the_list() -> None:
    typed = {"review_id": str(uuid4()), "attendees": "Alex", "child_views": "Happy"}
    typed |= {"decisions": "More swimming", "key_worker_confirmed": "maybe"}
    with pytest.raises(ValidationError) as refused:
        OUTCOME.checks.model_validate(body_of(OUTCOME, typed) | {"attendees": [1]})
    _, errors = errors_of(NO_REQUEST, OUTCOME, refused.value)
    fields = [error["field"] for error in errors]
    assert fields == ["attendees", "next_review_on-day", "key_worker_confirmed"]


def test_a_form_that_asks_a_list_in_one_box_shows_an_items_error_at_the_box() -> None:
    renamed = {"actions": "actions", "practitioner_id": ""}
    assert form_field("actions[3]", renamed) == "actions"
    assert form_field("actions.3", renamed) == "actions"
    assert form_field("practitioner_id", renamed) == ""  # at the page, there being no field
    assert form_field("held_on", renamed) == "held_on"
