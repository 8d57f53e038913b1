"""The FHIR view through the running service: what an NHS system with the FHIR scope reads of a
case, how it finds it by NHS number, what it is refused, what is recorded of its reads, and
what is left after an erasure."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.patient import Patient

from api.auth import Principal
from api.fhir.resources import NHS_NUMBER_SYSTEM
from api.policy import FHIR_SCOPE
from tests.e2e.bodies import (
    CHILD_NAME,
    MEETS_NORFOLK,
    new_practitioner,
    referral,
    today,
    views_of,
)
from tests.e2e.conftest import RunningService
from tests.nhs_numbers import new_nhs_number

FHIR_JSON = "application/fhir+json"
MODELS = {
    model.get_resource_type(): model
    for model in (Patient, EpisodeOfCare, CareTeam, CarePlan, Consent)
}
NHS_SYSTEM = Principal(f"nhs-system-{uuid4()}", "downstream", area="norfolk", scopes=(FHIR_SCOPE,))
FAMILY_NAME = CHILD_NAME.split()[-1]
# Where the EpisodeOfCare served is written, to be shown as it was served.
SERVED = Path("build/fhir-episode-of-care.json")


@dataclass(frozen=True)
class Shared:
    case_id: str
    nhs_number: str
    key_worker: str
    tac_member: str
    position: str  # of its last command: a search waits for the child index to have it


def spaced(nhs_number: str) -> str:
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


def a_case(service: RunningService, nhs_number: str, **changes: Any) -> tuple[str, str]:
    """A referred case, the NHS number typed with spaces; and its referral's position."""
    child = referral()["child"] | {"nhs_number": spaced(nhs_number)}
    created = service.post("/referrals", referral(child=child, **changes))
    assert created.status_code == 201, created.text
    return str(created.json()["case_id"]), created.headers["X-Event-Position"]


@pytest.fixture(scope="module")
def shared(service: RunningService) -> Shared:
    """An active case with a Team Around the Child member and a signed plan."""
    nhs_number = new_nhs_number()
    case_id, _ = a_case(service, nhs_number)
    key_worker, tac_member = new_practitioner(service), new_practitioner(service)
    commands = [
        (f"/cases/{case_id}/eligibility", MEETS_NORFOLK),
        (
            f"/cases/{case_id}/key-worker",
            {"kind": "designated", "from": today(), "practitioner_id": key_worker},
        ),
        (
            f"/cases/{case_id}/tac-members",
            {
                "practitioner_id": tac_member,
                "role": "Physiotherapist",
                "receives_plans": False,
                "channel": "email",
            },
        ),
        (f"/cases/{case_id}/plans", {"summary": "Swimming", "outcomes": ["Swims 10 m"]}),
        (
            f"/cases/{case_id}/plans/1/signature",
            {"signed_by": "Alex Quillfeather", "signed_on": today()},
        ),
    ]
    for path, body in commands:
        response = service.post(path, body)
        assert response.status_code in (200, 201), (path, response.text)
    position = response.headers["X-Event-Position"]
    return Shared(case_id, nhs_number, key_worker, tac_member, position)


def read(
    service: RunningService, kind: str, case_id: str, caller: Principal = NHS_SYSTEM, **headers: str
) -> httpx.Response:
    return service.http.get(f"/fhir/{kind}/{case_id}", headers=service.bearer(caller) | headers)


def search(
    service: RunningService,
    kind: str,
    form: dict[str, Any],
    caller: Principal = NHS_SYSTEM,
    min_position: str | None = None,
    purpose: str = "matching",
) -> httpx.Response:
    headers = service.bearer(caller) | {"X-Purpose": purpose}
    params = {"min_position": min_position} if min_position else None
    return service.http.post(f"/fhir/{kind}/_search", data=form, params=params, headers=headers)


def test_each_resource_is_served_as_fhir_json_valid_by_fhir_resources(
    service: RunningService, shared: Shared
) -> None:
    for kind, model in MODELS.items():
        response = read(service, kind, shared.case_id)
        assert response.status_code == 200, (kind, response.text)
        assert response.headers["content-type"] == FHIR_JSON
        resource = model.model_validate_json(response.text)
        assert (resource.get_resource_type(), resource.id) == (kind, shared.case_id)

    episode = read(service, "EpisodeOfCare", shared.case_id).json()
    SERVED.parent.mkdir(exist_ok=True)
    SERVED.write_text(json.dumps(episode, indent=2))
    assert episode["status"] == "active"
    assert [h["status"] for h in episode["statusHistory"]] == ["planned", "waitlist", "active"]
    assert episode["careManager"]["identifier"]["value"] == f"urn:uuid:{shared.key_worker}"

    [identifier] = read(service, "Patient", shared.case_id).json()["identifier"]
    assert identifier["system"] == NHS_NUMBER_SYSTEM
    assert identifier["value"] == shared.nhs_number  # typed with spaces, served as digits
    team = read(service, "CareTeam", shared.case_id).json()
    members = {p["member"]["identifier"]["value"] for p in team["participant"]}
    assert members == {f"urn:uuid:{shared.key_worker}", f"urn:uuid:{shared.tac_member}"}
    plan = read(service, "CarePlan", shared.case_id).json()
    assert (plan["intent"], plan["status"], plan["description"]) == ("plan", "active", "Swimming")


def test_a_system_finds_the_childs_resources_by_nhs_number_and_last_update(
    service: RunningService, shared: Shared
) -> None:
    token = f"{NHS_NUMBER_SYSTEM}|{shared.nhs_number}"
    for kind in MODELS:
        field = "identifier" if kind == "Patient" else "patient.identifier"
        response = search(service, kind, {field: token}, min_position=shared.position)
        assert response.status_code == 200, (kind, response.text)
        assert response.headers["content-type"] == FHIR_JSON
        bundle = Bundle.model_validate_json(response.text)
        assert (bundle.type, bundle.total) == ("searchset", 1), kind
        [entry] = bundle.entry or []
        assert entry.fullUrl == f"{service.base_url}/fhir/{kind}/{shared.case_id}"

    recent = {"patient.identifier": token, "_lastUpdated": [f"ge{today()}", "lt2999-01-01"]}
    assert search(service, "EpisodeOfCare", recent).json()["total"] == 1
    later = {"patient.identifier": shared.nhs_number, "_lastUpdated": "gt2999-01-01"}
    assert search(service, "EpisodeOfCare", later).json()["total"] == 0
    nobody = {"patient.identifier": new_nhs_number()}
    assert search(service, "EpisodeOfCare", nobody).json()["total"] == 0


@pytest.mark.parametrize(
    ("form", "field", "rule"),
    [
        (
            {"patient.identifier": "https://example.org/mrn|9434765919"},
            "patient.identifier",
            "string_pattern_mismatch",
        ),
        (
            {"patient.identifier": f"{NHS_NUMBER_SYSTEM}|9434765918"},
            "patient.identifier",
            "modulus_11",
        ),
        (
            {"patient.identifier": "9434765919", "_lastUpdated": "yesterday"},
            "_lastUpdated",
            "fhir_date_time",
        ),
        ({"identifier": "9434765919"}, "patient.identifier", "missing"),
    ],
)
def test_a_search_it_cannot_answer_is_a_problem_naming_the_field_and_rule(
    service: RunningService, form: dict[str, str], field: str, rule: str
) -> None:
    response = search(service, "EpisodeOfCare", form)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {"field": field, "rule": rule} in response.json()["errors"]
    assert "943476591" not in response.text


def test_only_a_system_with_the_fhir_scope_reads_and_only_with_the_familys_consent(
    service: RunningService, shared: Shared
) -> None:
    unscoped = Principal(NHS_SYSTEM.user, "downstream", area="norfolk")
    coordinator = Principal("coordinator-f", "coordinator", area="norfolk")
    for caller in (unscoped, coordinator):
        refused = read(service, "Patient", shared.case_id, caller)
        assert refused.status_code == 403 and FAMILY_NAME not in refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    assert read(service, "Patient", str(uuid4())).status_code == 404

    nhs_number = new_nhs_number()
    case_id, position = a_case(service, nhs_number, consent_to_share=False)
    refused = read(service, "Patient", case_id)
    assert refused.status_code == 403 and "consented" in refused.json()["detail"]
    found = search(service, "Patient", {"identifier": nhs_number}, min_position=position)
    assert found.json()["total"] == 0  # left out, as if it were not there

    override = {"reason": "Safeguarding: the physiotherapist must see the plan"}
    assert service.post(f"/cases/{case_id}/consent-override", override).status_code == 200
    assert read(service, "Consent", case_id).status_code == 403  # the override is not the family's
    assert service.post(f"/cases/{case_id}/consent", {"given": True}).status_code == 200
    consent = read(service, "Consent", case_id).json()
    assert (consent["status"], consent["provision"]["type"]) == ("active", "permit")
    assert service.post(f"/cases/{case_id}/consent", {"given": False}).status_code == 200
    assert read(service, "Patient", case_id).status_code == 403


def test_every_fhir_read_and_search_is_recorded_with_its_purpose(
    service: RunningService, shared: Shared
) -> None:
    system = Principal(f"nhs-audit-{uuid4()}", "downstream", area="norfolk", scopes=(FHIR_SCOPE,))
    headers = {"X-Purpose": "care record update"}
    assert read(service, "EpisodeOfCare", shared.case_id, system, **headers).status_code == 200
    found = search(service, "Patient", {"identifier": shared.nhs_number}, system, shared.position)
    assert found.json()["total"] == 1
    unscoped = Principal(system.user, "downstream", area="norfolk")
    assert read(service, "CareTeam", shared.case_id, unscoped).status_code == 403

    recorded = {
        (v["action"], v["reason"], v["subject_id"]) for v in views_of(service, system.user, 4)
    }
    assert recorded == {
        ("viewed FHIR EpisodeOfCare", "care record update", shared.case_id),
        ("viewed FHIR Patient search", "matching", "children"),
        ("viewed FHIR Patient search", "matching", shared.case_id),
        ("viewed FHIR CareTeam (refused)", None, shared.case_id),
    }


def test_after_erasure_nothing_but_placeholders_is_served(service: RunningService) -> None:
    nhs_number = new_nhs_number()
    case_id, referred = a_case(service, nhs_number)
    before = search(service, "Patient", {"identifier": nhs_number}, min_position=referred)
    assert before.json()["total"] == 1
    admin = service.bearer(Principal("admin-f", "admin"))
    erasure = {"reason": "Article 17 request DPO-2026-099"}
    erased = service.http.post(f"/cases/{case_id}/erasure", json=erasure, headers=admin)
    assert erased.status_code == 200, erased.text

    patient = read(service, "Patient", case_id).json()
    assert set(patient) == {"resourceType", "id", "meta"}
    for kind in ("EpisodeOfCare", "CareTeam", "Consent"):
        response = read(service, kind, case_id)
        assert response.status_code == 200, response.text
        assert FAMILY_NAME not in response.text and nhs_number not in response.text
    position = erased.headers["X-Event-Position"]
    found = search(service, "Patient", {"identifier": nhs_number}, min_position=position)
    assert found.json()["total"] == 0
