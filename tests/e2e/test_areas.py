"""Two areas in one deployment, over HTTP: each decides eligibility by its own criteria, asks its
own facts on the eligibility page, and scores outcomes on its own measure."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.auth import Principal
from store.database import Database
from store.embedded_postgres import free_port
from tests.e2e.bodies import MEETS_NORFOLK, new_case, referral
from tests.e2e.conftest import RunningService, running_service
from tests.e2e.test_errors import assert_problem, rules

AREAS = Path(__file__).parent / "areas.json"
NHS_TRUST = Principal("coordinator-nhs", "coordinator", area="nhs-trust")


@pytest.fixture(scope="module")
def two_areas(database: Database, broker: str) -> Iterator[RunningService]:
    settings = {"KEYWORK_AREAS_FILE": str(AREAS), "KEYWORK_DEMO": "1"}
    with running_service(database, "keywork_areas", broker, free_port(), **settings) as up:
        yield up


def nhs_case(service: RunningService) -> str:
    created = service.http.post(
        "/referrals", json=referral(area="nhs-trust"), headers=service.bearer(NHS_TRUST)
    )
    assert created.status_code == 201, created.text
    return str(created.json()["case_id"])


def decided(service: RunningService, case_id: str, facts: dict[str, Any]) -> Any:
    return service.http.post(
        f"/cases/{case_id}/eligibility", json={"facts": facts}, headers=service.bearer(NHS_TRUST)
    )


def last_decision(service: RunningService, case_id: str) -> dict[str, Any]:
    timeline = service.http.get(
        f"/cases/{case_id}/timeline?limit=100", headers=service.bearer(NHS_TRUST)
    ).json()["events"]
    return next(e for e in reversed(timeline) if e["type"] == "EligibilityDecided")


def test_an_nhs_area_decides_by_the_nhs_functions_criteria(two_areas: RunningService) -> None:
    """The NHS Key Working Function: "children and young people with a learning disability,
    autism or both, who are inpatients or at risk of being admitted to hospital"."""
    accepted = nhs_case(two_areas)
    assert decided(two_areas, accepted, {"autism": True, "at_risk_of_admission": True}).is_success
    decision = last_decision(two_areas, accepted)
    assert (decision["details"]["accepted"], decision["details"]["rule_set_id"]) == (
        True,
        "nhs-key-working-function",
    )

    declined = nhs_case(two_areas)
    facts = {"autism": True, "inpatient": False, "at_risk_of_admission": False}
    assert decided(two_areas, declined, facts).is_success
    assert last_decision(two_areas, declined)["details"]["unmet_criteria"] == [
        "not_inpatient_or_at_risk_of_admission"
    ]


def test_a_fact_the_criteria_need_is_asked_for_and_nothing_is_recorded(
    two_areas: RunningService,
) -> None:
    case_id = nhs_case(two_areas)
    problem = assert_problem(decided(two_areas, case_id, {"autism": True}), 422)
    assert rules(problem) == {
        ("facts.inpatient", "missing"),
        ("facts.at_risk_of_admission", "missing"),
    }
    case = two_areas.http.get(f"/cases/{case_id}", headers=two_areas.bearer(NHS_TRUST)).json()
    assert case["status"] == "referred"


def test_norfolk_still_decides_on_the_four_facts_and_takes_the_disability_route(
    two_areas: RunningService,
) -> None:
    """Norfolk: "These children/young people have a severe learning and/or physical disability
    and need support to carry out activities of daily living"."""
    assert two_areas.post(f"/cases/{new_case(two_areas)}/eligibility", MEETS_NORFOLK).is_success
    route = MEETS_NORFOLK["facts"] | {
        "complex_health_needs": False,
        "severe_learning_or_physical_disability": True,
    }
    case_id = new_case(two_areas)
    assert two_areas.post(f"/cases/{case_id}/eligibility", {"facts": route}).is_success
    assert two_areas.get(f"/cases/{case_id}").json()["status"] == "eligible"


def test_each_areas_eligibility_page_asks_its_own_facts(two_areas: RunningService) -> None:
    nhs_page = two_areas.http.get(
        f"/ui/cases/{nhs_case(two_areas)}/eligibility",
        headers={"Cookie": two_areas.page_session("coordinator", "coordinator-nhs", "nhs-trust")},
    )
    assert nhs_page.status_code == 200, nhs_page.text
    assert "Is the child autistic?" in nhs_page.text
    assert "An inpatient, or at risk of being admitted to hospital" in nhs_page.text
    assert "registered with a GP" not in nhs_page.text
    norfolk_page = two_areas.http.get(
        f"/ui/cases/{new_case(two_areas)}/eligibility",
        headers={"Cookie": two_areas.page_session()},
    )
    assert "Is the child registered with a GP in the area?" in norfolk_page.text
    assert "until their 19th birthday (20th in a school for complex needs)" in norfolk_page.text
    assert "Is the child autistic?" not in norfolk_page.text


def test_each_area_scores_outcomes_on_its_own_measure(two_areas: RunningService) -> None:
    journey = two_areas.http.get(
        f"/cases/{nhs_case(two_areas)}/outcomes", headers=two_areas.bearer(NHS_TRUST)
    ).json()
    assert journey["measure"] == {
        "areas": ["communication", "independence"],
        "lowest": 0,
        "highest": 4,
    }
    norfolk = two_areas.get(f"/cases/{new_case(two_areas)}/outcomes").json()
    assert len(norfolk["measure"]["areas"]) == 7
