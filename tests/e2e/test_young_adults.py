"""A young adult acting for themselves, over HTTP and from the pages: from 18 the young person
may be their own key worker (allocated, or handed over to with an overlap) and sign their own
Family Support Plan; at 17 both are refused, nothing written."""

from datetime import date, timedelta
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import (
    CHILD_NAME,
    MEETS_NORFOLK,
    new_active_case,
    new_case,
    new_practitioner,
    referral,
    today,
)
from tests.e2e.browsing import click_through, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.task_forms import refused as refused_on_page
from tests.e2e.task_forms import submit
from tests.e2e.test_case_task_pages import COORDINATOR, at_case, date_of
from tests.e2e.test_errors import assert_problem, rules
from tests.e2e.test_read_models import read
from tests.e2e.test_referral_pages import fill

OWN_EMAIL = "zebedee@example.org"
THEMSELVES = {
    "name": CHILD_NAME,
    "relationship": "self",
    "email": OWN_EMAIL,
    "preferred_channel": "email",
    "has_parental_responsibility": False,
}


def on(days: int) -> str:
    return (date.fromisoformat(today()) + timedelta(days=days)).isoformat()


def aged(years: int) -> dict[str, Any]:
    """The referral's child, `years` old today (born on the 28th at the latest: no 29 February)."""
    now = date.fromisoformat(today())
    born = date(now.year - years, now.month, min(now.day, 28))
    return referral()["child"] | {"date_of_birth": born.isoformat()}


def with_their_own_details(years: int) -> dict[str, Any]:
    return {"child": aged(years), "family": [*referral()["family"], THEMSELVES]}


def events_of(service: RunningService, case_id: str, kind: str) -> list[Any]:
    events = service.get(f"/cases/{case_id}/timeline?limit=500").json()["events"]
    return [event for event in events if event["type"] == kind]


def draft_plan(service: RunningService, case_id: str) -> str:
    plan = {"summary": "College and travelling alone", "outcomes": ["Travels alone"]}
    drafted = service.post(f"/cases/{case_id}/plans", plan | {"actions": []})
    assert drafted.status_code == 201, drafted.text
    return f"/cases/{case_id}/plans/{drafted.json()['plan_version']}/signature"


def test_a_young_person_of_18_takes_over_as_their_own_key_worker_with_an_overlap(
    service: RunningService,
) -> None:
    handover = {
        "kind": "young_person",
        "on": on(1),
        "overlap_until": on(14),
        "reason": "Ready to be their own key worker, with support at first",
    }
    seventeen = new_active_case(service, **with_their_own_details(17))
    problem = assert_problem(service.post(f"/cases/{seventeen}/handover", handover), 422)
    assert rules(problem) == {("kind", "young_person_18_or_over")}
    assert events_of(service, seventeen, "KeyWorkerHandedOver") == []

    eighteen = new_active_case(service, **with_their_own_details(18))
    handed_over = service.post(f"/cases/{eighteen}/handover", handover)
    assert handed_over.status_code == 200, handed_over.text
    path = f"/cases/{eighteen}/key-worker"
    overlap = read(service, path, handed_over, as_at=on(1))["key_workers"]
    assert [(k["kind"], k["practitioner_id"]) for k in overlap] == [
        ("designated", overlap[0]["practitioner_id"]),
        ("young_person", None),
    ]
    after = read(service, path, handed_over, as_at=on(15))["key_workers"]
    assert [k["kind"] for k in after] == ["young_person"]


def test_their_own_key_worker_is_named_with_their_own_details_and_on_the_list(
    service: RunningService,
) -> None:
    case_id = new_case(service, **with_their_own_details(18))
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    mine = {"kind": "young_person", "from": today()}
    someone_else = mine | {"practitioner_id": new_practitioner(service)}
    problem = assert_problem(service.post(f"/cases/{case_id}/key-worker", someone_else), 422)
    assert rules(problem) == {("practitioner_id", "not_for_young_person")}
    allocated = service.post(f"/cases/{case_id}/key-worker", mine)
    assert allocated.status_code == 200, allocated.text
    [worker] = service.get(f"/cases/{case_id}").json()["key_workers"]
    assert worker["kind"] == "young_person"
    assert (worker["name"], worker["email"], worker["practitioner_id"]) == (
        CHILD_NAME,
        OWN_EMAIL,
        None,
    )
    listed = read(service, f"/cases/{case_id}/distribution-list", allocated)["recipients"]
    key_workers = [(r["name"], r["address"]) for r in listed if r["kind"] == "key_worker"]
    assert key_workers == [(CHILD_NAME, OWN_EMAIL)]


def test_a_young_person_signs_their_own_plan_from_18(service: RunningService) -> None:
    themselves = {"signed_on": today(), "signed_by_young_person": True}
    seventeen = new_active_case(service, **with_their_own_details(17))
    problem = assert_problem(service.post(draft_plan(service, seventeen), themselves), 422)
    assert rules(problem) == {("signed_by_young_person", "young_person_18_or_over")}
    assert service.get(f"/cases/{seventeen}").json()["plans"][0]["status"] == "draft"

    eighteen = new_active_case(service, **with_their_own_details(18))
    signature = draft_plan(service, eighteen)
    both = themselves | {"signed_by": "Alex Quillfeather"}
    problem = assert_problem(service.post(signature, both), 422)
    assert rules(problem) == {("signed_by", "not_for_young_person")}
    signed = service.post(signature, themselves)
    assert signed.status_code == 200, signed.text
    [plan] = service.get(f"/cases/{eighteen}").json()["plans"]
    assert (plan["status"], plan["signed_by"], plan["signed_by_young_person"]) == (
        "signed",
        None,
        True,
    )
    [event] = events_of(service, eighteen, "PlanSigned")
    assert event["details"]["signed_by_young_person"] is True


def test_the_pages_offer_the_young_person_as_key_worker_and_as_the_plans_signer(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_case(service, **with_their_own_details(18))
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    at_case(browser, service, service.token("coordinator", COORDINATOR), case_id)
    click_through(browser, By.LINK_TEXT, "Allocate a key worker")
    fill(browser, {"kind-young_person": ""})
    date_of(browser, "from", date.fromisoformat(today()))
    submit(browser)
    assert f"{CHILD_NAME}: key worker (young person)" in text_of(browser, "#key-worker ~ ul")

    draft_plan(service, case_id)
    browser.refresh()
    click_through(browser, By.LINK_TEXT, "Record the plan's signature")
    assert "the young person may sign their own plan" in text_of(browser, "main")
    fill(browser, {"plan_version": "", "signed_by_young_person": ""})
    date_of(browser, "signed_on", date.fromisoformat(on(-400)))  # when they were 17
    assert refused_on_page(browser, service, case_id, "own-plan-signature-errors") == [
        "Check did the young person sign it themselves: the young person is not yet 18 on that day"
    ]
    date_of(browser, "signed_on", date.fromisoformat(today()))
    submit(browser)
    assert "signed by the young person" in text_of(browser, "main")
    assert service.get(f"/cases/{case_id}").json()["plans"][0]["signed_by_young_person"]
