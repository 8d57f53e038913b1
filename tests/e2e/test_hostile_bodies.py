"""Hand-picked hostile requests: NUL characters, oversized and deeply nested bodies, wrong
content types, unicode edge cases, and SQL or HTML in free text."""

import json
from typing import Any

from tests.e2e.bodies import case_with_a_letter, new_active_case, referral
from tests.e2e.conftest import RunningService


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def test_nul_characters_are_refused_wherever_they_come(service: RunningService) -> None:
    body = referral(needs=["sleep\x00"])
    refused = problem(service.post("/referrals", body), 422)
    assert refused["errors"] == [{"field": "needs", "rule": "no_nul_characters"}]
    assert problem(
        service.http.get("/trail", params={"actor": "a\x00b"}, headers=service.as_()), 422
    )
    assert problem(service.http.get("/teams/a%00b/caseloads", headers=service.as_()), 422)


def test_an_oversized_or_deeply_nested_body_is_refused(service: RunningService) -> None:
    huge = json.dumps(referral(needs=["x" * 1000] * 2000))
    problem(
        service.http.post(
            "/referrals", content=huge, headers=service.as_() | {"Content-Type": "application/json"}
        ),
        413,
    )
    deep = "[" * 10000 + "]" * 10000
    answer = service.http.post(
        "/referrals", content=deep, headers=service.as_() | {"Content-Type": "application/json"}
    )
    assert answer.status_code in (400, 422), answer.text  # too deep to parse, or not a referral
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_body_that_is_not_json_is_refused(service: RunningService) -> None:
    for content_type, content in (
        ("text/plain", "route=professional"),
        ("application/x-www-form-urlencoded", "route=professional"),
        ("application/json", "\xff\xfe"),
    ):
        answer = service.http.post(
            "/referrals", content=content, headers=service.as_() | {"Content-Type": content_type}
        )
        assert answer.status_code in (415, 422), (content_type, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


UNUSUAL_NAMES = ("Zoë Ødegård-Ńguyễn", "محمد", "李小龙", "Ana\u0301", "🦄 Sparkle", "O'Brien")


def test_names_in_any_script_are_kept_as_written(service: RunningService) -> None:
    for name in UNUSUAL_NAMES:
        child = {"given_name": name, "family_name": name, "date_of_birth": "2016-05-01"}
        created = service.post("/referrals", referral(child=child))
        assert created.status_code == 201, created.text
        summary = service.get(f"/cases/{created.json()['case_id']}").json()
        assert summary["child"]["given_name"] == name


def test_sql_and_html_in_free_text_are_stored_and_shown_as_text(service: RunningService) -> None:
    case_id = new_active_case(service)
    note = "Robert'); DROP TABLE keywork_events;-- <script>alert(1)</script>"
    recorded = service.post(f"/cases/{case_id}/contacts", {"kind": "phone", "note": note})
    assert recorded.status_code == 200
    timeline = service.get(f"/cases/{case_id}/timeline").json()["events"]
    assert timeline[-1]["details"]["note"] == note
    assert service.get(f"/cases/{case_id}").status_code == 200  # the store is still there


def test_a_letter_to_a_name_in_any_script_is_printed(service: RunningService) -> None:
    """A name the PDF font may not cover must not stop the letter (or the notifier)."""
    _, letter_id = case_with_a_letter(service, "1 Lane, Norwich, NR1 1AA", "李小龙 Ødegård")
    clerk = service.as_("business_support", "clerk-1")
    pdf = service.http.get(f"/letters/{letter_id}", headers=clerk)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
