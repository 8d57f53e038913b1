"""The start of a case over HTTP: the coordinator meets the family and approaches key workers,
who may decline, before one is allocated; and the same from the case's task pages."""

from datetime import date

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.e2e.bodies import MEETS_NORFOLK, new_case, new_practitioner, today
from tests.e2e.browsing import checked, click_through
from tests.e2e.conftest import RunningService
from tests.e2e.test_case_task_pages import at_case, date_of, tasks
from tests.e2e.test_errors import assert_problem, rules
from tests.e2e.test_referral_pages import fill


def test_key_workers_are_approached_before_one_is_allocated(service: RunningService) -> None:
    case_id = new_case(service)
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    meeting = {
        "met_on": today(),
        "priorities": ["One person to call"],
        "planning_meeting_needed": True,
    }
    assert service.post(f"/cases/{case_id}/family-meeting", meeting).status_code == 200
    busy, willing = new_practitioner(service), new_practitioner(service)
    declined = {"practitioner_id": busy, "answer": "declined", "reason": "Caseload full"}
    assert service.post(f"/cases/{case_id}/key-worker-approaches", declined).status_code == 200
    accepted = {"practitioner_id": willing, "answer": "accepted"}
    assert service.post(f"/cases/{case_id}/key-worker-approaches", accepted).status_code == 200
    key_worker = service.post(
        f"/cases/{case_id}/key-worker",
        {"kind": "designated", "from": today(), "practitioner_id": willing},
    )
    assert key_worker.status_code == 200
    case = service.get(f"/cases/{case_id}").json()
    assert case["family_met_on"] == today()
    assert [(a["practitioner_id"], a["answer"]) for a in case["approaches"]] == [
        (busy, "declined"),
        (willing, "accepted"),
    ]
    late = service.post(f"/cases/{case_id}/key-worker-approaches", accepted)
    assert rules(assert_problem(late, 409)) == {("practitioner_id", "before_allocation")}
    as_key_worker = service.post(f"/cases/{case_id}/family-meeting", meeting, role="key_worker")
    assert_problem(as_key_worker, 403)


def test_the_coordinator_records_the_start_of_a_case_from_its_tasks(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_case(service)
    suggested = new_practitioner(service)
    at_case(browser, service, service.token("coordinator", "coordinator-start"), case_id)
    assert tasks(browser)["Record the meeting with the family"] == "To do"
    click_through(browser, By.LINK_TEXT, "Record the meeting with the family")
    checked(browser, "family-meeting")
    date_of(browser, "met_on", date.fromisoformat(today()))
    fill(
        browser,
        {"priorities": "One person to call\nFewer appointments", "planning_meeting_needed": ""},
    )
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert tasks(browser)["Record the meeting with the family"] == "Done"

    click_through(browser, By.LINK_TEXT, "Record a key worker approached")
    checked(browser, "key-worker-approach")
    Select(browser.find_element(By.ID, "practitioner_id")).select_by_value(suggested)
    fill(browser, {"answer-declined": "", "reason": "Caseload full"})
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    case = service.get(f"/cases/{case_id}").json()
    assert case["family_met_on"] == today()
    assert [(a["practitioner_id"], a["answer"]) for a in case["approaches"]] == [
        (suggested, "declined")
    ]
