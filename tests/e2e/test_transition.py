"""Transition to adult services over HTTP: the service agreement says how long key working lasts
and how it ends (`POST /cases/{id}/service-agreement`), and a transition plan is made from the
area's transition age for a day its age limit still covers (`POST /cases/{id}/transition-plan`);
the same from the case's task pages. Each refusal changes nothing."""

from datetime import date, timedelta
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import new_active_case, referral, today
from tests.e2e.browsing import checked, click_through, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.test_case_task_pages import at_case, date_of, tasks
from tests.e2e.test_errors import assert_problem, rules
from tests.e2e.test_referral_pages import fill

PARENT = "Alex Quillfeather"
RECEIVING = "Pat Receiving-Contact"


def born_years_ago(years: int) -> date:
    now = date.fromisoformat(today())
    return date(now.year - years, now.month, min(now.day, 28))  # no 29 February to miss


def case_of_a_young_person(service: RunningService, age: int = 17) -> str:
    child = referral()["child"] | {"date_of_birth": born_years_ago(age).isoformat()}
    return new_active_case(service, child=child)


def transition(**changes: Any) -> dict[str, Any]:
    in_a_month = date.fromisoformat(today()) + timedelta(days=30)
    body = {
        "adult_services": "Adult social care",
        "receiving_contact": RECEIVING,
        "receiving_contact_email": "pat@example.org",
        "planned_on": in_a_month.isoformat(),
    }
    return body | changes


def planning(service: RunningService, case_id: str, body: dict[str, Any], **as_: Any) -> Any:
    return service.post(f"/cases/{case_id}/transition-plan", body, **as_)


def refused(service: RunningService, case_id: str, body: dict[str, Any], status: int) -> set[Any]:
    version = service.get(f"/cases/{case_id}").json()["version"]
    problem = assert_problem(planning(service, case_id, body), status)
    assert RECEIVING not in str(problem)
    assert service.get(f"/cases/{case_id}").json()["version"] == version
    return rules(problem)


def test_the_agreement_says_how_long_key_working_lasts_and_how_it_ends(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    agreement = {"contact_every_days": 28, "signed_by": PARENT, "signed_on": today()}
    too_long = agreement | {"expected_duration_months": 301}
    problem = assert_problem(service.post(f"/cases/{case_id}/service-agreement", too_long), 422)
    assert rules(problem) == {("expected_duration_months", "between_1_and_300")}
    exit_plan = "Fewer visits over the last six months, then the school nurse leads"
    agreed = agreement | {"expected_duration_months": 36, "exit_plan": exit_plan}
    signed = service.post(f"/cases/{case_id}/service-agreement", agreed)
    assert signed.status_code == 200, signed.text
    case = service.get(f"/cases/{case_id}").json()
    assert (case["expected_duration_months"], case["exit_plan"]) == (36, exit_plan)
    assert case["transition_plan"] is None


def test_a_transition_plan_from_the_areas_age_within_its_age_limit(
    service: RunningService,
) -> None:
    nine = new_active_case(service)  # born in 2016: Norfolk plans transitions from 14
    assert refused(service, nine, transition(), 409) == {("status", "transition_age_reached")}

    case_id = case_of_a_young_person(service)
    yesterday = (date.fromisoformat(today()) - timedelta(days=1)).isoformat()
    assert refused(service, case_id, transition(planned_on=yesterday), 422) == {
        ("planned_on", "not_in_past")
    }
    born = born_years_ago(17)
    nineteenth_birthday = born.replace(year=born.year + 19)
    past_the_limit = transition(planned_on=nineteenth_birthday.isoformat())
    assert refused(service, case_id, past_the_limit, 422) == {("planned_on", "within_age_limit")}
    not_an_email = refused(service, case_id, transition(receiving_contact_email="pat at"), 422)
    assert ("receiving_contact_email", "mailable_email") in not_an_email
    as_key_worker = planning(service, case_id, transition(), role="key_worker")
    assert_problem(as_key_worker, 403)

    last_day_covered = (nineteenth_birthday - timedelta(days=1)).isoformat()
    assert planning(service, case_id, transition()).status_code == 200
    later = transition(adult_services="Adult learning disability team", planned_on=last_day_covered)
    assert planning(service, case_id, later).status_code == 200
    plan = service.get(f"/cases/{case_id}").json()["transition_plan"]
    assert plan == later
    events = service.get(f"/cases/{case_id}/timeline?limit=500").json()["events"]
    assert [e["type"] for e in events].count("TransitionPlanned") == 2

    ending = {"reason": "adult_services", "family_agreed": True}
    assert service.post(f"/cases/{case_id}/closure", ending).status_code == 200
    assert refused(service, case_id, transition(), 409) == {("status", "case_open")}


def test_the_coordinator_agrees_the_exit_and_plans_the_transition_from_the_tasks(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = case_of_a_young_person(service)
    at_case(browser, service, service.token("coordinator", "coordinator-transition"), case_id)
    click_through(browser, By.LINK_TEXT, "Record the service agreement")
    fill(
        browser,
        {
            "contact_every_days": "28",
            "signed_by": "",
            "expected_duration_months": "18",
            "exit_plan": "Hand over to the adult team",
        },
    )
    date_of(browser, "signed_on", date.fromisoformat(today()))
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert tasks(browser)["Plan the transition to adult services"] == "To do"

    click_through(browser, By.LINK_TEXT, "Plan the transition to adult services")
    checked(browser, "transition-plan")
    fill(browser, {"adult_services": "Adult social care", "receiving_contact": RECEIVING})
    date_of(browser, "planned_on", date.fromisoformat(today()) - timedelta(days=1))
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert "planned_on is in the past" in text_of(browser, ".govuk-error-summary")
    date_of(browser, "planned_on", date.fromisoformat(today()) + timedelta(days=60))
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert tasks(browser)["Plan the transition to adult services"] == "Done"
    ends = text_of(browser, "#end-of-key-working + dl")
    assert "18 months" in ends and "Hand over to the adult team" in ends
    assert "To Adult social care on" in ends and RECEIVING in ends
    checked(browser, "case-with-transition-plan")
