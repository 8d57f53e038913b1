"""Subject access and erasure through the API of the running service."""

import io
from typing import Any

from pypdf import PdfReader

from api.auth import Principal
from tests.e2e.bodies import CHILD_NAME, case_with_a_letter
from tests.e2e.conftest import RunningService

FAMILY_NAME = CHILD_NAME.split()[-1]
ADDRESS = "3 Wherry Row, Loddon, NR14 6AA"
ADMIN = Principal("admin-dpo", "admin")
REASON = {"reason": "Article 17 request DPO-2026-031"}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def subject_access(service: RunningService, case_id: str, accept: str) -> Any:
    response = service.http.get(
        f"/cases/{case_id}/subject-access", headers=service.bearer(ADMIN) | {"Accept": accept}
    )
    assert response.status_code == 200, response.text
    return response


def test_subject_access_gives_everything_held_about_the_child_as_json_and_pdf(
    service: RunningService,
) -> None:
    case_id, _ = case_with_a_letter(service, ADDRESS)
    service.http.get(f"/cases/{case_id}", headers=service.as_() | {"X-Purpose": "triage"})
    export = subject_access(service, case_id, "application/json").json()
    assert export["case_id"] == case_id and export["erased"] is False
    assert [e["type"] for e in export["events"]][:3] == [
        "Referred",
        "EligibilityDecided",
        "KeyWorkerAllocated",
    ]
    assert export["events"][0]["details"]["child"]["given_name"] == CHILD_NAME.split()[0]
    assert set(export["read_models"]) == {
        "key_working",
        "distribution_list",
        "actions",
        "views",
        "metrics",
        "directory",
        "child_index",
    }
    family_rows = export["read_models"]["distribution_list"]["family"]
    assert ADDRESS in {row["postal_address"] for row in family_rows}
    assert any(view["purpose"] == "triage" for view in export["access_trail"])

    pdf = subject_access(service, case_id, "application/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Information we hold about the child" in text
    assert FAMILY_NAME in text and "Referred" in text


def test_erasure_leaves_no_personal_data_in_any_answer_and_keeps_the_counts(
    service: RunningService,
) -> None:
    case_id, letter_id = case_with_a_letter(service, ADDRESS, accessible_format="easy_read")
    clerk = service.as_("business_support", "clerk-1")
    assert service.http.get(f"/letters/{letter_id}", headers=clerk).status_code == 200

    def letter_format() -> Any:
        [letter] = [
            row
            for row in service.http.get("/letters", headers=clerk).json()
            if row["letter_id"] == letter_id
        ]
        return letter["accessible_format"]

    assert letter_format() == "easy_read"
    coordinator_erasing = service.post(f"/cases/{case_id}/erasure", REASON)
    assert coordinator_erasing.status_code == 403

    erased = service.http.post(
        f"/cases/{case_id}/erasure", json=REASON, headers=service.bearer(ADMIN)
    )
    assert erased.status_code == 200 and len(erased.json()["event_ids"]) == 1
    again = service.http.post(
        f"/cases/{case_id}/erasure", json=REASON, headers=service.bearer(ADMIN)
    )
    assert again.status_code == 200 and again.json()["event_ids"] == []
    assert again.json()["version"] == erased.json()["version"]

    summary = service.get(f"/cases/{case_id}").json()
    assert summary["erased"] is True and summary["status"] == "active"
    assert summary["child"]["given_name"] == "[erased]"
    assert summary["child"]["date_of_birth"] is None
    assert len(summary["key_workers"]) == 1  # the facts of the work stay
    position = erased.headers["X-Event-Position"]
    answers = [
        service.get(f"/cases/{case_id}"),
        service.get(f"/cases/{case_id}/timeline?limit=500"),
        service.http.get(
            f"/cases/{case_id}/distribution-list",
            params={"min_position": position},
            headers=service.as_(),
        ),
        service.http.get(
            f"/cases/{case_id}/trail", params={"min_position": position}, headers=service.as_()
        ),
        subject_access(service, case_id, "application/json"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert FAMILY_NAME not in answer.text and ADDRESS not in answer.text, answer.url
        assert "alex@example.org" not in answer.text, answer.url
    assert FAMILY_NAME not in pdf_text(subject_access(service, case_id, "application/pdf").content)
    assert service.http.get(f"/letters/{letter_id}", headers=clerk).status_code == 404
    assert letter_format() is None  # what the family needed goes with the rest
    refused = service.post(f"/cases/{case_id}/contacts", {"kind": "phone"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["rule"] == "not_erased"
