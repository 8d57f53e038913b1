"""Every way a request can be wrong: a clear problem+json, nothing written, nothing echoed."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.bodies import (
    CHILD_NAME,
    MEETS_NORFOLK,
    NHS_NUMBER,
    new_active_case,
    new_case,
    referral,
    today,
)
from tests.e2e.conftest import RunningService


def store_head(service: RunningService) -> int:
    return int(service.http.get("/health").json()["store_head"])


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:keywork:problem:")
    assert body["title"] and body["detail"]
    return body


def rules(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(error["field"], error["rule"]) for error in body["errors"]}


def test_no_token_is_401_and_a_forged_token_too(service: RunningService) -> None:
    assert_problem(service.http.post("/referrals", json=referral()), 401)
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}
    response = service.http.post("/referrals", json=referral(), headers=forged)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_role_not_allowed_the_action_is_403(service: RunningService) -> None:
    case_id = new_case(service)
    assert_problem(service.post("/referrals", referral(), role="commissioner"), 403)
    assert_problem(service.get(f"/cases/{case_id}", role="commissioner"), 403)
    assert_problem(service.get(f"/cases/{case_id}/key-worker", role="downstream"), 403)
    override = {"override": "accepted", "reason": "a key worker cannot override"}
    assert_problem(service.post(f"/cases/{case_id}/eligibility", override, role="manager"), 403)


def test_validation_names_field_and_rule_and_echoes_no_personal_data(
    service: RunningService,
) -> None:
    before = store_head(service)
    body = referral(route="carrier_pigeon")
    body["child"] |= {"date_of_birth": "not a date"}
    body["family"][0] |= {"preferred_channel": "telepathy"}
    response = service.post("/referrals", body)
    problem = assert_problem(response, 422)
    assert rules(problem) >= {
        ("route", "literal_error"),
        ("child.date_of_birth", "date_from_datetime_parsing"),
        ("family[0].preferred_channel", "literal_error"),
    }
    for secret in (CHILD_NAME.split()[0], NHS_NUMBER, "carrier_pigeon", "telepathy", "Alex"):
        assert secret not in response.text
    assert store_head(service) == before


def test_a_bad_nhs_number_is_refused_without_echoing_it(service: RunningService) -> None:
    body = referral()
    body["child"] |= {"nhs_number": "9434765918"}
    response = service.post("/referrals", body)
    assert rules(assert_problem(response, 422)) == {("child.nhs_number", "modulus_11")}
    assert "9434765918" not in response.text


def test_a_date_of_birth_in_the_future_is_refused(service: RunningService) -> None:
    body = referral()
    body["child"] |= {"date_of_birth": (datetime.now(UTC).date() + timedelta(days=2)).isoformat()}
    problem = assert_problem(service.post("/referrals", body), 422)
    assert rules(problem) == {("child.date_of_birth", "not_in_future")}


def test_an_event_cannot_be_said_to_occur_in_the_future(service: RunningService) -> None:
    case_id = new_case(service)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = service.post(
        f"/cases/{case_id}/contacts", {"kind": "phone", "occurred_at": tomorrow}
    )
    assert rules(assert_problem(response, 422)) == {("occurred_at", "not_in_future")}


def test_malformed_json_and_unknown_fields_are_422_not_500(service: RunningService) -> None:
    headers = service.as_() | {"Content-Type": "application/json"}
    response = service.http.post("/referrals", content=b'{"route": ', headers=headers)
    assert rules(assert_problem(response, 422)) == {("body", "json_invalid")}
    extra = assert_problem(service.post("/referrals", referral(ethnicity="x")), 422)
    assert rules(extra) == {("ethnicity", "extra_forbidden")}


def test_a_method_a_known_path_does_not_take_is_405_saying_which_it_does(
    service: RunningService,
) -> None:
    refused = assert_problem(service.http.put("/referrals", headers=service.as_()), 405)
    assert refused["title"] == "Method Not Allowed"
    assert service.http.put("/referrals").headers["allow"] == "POST"
    case_id = new_case(service)
    deleted = service.http.delete(f"/cases/{case_id}/eligibility", headers=service.as_())
    assert_problem(deleted, 405)
    assert deleted.headers["allow"] == "POST"


def test_an_unknown_case_is_refused_like_one_out_of_scope(service: RunningService) -> None:
    unknown, not_theirs = uuid4(), new_case(service)
    stranger = service.as_("key_worker", str(uuid4()))
    unknown_answer, not_theirs_answer = (
        assert_problem(service.http.get(f"/cases/{case_id}", headers=stranger), 403)
        for case_id in (unknown, not_theirs)
    )
    assert unknown_answer == not_theirs_answer
    assert_problem(service.get(f"/cases/{unknown}"), 403)
    assert_problem(service.post(f"/cases/{unknown}/contacts", {"kind": "phone"}), 403)
    assert_problem(service.get("/no/such/path"), 404)


def test_a_stale_if_match_is_409_with_the_current_version(service: RunningService) -> None:
    case_id = new_active_case(service)
    response = service.post(f"/cases/{case_id}/contacts", {"kind": "phone"}, If_Match='"2"')
    problem = assert_problem(response, 409)
    assert problem["current_version"] == 3
    assert response.headers["ETag"] == '"3"'
    fresh = service.post(f"/cases/{case_id}/contacts", {"kind": "phone"}, If_Match='"3"')
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == '"4"'
    malformed = service.post(f"/cases/{case_id}/contacts", {"kind": "phone"}, If_Match="three")
    assert rules(assert_problem(malformed, 422)) == {("If-Match", "etag")}


def test_an_idempotent_retry_returns_the_first_answer_and_writes_nothing(
    service: RunningService,
) -> None:
    first = service.post("/referrals", referral(), Idempotency_Key="referral-42")
    assert first.status_code == 201
    head = store_head(service)
    retry = service.post("/referrals", referral(), Idempotency_Key="referral-42")
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["X-Event-Position"] == first.headers["X-Event-Position"]
    assert store_head(service) == head
    changed = service.post("/referrals", referral(needs=[]), Idempotency_Key="referral-42")
    assert rules(assert_problem(changed, 422)) == {("Idempotency-Key", "same_request")}
    assert store_head(service) == head


def test_illegal_commands_for_the_case_state_are_409(service: RunningService) -> None:
    case_id = new_active_case(service)
    second = {"kind": "parent_carer", "from": today(), "parent_carer_name": "Alex Quillfeather"}
    problem = assert_problem(service.post(f"/cases/{case_id}/key-worker", second), 409)
    assert rules(problem) == {("kind", "one_key_worker")}
    assert (
        service.post(
            f"/cases/{case_id}/closure", {"reason": "needs_met", "family_agreed": True}
        ).status_code
        == 200
    )
    closed = assert_problem(service.post(f"/cases/{case_id}/contacts", {"kind": "phone"}), 409)
    assert rules(closed) == {("status", "case_open")}


def test_an_unknown_practitioner_cannot_be_key_worker(service: RunningService) -> None:
    case_id = new_case(service)
    service.post(
        f"/cases/{case_id}/eligibility",
        MEETS_NORFOLK,
    )
    allocation = {"kind": "designated", "from": today(), "practitioner_id": str(uuid4())}
    problem = assert_problem(service.post(f"/cases/{case_id}/key-worker", allocation), 422)
    assert rules(problem) == {("practitioner_id", "known_practitioner")}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)

# A valid body for each command; the fuzz test spoils one field at a time.
COMMANDS: dict[str, dict[str, Any]] = {
    "/referrals": referral(),
    "/cases/{case}/contacts": {"kind": "phone", "with": ["Alex"], "note": "n"},
    "/cases/{case}/tac-members": {
        "practitioner_id": str(uuid4()),
        "role": "r",
        "receives_plans": True,
        "channel": "email",
    },
    "/cases/{case}/reviews": {"at": "2030-01-01T10:00:00+00:00", "location": "Home"},
    "/cases/{case}/plans": {"summary": "s", "outcomes": ["o"], "actions": []},
    "/cases/{case}/plans/1/signature": {
        "signed_by": "Alex Quillfeather",
        "signed_on": "2026-01-01",
    },
    "/cases/{case}/handover": {"kind": "designated", "on": "2030-01-01", "reason": "r"},
    "/cases/{case}/cover": {
        "practitioner_id": str(uuid4()),
        "from": "2030-01-01",
        "until": "2030-02-01",
        "reason": "r",
    },
    "/cases/{case}/transfer": {"to_area": "norfolk", "move_on": "2030-01-01", "out_of_area": False},
    "/cases/{case}/corrections": {
        "corrects_event_id": str(uuid4()),
        "reason": "r",
        "replacement": {"note": "x"},
    },
    "/cases/{case}/service-agreement": {
        "contact_every_days": 28,
        "signed_by": "Alex Quillfeather",
        "signed_on": "2026-01-01",
    },
}


@pytest.fixture(scope="module")
def fuzzed_case(service: RunningService) -> str:
    return new_active_case(service)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_command_body_gets_a_500(
    service: RunningService, fuzzed_case: str, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(sorted(COMMANDS)))
    body = COMMANDS[path]
    field = data.draw(st.sampled_from(sorted(body)))
    spoiled = body | {field: data.draw(json_values)}
    response = service.post(path.format(case=fuzzed_case), spoiled)
    assert response.status_code in (200, 201, 404, 409, 422), response.text
