"""A practitioner's training and supervision recorded from their page (api/web/practitioners.py),
in Chromium and checked by axe: business support records a course, a manager a supervision
session naming a case the worker holds. Each refused form comes back with its errors, nothing
written; the API reads what the pages recorded."""

from datetime import date, timedelta
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import (
    CHILD_NAME,
    key_worker_of,
    new_active_case,
    new_practitioner,
    today,
    views_of,
)
from tests.e2e.browsing import checked, click_through, sign_in, text_of
from tests.e2e.conftest import RunningService

TRAINING_FORM = "#record-training + form"
SUPERVISION_FORM = "#record-supervision + form"
PROTECTED_FORM = "#protected-time ~ form"
MANAGER = "manager-records"


def day(days: int) -> date:
    return date.fromisoformat(today()) + timedelta(days=days)


def type_date(browser: WebDriver, field: str, typed: date) -> None:
    for part, value in (("day", typed.day), ("month", typed.month), ("year", typed.year)):
        box = browser.find_element(By.ID, f"{field}-{part}")
        box.clear()
        box.send_keys(str(value))


def pick(browser: WebDriver, label: str) -> None:
    browser.find_element(By.XPATH, f"//label[normalize-space()='{label}']").click()


def refused_with(browser: WebDriver, form: str) -> list[tuple[str, str]]:
    """Sends `form`, which comes back with errors: each summary link's words and target."""
    click_through(browser, By.CSS_SELECTOR, f"{form} button")
    assert browser.title.startswith("Error:")
    return [
        (link.text, str(link.get_attribute("href")).split("#")[1])
        for link in browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary a")
    ]


def training_of(service: RunningService, practitioner_id: str) -> list[dict[str, Any]]:
    found = service.get(f"/practitioners/{practitioner_id}")
    assert found.status_code == 200, found.text
    return list(found.json()["training"])


def supervision_of(service: RunningService, practitioner_id: str) -> list[dict[str, Any]]:
    found = service.http.get(
        f"/practitioners/{practitioner_id}/supervision",
        headers=service.as_("manager", "manager-reading"),
    )
    assert found.status_code == 200, found.text
    return list(found.json()["sessions"])


def test_training_and_supervision_are_recorded_from_the_practitioners_page(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    worker = key_worker_of(service, case_id)
    supervisor = new_practitioner(service)
    clerk = "clerk-records"
    sign_in(browser, service, service.token("business_support", clerk))
    browser.get(f"{service.base_url}/ui/practitioners/{worker}")
    assert not browser.find_elements(By.CSS_SELECTOR, SUPERVISION_FORM)  # not business support's
    checked(browser, "practitioner-training-form")

    # A course completed tomorrow: refused at its date, the choice kept, nothing written.
    pick(browser, "Safeguarding")
    type_date(browser, "completed_on", day(1))
    assert refused_with(browser, TRAINING_FORM) == [
        ("The date they completed it must be today or in the past", "completed_on-day")
    ]
    assert browser.find_element(By.ID, "course-safeguarding").is_selected()
    checked(browser, "practitioner-training-with-error")
    assert training_of(service, worker) == []

    type_date(browser, "completed_on", day(-30))
    type_date(browser, "expires_on", day(-31))
    assert refused_with(browser, TRAINING_FORM) == [
        ("The date it expires must be after they completed it", "expires_on-day")
    ]
    type_date(browser, "expires_on", day(335))
    click_through(browser, By.CSS_SELECTOR, f"{TRAINING_FORM} button")
    assert text_of(browser, ".govuk-notification-banner").endswith("Training recorded")
    assert "Safeguarding" in text_of(browser, "#training + table")
    assert training_of(service, worker) == [
        {
            "course": "safeguarding",
            "completed_on": day(-30).isoformat(),
            "expires_on": day(335).isoformat(),
            "current": True,
        }
    ]

    # The hours their agency protects for key working: more than a working week is refused.
    hours = browser.find_element(By.ID, "hours_per_week")
    hours.send_keys("41")
    assert refused_with(browser, PROTECTED_FORM) == [
        ("The hours a week must be 40 or fewer", "hours_per_week")
    ]
    hours = browser.find_element(By.ID, "hours_per_week")
    hours.clear()
    hours.send_keys("7.5")
    click_through(browser, By.CSS_SELECTOR, f"{PROTECTED_FORM} button")
    assert text_of(browser, ".govuk-notification-banner").endswith("Protected time recorded")
    assert "7.5 hours a week" in text_of(browser, ".govuk-summary-list")
    assert service.get(f"/practitioners/{worker}").json()["protected_hours_per_week"] == 7.5

    # Their manager, who supervises them: the session's kind and supervisor left out first.
    sign_in(browser, service, service.token("manager", MANAGER))
    browser.get(f"{service.base_url}/ui/practitioners/{worker}")
    checked(browser, "practitioner-supervision-form")
    type_date(browser, "held_on", day(-2))
    assert refused_with(browser, SUPERVISION_FORM) == [
        ("Select the kind of supervision", "kind"),
        ("Select the supervisor", "supervisor_id"),
    ]
    checked(browser, "practitioner-supervision-with-error")
    assert supervision_of(service, worker) == []

    pick(browser, "One to one")
    browser.find_element(By.CSS_SELECTOR, f"#supervisor_id option[value='{supervisor}']").click()
    cases = browser.find_elements(By.CSS_SELECTOR, "input[name=cases_discussed]")
    assert [box.get_attribute("value") for box in cases] == [case_id]
    assert text_of(browser, f"label[for={cases[0].get_attribute('id')}]") == CHILD_NAME
    cases[0].click()
    actions = "Book the autism awareness course\n\nShadow a transition review"
    browser.find_element(By.ID, "actions").send_keys(actions)
    click_through(browser, By.CSS_SELECTOR, f"{SUPERVISION_FORM} button")
    assert text_of(browser, ".govuk-notification-banner").endswith("Supervision recorded")
    assert "Shadow a transition review" in text_of(browser, "#supervision ~ table")
    assert supervision_of(service, worker) == [
        {
            "held_on": day(-2).isoformat(),
            "kind": "one_to_one",
            "supervisor_id": supervisor,
            "cases_discussed": [case_id],
            "actions": ["Book the autism awareness course", "Shadow a transition review"],
        }
    ]

    # Each showing of the page was read on the record; to the manager, with the supervision
    # and the worker's caseload the form offers.
    clerk_views = views_of(service, clerk, expected=6)
    assert {entry["action"] for entry in clerk_views} == {"viewed practitioner page"}
    manager_views = views_of(service, MANAGER, expected=10)
    assert sorted(entry["action"] for entry in manager_views) == sorted(
        ["viewed team caseloads page"]  # where a manager starts
        + ["viewed practitioner page"] * 3
        + ["viewed supervision on the practitioner page"] * 3
        + ["viewed supervision form"] * 3
    )
