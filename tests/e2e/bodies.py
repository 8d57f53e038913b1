"""Request bodies and short stories shared by the end-to-end tests."""

import time
from datetime import UTC, datetime
from typing import Any

from tests.e2e.conftest import MANAGERS_TEAM, RunningService

CHILD_NAME = "Zebedee Quillfeather"
NHS_NUMBER = "9434765919"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def referral(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "route": "professional",
        "referrer": {"name": "Dr Ada Health", "email": "ada@example.org"},
        "child": {
            "given_name": CHILD_NAME.split()[0],
            "family_name": CHILD_NAME.split()[1],
            "date_of_birth": "2016-05-01",
            "nhs_number": NHS_NUMBER,
            "postcode": "NR1 1AA",
        },
        "family": [
            {
                "name": "Alex Quillfeather",
                "relationship": "mother",
                "email": "alex@example.org",
                "preferred_channel": "email",
                "has_parental_responsibility": True,
            }
        ],
        "needs": ["co-ordinating hospital and therapy appointments"],
        "consent_to_share": True,
        "area": "norfolk",
    }
    return body | changes


MEETS_NORFOLK = {
    "facts": {
        "gp_in_area": True,
        "complex_health_needs": True,
        "specialist_count": 4,
        "agency_count": 3,
    }
}


def new_practitioner(service: RunningService) -> str:
    agency = service.post("/agencies", {"name": "Children's community nursing", "sector": "health"})
    assert agency.status_code == 201, agency.text
    created = service.post(
        "/practitioners",
        {
            "name": "Jo Keyworker",
            "role_title": "Designated key worker",
            "agency_id": agency.json()["agency_id"],
            "email": "jo@example.org",
            "phone": "01603 000000",
            "team_id": MANAGERS_TEAM,
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["practitioner_id"])


def key_worker_of(service: RunningService, case_id: str) -> str:
    summary = service.get(f"/cases/{case_id}")
    assert summary.status_code == 200, summary.text
    return str(summary.json()["key_workers"][0]["practitioner_id"])


def new_case(service: RunningService, **changes: Any) -> str:
    """A referred case; `changes` to the referral's body."""
    created = service.post("/referrals", referral(**changes))
    assert created.status_code == 201, created.text
    return str(created.json()["case_id"])


def new_active_case(service: RunningService, **changes: Any) -> str:
    """An accepted case with a key worker; `changes` to the referral's body."""
    case_id = new_case(service, **changes)
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    allocation = {
        "kind": "designated",
        "from": today(),
        "practitioner_id": new_practitioner(service),
    }
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200
    return case_id


def case_with_a_letter(
    service: RunningService,
    address: str,
    name: str = f"Gran {CHILD_NAME.split()[-1]}",
    **needs: Any,
) -> tuple[str, str]:
    """An active case whose grandmother (with her communication `needs`) is written to by
    letter; returns it and her letter."""
    body = referral()
    body["family"].append(
        {
            "name": name,
            "relationship": "grandmother",
            "preferred_channel": "letter",
            "postal_address": address,
            "has_parental_responsibility": True,
        }
        | needs
    )
    case_id = service.post("/referrals", body).json()["case_id"]
    service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    worker = new_practitioner(service)
    allocation = {"kind": "designated", "from": today(), "practitioner_id": worker}
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200
    clerk = service.as_("business_support", "clerk-1")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for letter in service.http.get("/letters", headers=clerk).json():
            if (letter["case_id"], letter["recipient"]) == (case_id, "family:1"):
                return case_id, letter["letter_id"]
        time.sleep(0.1)
    raise AssertionError("no letter was queued")


def views_of(service: RunningService, actor: str, expected: int) -> list[Any]:
    """The reads recorded for `actor`, once the access log's read model has them all."""
    entries: list[Any] = []
    for _ in range(100):
        response = service.http.get(
            "/trail", params={"actor": actor, "limit": 500}, headers=service.as_()
        )
        entries = [e for e in response.json()["entries"] if e["action"].startswith("viewed")]
        if len(entries) >= expected:
            break
        time.sleep(0.1)
    return entries
