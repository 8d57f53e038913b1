"""Working a case's task forms in the browser, and reading back what they recorded
(tests/e2e/test_case_life_pages.py, test_whole_case_pages.py)."""

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.e2e.bodies import (
    today,
)
from tests.e2e.browsing import checked, click_through, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.keyboard import press, tab_to

COORDINATOR = "coordinator-life"
MANAGER = "manager-life"
SUBMIT = "main form button[type=submit]"
READ_MODEL_WAIT_SECONDS = 30


def on(days: int) -> date:
    return date.fromisoformat(today()) + timedelta(days=days)


def submit(browser: WebDriver) -> None:
    click_through(browser, By.CSS_SELECTOR, SUBMIT)


def open_task(browser: WebDriver, label: str, screenshot: str) -> None:
    """From the case page, the task's page, checked and photographed."""
    click_through(browser, By.LINK_TEXT, label)
    assert browser.title.startswith(text_of(browser, "h1"))
    checked(browser, screenshot)


def choose(browser: WebDriver, field: str, value: str) -> None:
    Select(browser.find_element(By.ID, field)).select_by_value(value)


def refused(
    browser: WebDriver, service: RunningService, case_id: str, screenshot: str
) -> list[str]:
    """Submits the form, which comes back with errors, nothing written; answers the error
    summary's messages, once the page has been checked as it came back."""
    before = version(service, case_id)
    submit(browser)
    assert browser.title.startswith("Error:")
    checked(browser, screenshot)
    assert version(service, case_id) == before
    return [link.text for link in browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary a")]


def version(service: RunningService, case_id: str) -> int:
    return int(service.get(f"/cases/{case_id}").json()["version"])


def summary(service: RunningService, case_id: str) -> dict[str, Any]:
    read = service.get(f"/cases/{case_id}")
    assert read.status_code == 200, read.text
    return dict(read.json())


def events(service: RunningService, case_id: str) -> list[dict[str, Any]]:
    read = service.http.get(
        f"/cases/{case_id}/timeline", params={"limit": 500}, headers=service.as_()
    )
    return list(read.json()["events"])


def last_event(service: RunningService, case_id: str) -> dict[str, Any]:
    return events(service, case_id)[-1]


def eventually(read: Callable[[], Any], holds: Callable[[Any], bool]) -> Any:
    """What `read` answers once `holds` is true of it: a read model follows within moments."""
    deadline = time.monotonic() + READ_MODEL_WAIT_SECONDS
    while True:
        answer = read()
        if holds(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def type_into(browser: WebDriver, field: str, text: str) -> None:
    tab_to(browser, browser.find_element(By.ID, field)).send_keys(text)


def type_date(browser: WebDriver, field: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        type_into(browser, f"{field}-{part}", str(value))


def pick_by_keyboard(browser: WebDriver, field: str, value: str) -> None:
    """Moves down a select with the arrow key until `value` is chosen."""
    menu = tab_to(browser, browser.find_element(By.ID, field))
    for _ in range(len(Select(menu).options)):
        if Select(menu).first_selected_option.get_attribute("value") == value:
            return
        press(browser, Keys.ARROW_DOWN)
    raise AssertionError(f"{value} is not offered in {field}")
