"""Children to find, and the ways the tests look for them (tests/e2e/test_find_a_child*.py)."""

import secrets
import string
import time
from typing import Any

import httpx

from api.auth import Principal
from tests.e2e.bodies import MEETS_NORFOLK, new_practitioner, referral, today
from tests.e2e.conftest import MANAGERS_TEAM, RunningService
from tests.nhs_numbers import new_nhs_number

BORN = "2009-11-23"
PARENT = {
    "name": "Alex Parent",
    "relationship": "mother",
    "email": "alex.parent@example.org",
    "preferred_channel": "email",
    "has_parental_responsibility": True,
}
COORDINATOR = Principal("coord-find", "coordinator", area="norfolk")
SUPPORT = Principal("support-find", "business_support", area="norfolk")
MANAGER = Principal("manager-find", "manager", team=MANAGERS_TEAM, area="norfolk")
INDEX_WAIT_SECONDS = 30


def letters(count: int) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(count))


def new_child() -> dict[str, str]:
    """A child no other test has: accents and punctuation in the names, a new NHS number."""
    return {
        "given_name": f"Zoë{letters(6)}",
        "family_name": f"Ó'Brádaigh-{letters(8).capitalize()}",
        "date_of_birth": BORN,
        "nhs_number": new_nhs_number(),
    }


def spaced(nhs_number: str) -> str:
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


def refer(service: RunningService, child: dict[str, str], **changes: Any) -> tuple[str, int]:
    """A referral of `child`; its case and position."""
    created = service.post("/referrals", referral(child=child, family=[PARENT], **changes))
    assert created.status_code == 201, created.text
    return created.json()["case_id"], int(created.headers["X-Event-Position"])


def active_case(service: RunningService, child: dict[str, str]) -> tuple[str, str]:
    """A case of `child` with a key worker of the managers' team, in the index; and the worker."""
    case_id, _ = refer(service, child)
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    worker = new_practitioner(service)
    allocation = {"kind": "designated", "from": today(), "practitioner_id": worker}
    allocated = service.post(f"/cases/{case_id}/key-worker", allocation)
    assert allocated.status_code == 200, allocated.text
    index_has(service, int(allocated.headers["X-Event-Position"]))
    return case_id, worker


def index_has(service: RunningService, position: int) -> None:
    """Waits until the child index has applied the event at `position`."""
    deadline = time.monotonic() + INDEX_WAIT_SECONDS
    while True:
        health = service.http.get("/health").json()
        [index] = [p for p in health["projections"] if p["name"] == "child_index"]
        if index["position"] >= position:
            return
        assert time.monotonic() < deadline, "the child index did not catch up"
        time.sleep(0.05)


def search(service: RunningService, body: dict[str, Any], caller: Principal) -> httpx.Response:
    return service.http.post("/children/search", json=body, headers=service.bearer(caller))


def found(service: RunningService, body: dict[str, Any], caller: Principal) -> set[str]:
    answer = search(service, body, caller)
    assert answer.status_code == 200, answer.text
    return {child["case_id"] for child in answer.json()["children"]}


def by_nhs_number(child: dict[str, str], purpose: str = "Referral from the school nurse") -> Any:
    return {"nhs_number": spaced(child["nhs_number"]), "purpose": purpose}


def by_name(child: dict[str, str], **more: str) -> dict[str, str]:
    """The family name as someone might type it: no accents, capitals, spaces for punctuation."""
    typed = child["family_name"].replace("Ó'Brá", "O BRA").upper()
    return {"family_name": typed, "date_of_birth": BORN, "purpose": "Call from the GP"} | more


def possible_matches(
    service: RunningService, child: dict[str, str], caller: Principal = COORDINATOR
) -> dict[str, Any]:
    answer = service.http.post(
        "/referrals/possible-matches",
        json=child,
        headers=service.bearer(caller) | {"X-Purpose": "New referral from the health visitor"},
    )
    assert answer.status_code == 200, answer.text
    return {case["case_id"]: case for case in answer.json()["cases"]}
