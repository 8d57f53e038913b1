"""A case's whole life over HTTP against the running service."""

from tests.e2e.bodies import MEETS_NORFOLK, new_practitioner, referral, today
from tests.e2e.conftest import RunningService


def test_a_case_from_referral_to_closure_and_reopening(service: RunningService) -> None:
    referred = service.post("/referrals", referral())
    assert referred.status_code == 201
    case_id = referred.json()["case_id"]
    assert referred.headers["ETag"] == '"1"'
    assert int(referred.headers["X-Event-Position"]) > 0
    assert service.get(f"/cases/{case_id}").json()["status"] == "referred"

    decided = service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    assert decided.status_code == 200
    assert decided.json()["version"] == 2
    assert service.get(f"/cases/{case_id}").json()["eligible"] is True

    practitioner_id = new_practitioner(service)
    allocation = {"kind": "designated", "from": today(), "practitioner_id": practitioner_id}
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200

    agreement = {"contact_every_days": 28, "signed_by": "Alex Quillfeather", "signed_on": today()}
    assert service.post(f"/cases/{case_id}/service-agreement", agreement).status_code == 200

    contact = service.post(
        f"/cases/{case_id}/contacts",
        {"kind": "home_visit", "with": ["Alex Quillfeather"], "note": "Planned the review"},
        role="key_worker",
        user=practitioner_id,
    )
    assert contact.status_code == 200, contact.text

    summary = service.get(f"/cases/{case_id}")
    assert summary.headers["ETag"] == '"5"'
    active = summary.json()
    assert active["status"] == "active"
    [key_worker] = active["key_workers"]
    assert key_worker["practitioner_id"] == practitioner_id
    assert key_worker["name"] == "Jo Keyworker"
    assert key_worker["email"] == "jo@example.org"
    assert key_worker["until"] is None
    assert active["contact_every_days"] == 28
    assert active["last_contact_at"] is not None
    assert active["contact_overdue"] is False

    closed = service.post(
        f"/cases/{case_id}/closure", {"reason": "needs_met", "family_agreed": True}
    )
    assert closed.status_code == 200
    assert service.get(f"/cases/{case_id}").json()["status"] == "closed"

    reopened = service.post(f"/cases/{case_id}/reopen", {"reason": "New needs after a move"})
    assert reopened.status_code == 200
    assert reopened.json()["version"] == 7
    after = service.get(f"/cases/{case_id}").json()
    assert after["status"] == "eligible"
    # The key worker held the role up to the day the case closed, and no longer.
    assert [k["until"] for k in after["key_workers"]] == [today()]

    events = service.get(f"/cases/{case_id}/timeline").json()["events"]
    assert [e["type"] for e in events] == [
        "Referred",
        "EligibilityDecided",
        "KeyWorkerAllocated",
        "ServiceAgreementSigned",
        "ContactRecorded",
        "Closed",
        "Reopened",
    ]
    assert events[4]["actor"] == practitioner_id
    assert events[0]["actor"] == "coordinator-1"
    assert events[6]["reason"] == "New needs after a move"
    assert [e["event_id"] for e in events][-1] == reopened.json()["event_ids"][0]
    assert all(e["recorded_at"] >= e["occurred_at"] for e in events)


def test_a_late_contact_keeps_when_it_occurred(service: RunningService) -> None:
    case_id = service.post("/referrals", referral()).json()["case_id"]
    occurred = "2026-01-05T09:30:00+00:00"
    recorded = service.post(
        f"/cases/{case_id}/contacts", {"kind": "phone", "occurred_at": occurred}
    )
    assert recorded.status_code == 200
    last = service.get(f"/cases/{case_id}/timeline").json()["events"][-1]
    assert last["occurred_at"].startswith("2026-01-05T09:30:00")
    assert last["recorded_at"] > last["occurred_at"]


def test_a_coordinator_overrides_a_declined_decision_with_a_reason(service: RunningService) -> None:
    case_id = service.post("/referrals", referral()).json()["case_id"]
    declined = {"facts": MEETS_NORFOLK["facts"] | {"gp_in_area": False}}
    assert service.post(f"/cases/{case_id}/eligibility", declined).status_code == 200
    assert service.get(f"/cases/{case_id}").json()["status"] == "not_eligible"
    override = {"override": "accepted", "reason": "Registering with a Norfolk GP this month"}
    assert service.post(f"/cases/{case_id}/eligibility", override).status_code == 200
    assert service.get(f"/cases/{case_id}").json()["status"] == "eligible"


def test_a_parent_carer_can_be_the_key_worker(service: RunningService) -> None:
    case_id = service.post("/referrals", referral()).json()["case_id"]
    service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    allocation = {"kind": "parent_carer", "from": today(), "parent_carer_name": "Alex Quillfeather"}
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200
    [key_worker] = service.get(f"/cases/{case_id}").json()["key_workers"]
    assert key_worker["kind"] == "parent_carer"
    assert key_worker["name"] == "Alex Quillfeather"


def test_practitioners_and_agencies_read_back(service: RunningService) -> None:
    practitioner_id = new_practitioner(service)
    found = service.get(f"/practitioners/{practitioner_id}")
    assert found.status_code == 200
    assert found.json()["name"] == "Jo Keyworker"
    agency = service.get(f"/agencies/{found.json()['agency_id']}")
    assert agency.json()["sector"] == "health"


def test_the_docs_and_openapi_are_served(service: RunningService) -> None:
    assert service.http.get("/docs").status_code == 200
    paths = service.http.get("/openapi.json").json()["paths"]
    assert "/referrals" in paths and "/cases/{case_id}/key-worker" in paths


def test_the_timeline_comes_in_pages(service: RunningService) -> None:
    case_id = service.post("/referrals", referral()).json()["case_id"]
    for _ in range(3):
        service.post(f"/cases/{case_id}/contacts", {"kind": "phone"})
    first = service.http.get(
        f"/cases/{case_id}/timeline", params={"limit": 3}, headers=service.as_()
    ).json()
    assert [e["version"] for e in first["events"]] == [1, 2, 3]
    rest = service.http.get(
        f"/cases/{case_id}/timeline",
        params={"limit": 3, "cursor": first["next_cursor"]},
        headers=service.as_(),
    ).json()
    assert [e["version"] for e in rest["events"]] == [4]
    assert rest["next_cursor"] is None
    forged = service.http.get(
        f"/cases/{case_id}/timeline", params={"cursor": "not-a-cursor"}, headers=service.as_()
    )
    assert forged.status_code == 422
