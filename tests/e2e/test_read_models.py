"""Read models over HTTP: who is the key worker on any day, distribution lists, caseloads,
trails — each read waiting for the command it follows with min_position."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from api.auth import Principal
from tests.e2e.bodies import (
    MEETS_NORFOLK,
    key_worker_of,
    new_active_case,
    new_practitioner,
    referral,
)
from tests.e2e.conftest import RunningService

NOW = datetime.now(UTC)


def day(offset: int) -> str:
    return (NOW + timedelta(days=offset)).date().isoformat()


def days_ago(days: int) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def read(
    service: RunningService,
    path: str,
    after: Any = None,
    *,
    user: str = "coordinator-1",
    **params: Any,
) -> Any:
    """GET as a coordinator, waiting for the read model to reach the response `after`."""
    if after is not None:
        params["min_position"] = after.headers["X-Event-Position"]
    response = service.http.get(path, params=params, headers=service.as_("coordinator", user))
    assert response.status_code == 200, response.text
    return response.json()


def key_workers_on(service: RunningService, case_id: str, when: str, after: Any = None) -> Any:
    found = read(service, f"/cases/{case_id}/key-worker", after, as_at=when)
    names = [k["name"] for k in found["key_workers"]]
    return names, [c["name"] for c in found["cover"]]


def named_practitioner(service: RunningService, name: str) -> str:
    agency = service.post("/agencies", {"name": "Trust", "sector": "health"}).json()["agency_id"]
    created = service.post(
        "/practitioners",
        {"name": name, "role_title": "Key worker", "agency_id": agency, "email": f"{name}@x.org"},
    )
    return str(created.json()["practitioner_id"])


def test_who_was_the_key_worker_before_during_and_after_a_handover_and_a_cover(
    service: RunningService,
) -> None:
    ann, bea, cal = (named_practitioner(service, name) for name in ("Ann", "Bea", "Cal"))
    case_id = service.post("/referrals", referral(occurred_at=days_ago(100))).json()["case_id"]
    service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    service.post(
        f"/cases/{case_id}/key-worker",
        {"kind": "designated", "from": day(-90), "practitioner_id": ann},
    )
    service.post(
        f"/cases/{case_id}/handover",
        {
            "kind": "designated",
            "to_practitioner_id": bea,
            "on": day(-40),
            "overlap_until": day(-30),
            "reason": "Ann is retiring",
        },
    )
    last = service.post(
        f"/cases/{case_id}/cover",
        {"practitioner_id": cal, "from": day(-20), "until": day(-10), "reason": "Sickness"},
    )
    assert key_workers_on(service, case_id, day(-50), last) == (["Ann"], [])
    assert key_workers_on(service, case_id, day(-35)) == (["Ann", "Bea"], [])
    assert key_workers_on(service, case_id, day(-30)) == (["Ann", "Bea"], [])
    assert key_workers_on(service, case_id, day(-29)) == (["Bea"], [])
    assert key_workers_on(service, case_id, day(-15)) == (["Bea"], ["Cal"])
    assert key_workers_on(service, case_id, day(-5)) == (["Bea"], [])
    assert key_workers_on(service, case_id, day(-95)) == ([], [])
    covering = read(service, f"/caseloads/{cal}", as_at=day(-15))["cases"]
    assert [(c["case_id"], c["role"]) for c in covering] == [(case_id, "cover")]
    assert read(service, f"/caseloads/{cal}")["cases"] == []


def test_a_new_email_reaches_every_distribution_list_the_practitioner_is_on(
    service: RunningService,
) -> None:
    physio = named_practitioner(service, "Pat")
    cases = [new_active_case(service) for _ in range(2)]
    for case_id in cases:
        service.post(
            f"/cases/{case_id}/tac-members",
            {
                "practitioner_id": physio,
                "role": "Physio",
                "receives_plans": True,
                "channel": "email",
            },
        )
    changed = service.http.put(
        f"/practitioners/{physio}/contact-details",
        json={"email": "pat.new@nhs.example"},
        headers=service.as_(),
    )
    assert changed.status_code == 200
    for case_id in cases:
        recipients = read(service, f"/cases/{case_id}/distribution-list", changed)["recipients"]
        by_kind = {r["kind"] for r in recipients}
        assert by_kind == {"family", "key_worker", "tac", "business_support"}
        [tac] = [r for r in recipients if r["kind"] == "tac"]
        assert (tac["name"], tac["address"]) == ("Pat", "pat.new@nhs.example")


def test_a_correction_changes_as_at_answers_but_not_what_was_known_before_it(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    worker = service.get(f"/cases/{case_id}").json()["key_workers"][0]["practitioner_id"]
    service.post(
        f"/cases/{case_id}/service-agreement",
        {"contact_every_days": 7, "signed_by": "Alex Quillfeather", "signed_on": day(0)},
    )
    contact = service.post(f"/cases/{case_id}/contacts", {"kind": "phone"})
    published = read(service, f"/caseloads/{worker}", contact)
    known_then = published["cases"][0]["last_contact_at"]
    before_correction = datetime.now(UTC).isoformat()
    corrected = service.post(
        f"/cases/{case_id}/corrections",
        {
            "corrects_event_id": contact.json()["event_ids"][0],
            "reason": "It was last week",
            "replacement": {"occurred_at": days_ago(8)},
        },
    )
    now = read(service, f"/caseloads/{worker}", corrected)["cases"][0]
    assert now["last_contact_at"][:10] == days_ago(8)[:10]
    assert now["contact_overdue"] is True
    then = read(service, f"/caseloads/{worker}", known_at=before_correction)["cases"][0]
    assert then["last_contact_at"] == known_then
    assert then["contact_overdue"] is False


def test_a_team_caseload_lists_each_key_worker_of_the_team(service: RunningService) -> None:
    agency = service.post("/agencies", {"name": "Trust", "sector": "health"}).json()["agency_id"]
    worker = service.post(
        "/practitioners",
        {"name": "Tia", "role_title": "Key worker", "agency_id": agency, "team_id": "west"},
    ).json()
    case_id = service.post("/referrals", referral()).json()["case_id"]
    service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    allocated = service.post(
        f"/cases/{case_id}/key-worker",
        {"kind": "designated", "from": day(0), "practitioner_id": worker["practitioner_id"]},
    )
    team = read(service, "/teams/west/caseloads", allocated)
    [tia] = team["key_workers"]
    assert tia["name"] == "Tia"
    assert [c["case_id"] for c in tia["cases"]] == [case_id]


def test_the_trail_shows_who_did_what_and_who_viewed_the_case(service: RunningService) -> None:
    case_id = new_active_case(service)
    worker = key_worker_of(service, case_id)
    viewed = service.http.get(
        f"/cases/{case_id}",
        headers=service.as_("key_worker", worker) | {"X-Purpose": "preparing a home visit"},
    )
    assert viewed.status_code == 200
    refused = service.http.get(f"/cases/{case_id}", headers=service.as_("commissioner", "com-1"))
    assert refused.status_code == 403
    contact = service.post(
        f"/cases/{case_id}/contacts", {"kind": "phone"}, role="key_worker", user=worker
    )
    # Views come from the access log, a store of its own: wait for the refused one to show.
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    entries: list[Any] = []
    while datetime.now(UTC) < deadline:
        entries = read(service, f"/cases/{case_id}/trail", contact)["entries"]
        if any(e["actor"] == "com-1" for e in entries):
            break
        time.sleep(0.05)
    actions = [e["action"] for e in entries]
    assert actions[:3] == ["Referred", "EligibilityDecided", "KeyWorkerAllocated"]
    assert "ContactRecorded" in actions
    [view] = [e for e in entries if e["actor"] == worker and e["action"].startswith("viewed")]
    assert view["reason"] == "preparing a home visit"
    assert any(e["actor"] == "com-1" and e["action"].endswith("(refused)") for e in entries)
    mine = read(service, f"/cases/{case_id}/trail", actor=worker)["entries"]
    assert {e["actor"] for e in mine} == {worker}
    first_page = read(service, f"/cases/{case_id}/trail", limit=2)
    assert len(first_page["entries"]) == 2 and first_page["next_cursor"]
    second = read(service, f"/cases/{case_id}/trail", limit=2, cursor=first_page["next_cursor"])
    assert second["entries"][0] != first_page["entries"][0]


def test_a_key_worker_cannot_read_someone_elses_caseload(service: RunningService) -> None:
    other = new_practitioner(service)
    response = service.http.get(
        f"/caseloads/{other}", headers=service.as_("key_worker", "someone-else")
    )
    assert response.status_code == 403
    assert service.get(f"/caseloads/{other}", role="manager").json()["cases"] == []


def test_health_shows_each_projection_against_the_store_it_follows(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    contact = service.post(f"/cases/{case_id}/contacts", {"kind": "phone"})
    read(service, f"/cases/{case_id}/key-worker", contact)  # key_working has the contact now
    health = service.http.get("/health").json()
    assert health["status"] == "ok"
    by_name = {p["name"]: p for p in health["projections"]}
    assert set(by_name) == {
        "key_working",
        "distribution_list",
        "actions",
        "views",
        "metrics",
        "directory",
        "child_index",
    }
    key_working = by_name["key_working"]
    assert key_working["position"] >= int(contact.headers["X-Event-Position"])


def test_a_managers_trail_of_one_person_is_itself_on_the_record(service: RunningService) -> None:
    case_id = new_active_case(service)
    worker = key_worker_of(service, case_id)
    contact = service.post(
        f"/cases/{case_id}/contacts", {"kind": "phone"}, role="key_worker", user=worker
    )
    entries = read(service, "/trail", contact, user="auditor-7", actor=worker)["entries"]
    assert [e["action"] for e in entries] == ["ContactRecorded"]
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while datetime.now(UTC) < deadline:
        views = read(service, "/trail", actor="auditor-7")["entries"]
        if any(e["subject_id"] == worker for e in views):
            break
        time.sleep(0.05)
    assert any(e["subject_id"] == worker and e["action"] == "viewed trail" for e in views)


def test_a_non_designated_key_worker_is_flagged_until_inducted(service: RunningService) -> None:
    agency = service.post("/agencies", {"name": "Trust", "sector": "health"}).json()["agency_id"]

    def key_worker(name: str, kind: str) -> tuple[str, Any]:
        worker = service.post(
            "/practitioners",
            {"name": name, "role_title": "Key worker", "agency_id": agency, "team_id": "east"},
        ).json()["practitioner_id"]
        case_id = service.post("/referrals", referral()).json()["case_id"]
        service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
        allocation = {"kind": kind, "from": day(0), "practitioner_id": worker}
        return worker, service.post(f"/cases/{case_id}/key-worker", allocation)

    key_worker("Dee", "designated")  # never flagged
    non_designated, allocated = key_worker("Nia", "non_designated")
    assert read(service, "/teams/east/caseloads", allocated)["without_induction"] == [
        non_designated
    ]

    training = f"/practitioners/{non_designated}/training"
    refused = service.post(training, {"course": "knitting", "completed_on": day(-30)})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "course"
    before_induction = datetime.now(UTC).isoformat()
    inducted = service.post(training, {"course": "key_working_induction", "completed_on": day(-1)})
    assert inducted.status_code == 200, inducted.text
    assert read(service, f"/practitioners/{non_designated}")["training"] == [
        {
            "course": "key_working_induction",
            "completed_on": day(-1),
            "expires_on": None,
            "current": True,
        }
    ]
    assert read(service, "/teams/east/caseloads", inducted)["without_induction"] == []
    # As known before the induction was recorded, the flag stands.
    then = read(service, "/teams/east/caseloads", known_at=before_induction)
    assert then["without_induction"] == [non_designated]


def test_a_manager_sees_who_is_overdue_for_supervision(service: RunningService) -> None:
    agency = service.post("/agencies", {"name": "Trust", "sector": "health"}).json()["agency_id"]

    def worker(name: str, started: str) -> str:
        body = {"name": name, "role_title": "Key worker", "agency_id": agency, "team_id": "north"}
        created = service.post("/practitioners", body | {"occurred_at": started})
        return str(created.json()["practitioner_id"])

    never, recently = worker("Ola", days_ago(60)), worker("Pat", days_ago(60))
    supervisor = worker("Sam", days_ago(0))
    case_id = new_active_case(service)
    session = {
        "held_on": day(-10),
        "kind": "peer",
        "supervisor_id": supervisor,
        "cases_discussed": [case_id],
        "actions": ["Read the sleep guidance"],
    }
    path = f"/practitioners/{recently}/supervision"
    unknown = service.post(path, session | {"cases_discussed": [supervisor]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "cases_discussed[0]"
    elsewhere = service.http.post(
        path, json=session, headers=service.bearer(Principal("m-2", "manager", "south", "norfolk"))
    )
    assert elsewhere.status_code == 403
    recorded = service.post(path, session)
    assert recorded.status_code == 200, recorded.text

    team = read(service, "/teams/north/caseloads", recorded)["supervision"]
    assert [(s["practitioner_id"], s["overdue"]) for s in team] == [
        (never, True),  # started 60 days ago, due after 42
        (recently, False),
        (supervisor, False),
    ]
    assert team[0]["due_on"] == day(-18) and team[0]["last_held_on"] is None
    assert team[1]["due_on"] == day(32) and team[1]["last_held_on"] == day(-10)
    record = read(service, path)
    assert (record["every_days"], record["due_on"], record["overdue"]) == (42, day(32), False)
    assert record["sessions"] == [session]


def every(service: RunningService, path: str, key: str, after: Any) -> list[Any]:
    """All of a list, a page at a time, by each page's next_cursor."""
    found: list[Any] = []
    params: dict[str, Any] = {"limit": 50}
    while True:
        page = read(service, path, after, **params)
        found.extend(page[key])
        if page["next_cursor"] is None:
            return found
        params["cursor"] = page["next_cursor"]


def test_the_directory_lists_agencies_and_practitioners_by_name_a_page_at_a_time(
    service: RunningService,
) -> None:
    tag = uuid4().hex[:8]
    agency = service.post("/agencies", {"name": f"Lister School {tag}", "sector": "education"})
    agency_id = agency.json()["agency_id"]
    worker = {"role_title": "SENCO", "agency_id": agency_id, "email": "senco@example.org"}
    worker |= {"team_id": f"lister-{tag}"}
    bob = service.post("/practitioners", worker | {"name": f"Bob Lister {tag}"})
    ann = service.post("/practitioners", worker | {"name": f"Ann Lister {tag}"})
    leaving = {"on": day(0), "reason": "Retired"}
    left = service.post(f"/practitioners/{bob.json()['practitioner_id']}/leaving", leaving)
    assert left.status_code == 200, left.text

    listed = every(service, "/practitioners", "practitioners", left)
    assert len({entry["practitioner_id"] for entry in listed}) == len(listed)  # no repeats
    assert [
        (entry["practitioner_id"], entry["agency_name"], entry["team_id"], entry["left_on"])
        for entry in listed
        if entry["name"].endswith(tag)
    ] == [
        (ann.json()["practitioner_id"], f"Lister School {tag}", f"lister-{tag}", None),
        (bob.json()["practitioner_id"], f"Lister School {tag}", f"lister-{tag}", day(0)),
    ]
    assert all("email" not in entry for entry in listed)  # contact details: one at a time
    agencies = every(service, "/agencies", "agencies", left)
    assert {"agency_id": agency_id, "name": f"Lister School {tag}", "sector": "education"} in (
        agencies
    )
