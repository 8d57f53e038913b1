"""Need-to-know, cell by cell: every endpoint against every kind of caller; every read recorded."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest

from api.auth import Principal
from api.policy import FHIR_SCOPE
from tests.e2e.bodies import MEETS_NORFOLK, new_practitioner, referral, today, views_of
from tests.e2e.conftest import MANAGERS_TEAM, RunningService

# A probe body no endpoint accepts (unknown fields are refused): an allowed caller gets a 4xx
# other than 401/403 and nothing is written; a refused one gets 403.
PROBE = {"matrix_probe": True}


@dataclass(frozen=True)
class World:
    case_id: str
    key_worker: str
    tac_member: str
    agency_id: str
    personas: dict[str, Principal]


@pytest.fixture(scope="module")
def world(service: RunningService) -> World:
    key_worker = new_practitioner(service)
    tac_member = new_practitioner(service)
    case_id = service.post("/referrals", referral()).json()["case_id"]
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    allocation = {"kind": "designated", "from": today(), "practitioner_id": key_worker}
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200
    member = {
        "practitioner_id": tac_member,
        "role": "Physiotherapist",
        "receives_plans": True,
        "channel": "email",
    }
    assert service.post(f"/cases/{case_id}/tac-members", member).status_code == 200
    plan = {"summary": "Plan", "outcomes": ["Sleep"]}
    assert service.post(f"/cases/{case_id}/plans", plan).status_code == 201
    agency_id = service.http.get(f"/practitioners/{key_worker}", headers=service.as_()).json()[
        "agency_id"
    ]
    personas = {
        "coordinator": Principal("coord-m", "coordinator", area="norfolk"),
        "coordinator_elsewhere": Principal("coord-s", "coordinator", area="suffolk"),
        "business_support": Principal("support-m", "business_support", area="norfolk"),
        "manager": Principal("manager-m", "manager", team=MANAGERS_TEAM, area="norfolk"),
        "manager_other_team": Principal("manager-o", "manager", team="other", area="norfolk"),
        "key_worker": Principal(key_worker, "key_worker", area="norfolk"),
        "other_key_worker": Principal(str(uuid4()), "key_worker", area="norfolk"),
        "tac_member": Principal(tac_member, "key_worker", area="norfolk"),
        "commissioner": Principal("commissioner-m", "commissioner", area="norfolk"),
        "admin": Principal("admin-m", "admin"),
        "downstream": Principal("system-m", "downstream", grants=("KeyWorkerAllocated",)),
        "fhir_system": Principal("system-f", "downstream", area="norfolk", scopes=(FHIR_SCOPE,)),
    }
    return World(case_id, key_worker, tac_member, agency_id, personas)


EVERYONE = {
    "coordinator",
    "coordinator_elsewhere",
    "business_support",
    "manager",
    "manager_other_team",
    "key_worker",
    "other_key_worker",
    "tac_member",
    "commissioner",
    "admin",
    "downstream",
    "fhir_system",
}
# Who works the case in the world above: its area's coordinator and business support, the
# manager of its key worker's team, its key worker.
COORDINATING = {"coordinator", "manager"}
WORKING = COORDINATING | {"business_support", "key_worker"}
KEY_WORKING = COORDINATING | {"key_worker"}
READING = WORKING | {"tac_member"}
STAFF_ANYWHERE = EVERYONE - {"commissioner", "admin", "downstream", "fhir_system"}
DIRECTORY = {"admin", "coordinator", "coordinator_elsewhere", "business_support"}
LETTERS = {"coordinator", "coordinator_elsewhere", "business_support", "manager"}
LETTERS |= {"manager_other_team"}

# Every route of the API, and who may use it on the world's case (or their own things).
MATRIX: dict[tuple[str, str], set[str]] = {
    ("POST", "/referrals"): STAFF_ANYWHERE,
    # Searches: who may search; what they find is only what they may read (test_find_a_child.py).
    ("POST", "/referrals/possible-matches"): STAFF_ANYWHERE,
    ("POST", "/children/search"): STAFF_ANYWHERE,
    ("POST", "/cases/{case_id}/eligibility"): COORDINATING,
    ("POST", "/cases/{case_id}/family-meeting"): COORDINATING,
    ("POST", "/cases/{case_id}/key-worker-approaches"): COORDINATING,
    ("POST", "/cases/{case_id}/service-agreement"): KEY_WORKING,
    ("POST", "/cases/{case_id}/contacts"): WORKING,
    ("POST", "/cases/{case_id}/transfer"): KEY_WORKING,
    ("POST", "/cases/{case_id}/transition-plan"): COORDINATING,
    ("POST", "/cases/{case_id}/closure"): KEY_WORKING,
    ("POST", "/cases/{case_id}/closure-audit"): {"manager"},
    ("POST", "/cases/{case_id}/reopen"): COORDINATING,
    ("POST", "/cases/{case_id}/corrections"): WORKING,
    ("POST", "/cases/{case_id}/key-worker"): COORDINATING,
    ("POST", "/cases/{case_id}/handover"): COORDINATING,
    ("POST", "/cases/{case_id}/cover"): COORDINATING,
    ("DELETE", "/cases/{case_id}/cover"): COORDINATING,
    ("POST", "/cases/{case_id}/tac-members"): WORKING,
    ("PUT", "/cases/{case_id}/tac-members/{practitioner_id}"): WORKING,
    ("DELETE", "/cases/{case_id}/tac-members/{practitioner_id}"): WORKING,
    ("POST", "/cases/{case_id}/reviews"): WORKING,
    ("POST", "/cases/{case_id}/reviews/{review_id}/reschedule"): WORKING,
    ("POST", "/cases/{case_id}/reviews/{review_id}/cancellation"): WORKING,
    ("POST", "/cases/{case_id}/reviews/{review_id}/reports"): WORKING,
    ("POST", "/cases/{case_id}/reviews/{review_id}/outcome"): WORKING,
    ("POST", "/cases/{case_id}/reviews/{review_id}/outcome-scores"): WORKING,
    ("POST", "/cases/{case_id}/plans"): KEY_WORKING,
    ("POST", "/cases/{case_id}/plans/{plan_version}/signature"): WORKING,
    ("POST", "/cases/{case_id}/plans/{plan_version}/copies"): WORKING,
    ("GET", "/cases/{case_id}/plans/{plan_version}/distribution"): READING,
    ("GET", "/cases/{case_id}"): READING,
    ("GET", "/cases/{case_id}/timeline"): READING | {"downstream", "fhir_system"},
    ("GET", "/cases/{case_id}/key-worker"): READING,
    ("GET", "/cases/{case_id}/distribution-list"): READING,
    ("GET", "/cases/{case_id}/outcomes"): READING,
    ("POST", "/cases/{case_id}/significant-events"): {"manager", "key_worker"},
    ("GET", "/cases/{case_id}/chronology"): WORKING,
    ("GET", "/caseloads/{practitioner_id}"): {
        "coordinator",
        "coordinator_elsewhere",
        "business_support",
        "manager",
        "key_worker",
    },
    ("GET", "/teams/{team_id}/caseloads"): {"coordinator", "coordinator_elsewhere", "manager"},
    ("GET", "/cases/{case_id}/trail"): COORDINATING,
    ("GET", "/trail"): {"coordinator", "coordinator_elsewhere", "manager", "manager_other_team"},
    ("POST", "/cases/{case_id}/consent"): WORKING,
    ("POST", "/cases/{case_id}/consent-override"): {"coordinator"},
    ("POST", "/cases/{case_id}/erasure"): {"admin"},
    ("GET", "/cases/{case_id}/subject-access"): {"manager", "admin"},
    ("GET", "/letters"): LETTERS,
    ("GET", "/letters/{letter_id}"): LETTERS,
    ("POST", "/letters/{letter_id}/posted"): LETTERS,
    ("POST", "/agencies"): DIRECTORY,
    ("GET", "/agencies/{agency_id}"): STAFF_ANYWHERE | {"admin"},
    ("GET", "/agencies"): STAFF_ANYWHERE | {"admin"},
    ("GET", "/practitioners"): STAFF_ANYWHERE | {"admin"},
    ("POST", "/practitioners"): DIRECTORY,
    ("PUT", "/practitioners/{practitioner_id}/contact-details"): DIRECTORY,
    ("POST", "/practitioners/{practitioner_id}/leaving"): DIRECTORY,
    ("POST", "/practitioners/{practitioner_id}/training"): DIRECTORY,
    ("PUT", "/practitioners/{practitioner_id}/protected-time"): DIRECTORY,
    ("POST", "/practitioners/{practitioner_id}/supervision"): COORDINATING
    | {"coordinator_elsewhere"},
    # A key worker reads their own.
    ("GET", "/practitioners/{practitioner_id}/supervision"): COORDINATING
    | {"coordinator_elsewhere", "key_worker"},
    ("GET", "/practitioners/{practitioner_id}"): STAFF_ANYWHERE | {"admin"},
    ("GET", "/metrics"): {
        "coordinator",
        "coordinator_elsewhere",
        "manager",
        "manager_other_team",
        "commissioner",
    },
    ("GET", "/health"): EVERYONE,
    # Families answer with the token in their link, not a bearer token.
    ("GET", "/feedback/questions"): EVERYONE,
    ("POST", "/feedback"): EVERYONE,
    ("POST", "/feedback/questionnaires"): LETTERS,
    # The FHIR view (the world's Patient): an NHS system's token with the FHIR scope only.
    ("GET", "/fhir/{resource_type}/{case_id}"): {"fhir_system"},
    ("POST", "/fhir/{resource_type}/_search"): {"fhir_system"},
}


def concrete(path: str, world: World) -> str:
    practitioner = world.tac_member if "/tac-members/" in path else world.key_worker
    return path.format(
        case_id=world.case_id,
        practitioner_id=practitioner,
        review_id=uuid4(),
        plan_version=1,
        letter_id=uuid4(),
        agency_id=world.agency_id,
        team_id=MANAGERS_TEAM,
        resource_type="Patient",
    )


def call(service: RunningService, method: str, path: str, caller: Principal) -> httpx.Response:
    body = PROBE if method != "GET" else None
    params = QUERIES.get(path)
    return service.http.request(
        method, path, json=body, params=params, headers=service.bearer(caller)
    )


QUERIES = {"/trail": {"actor": "someone"}, "/metrics": {"period": "2026-Q3"}}


def test_the_matrix_names_every_route_of_the_api(service: RunningService) -> None:
    spec = service.http.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert routes == set(MATRIX)


def cells() -> Iterator[Any]:
    for (method, path), allowed in MATRIX.items():
        yield pytest.param(method, path, allowed, id=f"{method} {path}")


@pytest.mark.parametrize(("method", "path", "allowed"), list(cells()))
def test_each_caller_is_let_through_or_refused_as_the_matrix_says(
    service: RunningService, world: World, method: str, path: str, allowed: set[str]
) -> None:
    version = service.get(f"/cases/{world.case_id}").headers["ETag"]
    url = concrete(path, world)
    for persona, caller in world.personas.items():
        response = call(service, method, url, caller)
        if persona in allowed:
            assert response.status_code not in (401, 403), (persona, response.text)
            assert response.status_code < 500, (persona, response.text)
            if method == "GET" and "{letter_id}" not in path:
                assert response.status_code == 200, (persona, response.text)
        else:
            assert response.status_code == 403, (persona, response.text)
            assert response.headers["content-type"] == "application/problem+json"
    assert service.get(f"/cases/{world.case_id}").headers["ETag"] == version  # nothing written


def test_a_tac_member_sees_the_case_only_with_the_familys_consent(
    service: RunningService, world: World
) -> None:
    case_id = service.post("/referrals", referral(consent_to_share=False)).json()["case_id"]
    member = {
        "practitioner_id": world.tac_member,
        "role": "Physiotherapist",
        "receives_plans": True,
        "channel": "email",
    }
    assert service.post(f"/cases/{case_id}/tac-members", member).status_code == 200
    as_member = service.bearer(world.personas["tac_member"])
    unallocated = service.http.get(
        f"/cases/{case_id}", headers=service.bearer(world.personas["manager_other_team"])
    )
    assert unallocated.status_code == 200  # any manager of the area may allocate it
    refused = service.http.get(f"/cases/{case_id}", headers=as_member)
    assert refused.status_code == 403
    assert "consented" in refused.json()["detail"]
    assert "Quillfeather" not in refused.text

    override = {"reason": "Safeguarding: the physiotherapist must see the plan"}
    as_support = service.bearer(world.personas["business_support"])
    refused_override = service.http.post(
        f"/cases/{case_id}/consent-override", json=override, headers=as_support
    )
    assert refused_override.status_code == 403
    assert service.post(f"/cases/{case_id}/consent-override", override).status_code == 200
    assert service.http.get(f"/cases/{case_id}", headers=as_member).status_code == 200

    assert service.post(f"/cases/{case_id}/consent", {"given": False}).status_code == 200
    assert service.http.get(f"/cases/{case_id}", headers=as_member).status_code == 403
    assert service.post(f"/cases/{case_id}/consent", {"given": True}).status_code == 200
    shown = service.http.get(f"/cases/{case_id}", headers=as_member)
    assert shown.status_code == 200 and shown.json()["consent_to_share"] is True


def test_a_downstream_system_reads_only_its_event_types_and_published_fields(
    service: RunningService, world: World
) -> None:
    response = service.http.get(
        f"/cases/{world.case_id}/timeline", headers=service.bearer(world.personas["downstream"])
    )
    [allocated] = response.json()["events"]
    assert allocated["type"] == "KeyWorkerAllocated"
    assert allocated["details"]["practitioner_id"] == world.key_worker
    assert "Quillfeather" not in response.text


# The reads of personal data, each to be found on the record with its stated purpose.
AUDITED_READS = (
    ("/cases/{case_id}", "summary"),
    ("/cases/{case_id}/timeline", "timeline"),
    ("/cases/{case_id}/key-worker", "key worker"),
    ("/cases/{case_id}/distribution-list", "distribution list"),
    ("/cases/{case_id}/outcomes", "outcomes"),
    ("/cases/{case_id}/plans/1/distribution", "plan distribution"),
    ("/cases/{case_id}/trail", "trail"),
    ("/caseloads/{practitioner_id}", "caseload"),
    ("/teams/{team_id}/caseloads", "team caseloads"),
    ("/practitioners/{practitioner_id}/supervision", "supervision"),
    ("/practitioners", "directory"),
    ("/agencies", "directory"),
    ("/trail", "trail"),
    ("/metrics", "service metrics"),
)


def test_every_read_is_recorded_with_who_what_and_why(
    service: RunningService, world: World
) -> None:
    walker = Principal(f"walker-{uuid4()}", "manager", team=MANAGERS_TEAM, area="norfolk")
    admin = Principal(f"admin-{uuid4()}", "admin")
    commissioner = Principal(f"commissioner-{uuid4()}", "commissioner")
    purposes = {}
    for index, (path, what) in enumerate(AUDITED_READS):
        purpose = f"walk {index}"
        purposes[purpose] = what
        url = concrete(path, world)
        params = QUERIES.get(path)
        headers = service.bearer(walker) | {"X-Purpose": purpose}
        assert service.http.get(url, params=params, headers=headers).status_code == 200, url
    export = service.http.get(
        f"/cases/{world.case_id}/subject-access",
        headers=service.bearer(admin) | {"X-Purpose": "subject access request 77"},
    )
    assert export.status_code == 200
    refused = service.http.get(
        f"/cases/{world.case_id}",
        headers=service.bearer(commissioner) | {"X-Purpose": "curious"},
    )
    assert refused.status_code == 403

    recorded = views_of(service, walker.user, len(AUDITED_READS))
    assert {entry["reason"]: entry["action"] for entry in recorded} == {
        purpose: f"viewed {what}" for purpose, what in purposes.items()
    }
    [exported] = views_of(service, admin.user, 1)
    assert (exported["action"], exported["reason"]) == (
        "viewed subject access export",
        "subject access request 77",
    )
    assert exported["subject_id"] == world.case_id
    [refusal] = views_of(service, commissioner.user, 1)
    assert refusal["action"].endswith("(refused)") and refusal["subject_id"] == world.case_id
