"""The service's logs: JSON lines that name requests, callers and cases by opaque ids only."""

import json
import uuid
from typing import Any

from tests.e2e.bodies import MEETS_NORFOLK, new_practitioner, referral, today
from tests.e2e.conftest import RunningService

CHILD = {
    "given_name": "Zephyrine",
    "family_name": "Quillfeather",
    "date_of_birth": "2015-02-17",
    "nhs_number": "4852731195",
    "postcode": "NR18 0QT",
}
ADDRESS = "17 Larkspur Mews, Wymondham"
PARENT: dict[str, Any] = {
    "name": "Barnaby Quillfeather",
    "relationship": "father",
    "email": "barnaby.quillfeather@example.net",
    "phone": "07700 900461",
    "postal_address": ADDRESS,
    "preferred_channel": "letter",
    "has_parental_responsibility": True,
}
FAILS_CHECK_DIGIT = "4852731196"

PERSONAL = (
    "Zephyrine",
    "Quillfeather",
    "4852731195",
    "485 273 1195",
    FAILS_CHECK_DIGIT,
    "2015-02-17",
    "NR18 0QT",
    "barnaby.quillfeather@example.net",
    "07700 900461",
    "07700900461",
    "Larkspur Mews",
)


def log_lines(service: RunningService) -> list[dict[str, Any]]:
    lines = service.log.read_text().splitlines()
    for line in lines:
        assert line.startswith("{"), f"not a JSON log line: {line!r}"
        for value in PERSONAL:
            assert value not in line, f"{value!r} is in the service log: {line}"
    return [json.loads(line) for line in lines]


def test_the_log_carries_ids_and_no_personal_data(service: RunningService) -> None:
    ids = {step: str(uuid.uuid4()) for step in ("refer", "contact", "invalid", "unchecked")}

    practitioner_id = new_practitioner(service)
    referred = service.post(
        "/referrals",
        referral(child=CHILD, family=[PARENT]),
        X_Request_ID=ids["refer"],
    )
    assert referred.status_code == 201, referred.text
    assert referred.headers["X-Request-ID"] == ids["refer"]
    case_id = referred.json()["case_id"]
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    allocation = {"kind": "designated", "from": today(), "practitioner_id": practitioner_id}
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200
    contact = service.post(
        f"/cases/{case_id}/contacts",
        {
            "kind": "home_visit",
            "with": [PARENT["name"]],
            "note": "Zephyrine showed Barnaby Quillfeather her new chair at 17 Larkspur Mews",
        },
        role="key_worker",
        user=practitioner_id,
        X_Request_ID=ids["contact"],
    )
    assert contact.status_code == 200, contact.text

    auth = service.as_()
    assert service.get(f"/cases/{case_id}").status_code == 200
    # A query string is never logged, whatever it carries.
    timeline = service.http.get(
        f"/cases/{case_id}/timeline", params={"search": "Zephyrine Quillfeather"}, headers=auth
    )
    assert timeline.status_code == 200
    distribution = service.http.get(
        f"/cases/{case_id}/distribution-list",
        params={"min_position": contact.headers["X-Event-Position"]},
        headers=auth,
    )
    assert distribution.status_code == 200, distribution.text
    assert ADDRESS in distribution.text  # personal data in, none in the log
    # Nor is a path as sent: only its route's template.
    assert service.get("/cases/Zephyrine-Quillfeather").status_code == 422

    invalid = service.post(
        "/referrals",
        referral(child=CHILD, family=[PARENT | {"email": "barnaby.quillfeather-at-example"}]),
        X_Request_ID=ids["invalid"],
    )
    assert invalid.status_code == 422
    unchecked = service.post(
        "/referrals",
        referral(child=CHILD | {"nhs_number": FAILS_CHECK_DIGIT}, family=[PARENT]),
        X_Request_ID=ids["unchecked"],
    )
    assert unchecked.status_code == 422
    # A request id that is not a UUID is replaced, not logged; so is a path no route knows.
    unknown_path = service.http.get("/Zephyrine-Quillfeather", headers=service.as_())
    assert unknown_path.status_code == 404
    renamed = service.post("/referrals", {}, X_Request_ID="Zephyrine Quillfeather")
    assert renamed.headers["X-Request-ID"] != "Zephyrine Quillfeather"

    records = log_lines(service)
    by_request = {r["request_id"]: r for r in records if r.get("logger") == "keywork.access"}
    refer = by_request[ids["refer"]]
    assert (refer["level"], refer["method"], refer["path"], refer["status"]) == (
        "INFO",
        "POST",
        "/referrals",
        201,
    )
    assert refer["user_id"] == "coordinator-1" and refer["time"]
    assert "case_id" not in refer  # the new case's id is in its body, not its path
    contact_line = by_request[ids["contact"]]
    assert (contact_line["path"], contact_line["status"]) == ("/cases/{case_id}/contacts", 200)
    assert (contact_line["case_id"], contact_line["user_id"]) == (case_id, practitioner_id)
    assert contact_line["duration_ms"] >= 0
    assert {by_request[ids[step]]["status"] for step in ("invalid", "unchecked")} == {422}
    assert renamed.headers["X-Request-ID"] in by_request
    reads = {(r["path"], r.get("case_id")) for r in by_request.values() if r["method"] == "GET"}
    assert {
        ("/cases/{case_id}", case_id),
        ("/cases/{case_id}/timeline", case_id),
        ("/cases/{case_id}/distribution-list", case_id),
        ("/cases/{case_id}", None),
    } <= reads
