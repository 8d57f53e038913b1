"""A case's next steps from its page: the task list, and one page per task (api/web/case_forms.py)
recorded by the same use cases as the API's, in Chromium and checked by axe."""

from datetime import date

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.e2e.bodies import new_case, new_practitioner, today
from tests.e2e.browsing import checked, click_through, sign_in, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.test_referral_pages import fill

COORDINATOR = "coordinator-tasks"


def tasks(browser: WebDriver) -> dict[str, str]:
    """The task list: each task's name and its status."""
    return {
        item.find_element(By.CLASS_NAME, "govuk-task-list__name-and-hint").text: item.find_element(
            By.CLASS_NAME, "govuk-task-list__status"
        ).text
        for item in browser.find_elements(By.CLASS_NAME, "govuk-task-list__item")
    }


def at_case(browser: WebDriver, service: RunningService, token: str, case_id: str) -> None:
    """Signed in with `token`, on the case's page."""
    sign_in(browser, service, token)
    browser.get(f"{service.base_url}/ui/cases/{case_id}")


def date_of(browser: WebDriver, field: str, day: date) -> None:
    fill(
        browser,
        {
            f"{field}-day": str(day.day),
            f"{field}-month": str(day.month),
            f"{field}-year": str(day.year),
        },
    )


def test_a_coordinator_takes_a_referral_to_an_agreed_service_from_its_tasks(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_case(service)
    worker = new_practitioner(service)
    at_case(browser, service, service.token("coordinator", COORDINATOR), case_id)
    listed = tasks(browser)
    assert listed["Decide eligibility"] == "To do"
    assert listed["Allocate a key worker"] == "Cannot start yet"
    stages = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#tasks ~ h3")][:3]
    assert stages == ["Referral and eligibility", "Key working", "Team Around the Child"]
    checked(browser, "case-tasks")

    click_through(browser, By.LINK_TEXT, "Decide eligibility")
    assert "at least three specialist health or care professionals" in text_of(browser, "main")
    fill(browser, {"facts-gp_in_area": "", "facts-specialist_count": "4"})
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    summary = text_of(browser, ".govuk-error-summary")
    # Either route to complex health needs would do: both are asked for until one is yes.
    assert "Choose does the child have a severe health condition" in summary
    assert "Choose does the child have a severe learning or physical disability" in summary
    assert "Enter from how many agencies" in summary
    assert browser.find_element(By.ID, "facts-specialist_count").get_attribute("value") == "4"
    checked(browser, "eligibility-errors")
    fill(browser, {"facts-complex_health_needs": "", "facts-agency_count": "2"})
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert browser.current_url.endswith(f"/ui/cases/{case_id}")
    assert tasks(browser)["Decide eligibility"] == "Done"

    click_through(browser, By.LINK_TEXT, "Allocate a key worker")
    checked(browser, "allocate-key-worker")
    fill(browser, {"kind": ""})
    Select(browser.find_element(By.ID, "practitioner_id")).select_by_value(worker)
    date_of(browser, "from", date.fromisoformat(today()))
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert tasks(browser)["Allocate a key worker"] == "Done"
    assert service.get(f"/cases/{case_id}").json()["status"] == "active"

    click_through(browser, By.LINK_TEXT, "Record the service agreement")
    fill(browser, {"contact_every_days": "28", "signed_by": ""})
    date_of(browser, "signed_on", date.fromisoformat(today()))
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert tasks(browser)["Record the service agreement"] == "Done"
    agreed = service.get(f"/cases/{case_id}").json()
    assert agreed["contact_every_days"] == 28


def test_a_task_page_is_refused_to_a_role_that_may_not_do_it(service: RunningService) -> None:
    case_id = new_case(service)
    clerk = {"Cookie": service.page_session("business_support", "clerk-tasks")}
    refused = service.http.get(f"/ui/cases/{case_id}/eligibility", headers=clerk)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
