"""The FHIR view's mapping, without a service: each resource built from a case and validated by
`fhir.resources`, checked against the FHIR R4 value sets its codes come from and against the UK
Core rules that apply; the search parameters it reads; and the scope a system's token carries."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fhir.resources.R4B.bundle import Bundle

from api.auth import InvalidToken, Principal, issue_token, read_token
from api.fhir.resources import (
    NHS_NUMBER_SYSTEM,
    RESOURCES,
    UK_CORE_PATIENT,
    VERIFICATION_CODES,
    VERIFICATION_STATUS,
    care_plan,
    care_team,
    consent,
    episode_of_care,
    patient,
)
from api.fhir.search import last_updated_conditions, nhs_number_sought, searchset
from api.policy import FHIR_SCOPE
from domain.case import Case
from domain.directory import Agency, Practitioner
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue
from domain.nhs_number import is_valid_nhs_number
from domain.personal import ERASED
from domain.plans import PlanAction
from services.commands import NotFound
from services.shared_case import SharedCase, StatusSince
from tests.unit.story import NOW, TODAY, child, given_active, refer, stamp

# The R4 value sets (required bindings) of the codes the view serves.
EPISODE_OF_CARE_STATUS = {
    "planned",
    "waitlist",
    "active",
    "onhold",
    "finished",
    "cancelled",
    "entered-in-error",
}
CARE_TEAM_STATUS = {"proposed", "active", "suspended", "inactive", "entered-in-error"}
CARE_PLAN_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
CARE_PLAN_STATUS |= {"unknown"}
CARE_PLAN_INTENT = {"proposal", "plan", "order", "option"}
ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed"}
ACTIVITY_STATUS |= {"cancelled", "stopped", "unknown", "entered-in-error"}
CONSENT_STATUS = {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
# UK Core's NHS number verification status (England): 01 verified ... 08 trace postponed.
VERIFICATION = {f"0{n}" for n in range(1, 9)}

AGENCY = Agency.register(stamp(), name="Community therapies", sector="health")
TAC_MEMBER = Practitioner.register(
    stamp(), name="Robin Physio", role_title="Physiotherapist", agency_id=AGENCY.id
)
KEY_WORKER = Practitioner.register(
    stamp(), name="Jo Keyworker", role_title="Key worker", agency_id=AGENCY.id
)
ACTION = PlanAction("Physio", "weekly hydrotherapy", TODAY + timedelta(days=30))


def a_case() -> Case:
    """An active case with a Team Around the Child member and a signed plan."""
    case = given_active(KEY_WORKER.id)
    case.add_tac_member(
        stamp(), practitioner_id=TAC_MEMBER.id, role="Physio", receives_plans=True, channel="email"
    )
    version = case.draft_plan(stamp(), summary="Swim", outcomes=["Sam swims"], actions=[ACTION])
    case.sign_plan(stamp(), plan_version=version, signed_by="Alex Parent", signed_on=TODAY)
    case.collect_events()
    return case


def shared(case: Case) -> SharedCase:
    statuses = [
        StatusSince("referred", NOW - timedelta(days=30)),
        StatusSince("eligible", NOW - timedelta(days=20)),
        StatusSince(case.status, NOW - timedelta(days=10)),
    ]
    workers = {KEY_WORKER.id: KEY_WORKER, TAC_MEMBER.id: TAC_MEMBER}
    consented = NOW - timedelta(days=30)
    return SharedCase(case, statuses, NOW, consented, TODAY, workers, {AGENCY.id: AGENCY})


def served(resource: Any) -> dict[str, Any]:
    """The resource as it is served, read back by `fhir.resources` (which validates it)."""
    text = resource.model_dump_json()
    type(resource).model_validate_json(text)
    return dict(json.loads(text))


def test_the_patient_carries_the_nhs_number_as_uk_core_says() -> None:
    body = served(patient(shared(a_case())))
    assert body["meta"]["profile"] == [UK_CORE_PATIENT]
    [identifier] = body["identifier"]
    assert identifier["system"] == NHS_NUMBER_SYSTEM == "https://fhir.nhs.uk/Id/nhs-number"
    assert len(identifier["value"]) == 10 and is_valid_nhs_number(identifier["value"])
    [extension] = identifier["extension"]
    assert extension["url"] == VERIFICATION_STATUS
    [coding] = extension["valueCodeableConcept"]["coding"]
    assert coding["system"] == VERIFICATION_CODES and coding["code"] in VERIFICATION
    assert body["name"] == [{"use": "official", "family": "Parent", "given": ["Sam"]}]
    assert body["birthDate"] == "2016-05-01"


def test_an_nhs_number_typed_with_spaces_is_served_as_its_ten_digits() -> None:
    case = refer(child=child(nhs_number="943 476 5919"))
    [identifier] = served(patient(shared(case)))["identifier"]
    assert identifier["value"] == "9434765919"


def test_a_child_without_an_nhs_number_has_no_identifier() -> None:
    assert "identifier" not in served(patient(shared(refer(child=child(nhs_number=None)))))


def test_the_episode_of_care_is_the_case_with_its_key_worker_and_status_history() -> None:
    case = a_case()
    body = served(episode_of_care(shared(case)))
    assert body["status"] == "active" and body["status"] in EPISODE_OF_CARE_STATUS
    history = body["statusHistory"]
    assert [h["status"] for h in history] == ["planned", "waitlist", "active"]
    assert {h["status"] for h in history} <= EPISODE_OF_CARE_STATUS
    assert [h["period"].get("end") for h in history[:-1]] == [
        h["period"]["start"] for h in history[1:]
    ]
    assert "end" not in history[-1]["period"] and "end" not in body["period"]
    assert body["patient"] == {"reference": f"Patient/{case.id}"}
    assert body["careManager"]["identifier"]["value"] == f"urn:uuid:{KEY_WORKER.id}"
    assert body["careManager"]["display"] == "Jo Keyworker"
    assert body["team"] == [{"reference": f"CareTeam/{case.id}"}]


def test_a_closed_case_is_a_finished_episode_whose_plan_is_completed() -> None:
    case = a_case()
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True, final_plan_version=1)
    case.collect_events()
    view = shared(case)
    view = replace(view, statuses=[*view.statuses, StatusSince("closed", NOW)])
    episode = served(episode_of_care(view))
    assert episode["status"] == "finished"
    assert episode["period"]["end"] == episode["statusHistory"][-1]["period"]["start"]
    assert served(care_plan(view))["status"] == "completed"
    assert served(care_team(view))["status"] == "inactive"


def test_the_care_team_is_the_team_around_the_child_with_the_key_worker() -> None:
    body = served(care_team(shared(a_case())))
    assert body["status"] in CARE_TEAM_STATUS and body["name"] == "Team Around the Child"
    roles = {p["role"][0]["text"]: p for p in body["participant"]}
    assert set(roles) == {"Key worker", "Physio"}
    assert roles["Physio"]["member"]["display"] == "Robin Physio"
    assert roles["Physio"]["onBehalfOf"]["display"] == "Community therapies"


def test_the_care_plan_is_the_signed_family_support_plan() -> None:
    body = served(care_plan(shared(a_case())))
    assert body["intent"] == "plan" and body["intent"] in CARE_PLAN_INTENT
    assert body["status"] == "active" and body["status"] in CARE_PLAN_STATUS
    assert body["title"] == "Family Support Plan, version 1"
    assert body["description"] == "Swim" and body["note"] == [{"text": "Sam swims"}]
    [activity] = body["activity"]
    assert activity["detail"]["status"] in ACTIVITY_STATUS
    assert activity["detail"]["scheduledPeriod"]["end"] == ACTION.by.isoformat()


def test_a_case_whose_plans_are_drafts_has_no_care_plan() -> None:
    case = given_active()
    case.draft_plan(stamp(), summary="Draft", outcomes=[], actions=[])
    with pytest.raises(NotFound):
        care_plan(shared(case))


def test_the_consent_permits_sharing_and_names_its_policy() -> None:
    body = served(consent(shared(a_case())))
    assert body["status"] == "active" and body["status"] in CONSENT_STATUS
    assert body["scope"]["coding"][0]["code"] == "patient-privacy"
    assert body["policyRule"]["coding"]  # R4's ppc-1: a policy or a policy rule
    assert body["provision"]["type"] == "permit"


def test_after_erasure_the_placeholders_are_left_out() -> None:
    case = a_case()
    case.child = child(given_name=ERASED, family_name=ERASED, date_of_birth=None, nhs_number=None)
    plan = case.plans[1]
    case.plans[1] = replace(plan, summary=ERASED, outcomes=[], actions=[], signed_by=ERASED)
    case.erased = True
    view = shared(case)
    text = "".join(RESOURCES[kind](view).model_dump_json() for kind in RESOURCES)
    assert ERASED not in text and "Sam" not in text and "9434765919" not in text
    assert set(served(patient(view))) == {"resourceType", "id", "meta"}


def test_every_resource_of_a_case_has_its_id_version_and_last_update() -> None:
    case = a_case()
    for kind, make in RESOURCES.items():
        body = served(make(shared(case)))
        assert (body["resourceType"], body["id"]) == (kind, str(case.id))
        assert body["meta"]["versionId"] == str(case.version)
        assert datetime.fromisoformat(body["meta"]["lastUpdated"]) == NOW


def test_the_child_is_sought_by_a_valid_nhs_number_with_or_without_its_system() -> None:
    token = f"{NHS_NUMBER_SYSTEM}|9434765919"
    assert nhs_number_sought("Patient", token, None) == "9434765919"
    assert nhs_number_sought("CarePlan", None, "9434765919") == "9434765919"
    for kind, identifier, patient_identifier, field, rule in (
        (
            "EpisodeOfCare",
            None,
            f"{NHS_NUMBER_SYSTEM}|9434765918",
            "patient.identifier",
            "modulus_11",
        ),
        ("Patient", "9434765918", None, "identifier", "modulus_11"),
        ("Patient", None, token, "identifier", "missing"),  # a Patient's own parameter
        ("Consent", token, None, "patient.identifier", "missing"),
    ):
        with pytest.raises(InvalidValue) as refused:
            nhs_number_sought(kind, identifier, patient_identifier)  # type: ignore[arg-type]
        assert (refused.value.field, refused.value.rule) == (field, rule)
        assert "943476591" not in refused.value.detail


def test_last_updated_takes_prefixes_dates_and_times() -> None:
    day = datetime(2026, 3, 3, tzinfo=UTC)

    def holds(*values: str, when: datetime) -> bool:
        return all(c.holds(when) for c in last_updated_conditions(values))

    assert holds("2026-03-03", when=day + timedelta(hours=23))
    assert not holds("2026-03-03", when=day + timedelta(days=1))
    assert holds("gt2026-03-02", when=day) and not holds("gt2026-03-03", when=day)
    assert holds("ge2026-03-03T00:00:00Z", "lt2026-03-04", when=day)
    assert not holds("le2026-03-02T23:59:59+00:00", when=day)
    for values, rule in (
        (["2026-13-01"], "fhir_date_time"),
        (["2026-03-03T10:00"], "fhir_date_time"),
    ):
        with pytest.raises(InvalidValue) as refused:
            last_updated_conditions(values)
        assert refused.value.rule == rule
    with pytest.raises(InvalidValue) as refused:
        last_updated_conditions(["ge2026-01-01", "lt2026-02-01", "eq2026-01-15"])
    assert refused.value.rule == "at_most_2"


def test_a_search_answers_a_searchset_bundle() -> None:
    case = a_case()
    bundle = searchset([episode_of_care(shared(case))], "https://keywork.example/")
    Bundle.model_validate_json(bundle.model_dump_json())
    assert (bundle.type, bundle.total) == ("searchset", 1)
    [entry] = bundle.entry or []
    assert entry.fullUrl == f"https://keywork.example/fhir/EpisodeOfCare/{case.id}"
    assert entry.search is not None and entry.search.mode == "match"
    assert searchset([], "https://keywork.example/").entry is None


def test_a_system_token_carries_its_scopes_as_oauth_does() -> None:
    secret = "s" * 32
    system = Principal("nhs-system", "downstream", area="norfolk", scopes=(FHIR_SCOPE,))
    token = issue_token(system, secret, 1)
    assert jwt.decode(token, secret, algorithms=["HS256"])["scope"] == "system/*.read"
    assert read_token(token, secret) == system
    unscoped = issue_token(Principal("nhs-system", "downstream"), secret, 1)
    assert read_token(unscoped, secret).scopes == ()
    claims = jwt.decode(token, secret, algorithms=["HS256"]) | {"scope": ["system/*.read"]}
    with pytest.raises(InvalidToken):
        read_token(jwt.encode(claims, secret, algorithm="HS256"), secret)
