"""Erasure as a page (api/web/erasure.py), in Chromium and checked by axe (see test_pages.py):
an admin, given a case's reference, is refused what is missing or wrong, nothing written, then
erases the child's personal data by keyboard alone. The page is an admin's only."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import CHILD_NAME, new_active_case, views_of
from tests.e2e.browsing import checked, click_through, sign_in, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.keyboard import press, tab_to

REASON = "Article 17 request DPO-2026-031"
ERASE = "Erase a child's data"
CONFIRM = "Tick to confirm you understand this cannot be undone"
NO_SUCH_CASE = "There is no case with that reference: check it"


def case_summary(service: RunningService, case_id: str) -> dict[str, Any]:
    """The case as the API shows it to a coordinator (an admin may not read it)."""
    summary = service.get(f"/cases/{case_id}")
    assert summary.status_code == 200, summary.text
    found: dict[str, Any] = summary.json()
    return found


def type_into(browser: WebDriver, field: str, typed: str) -> None:
    element = browser.find_element(By.ID, field)
    element.clear()
    element.send_keys(typed)


def refused_at(browser: WebDriver, field: str) -> str:
    """Submits the form, which comes back with one error, linked to `field`; answers its
    message."""
    click_through(browser, By.ID, "erase")
    assert browser.title.startswith("Error:")
    summary = browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert len(summary) == 1, [link.text for link in summary]
    assert str(summary[0].get_attribute("href")).endswith(f"#{field}")
    assert summary[0].text in text_of(browser, f"#{field}-error")
    return str(summary[0].text)


def test_an_admin_erases_a_childs_personal_data_from_the_page_after_its_refusals(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    version = case_summary(service, case_id)["version"]
    admin = f"admin-{uuid4()}"
    sign_in(browser, service, service.token("admin", admin))
    assert browser.current_url.endswith("/ui/directory")
    click_through(browser, By.LINK_TEXT, ERASE)
    assert text_of(browser, "h1") == "Erase a child's personal data"
    assert "cannot be undone" in text_of(browser, ".govuk-warning-text")
    checked(browser, "erasure")

    # Not ticked: refused at the checkbox, what was typed kept.
    type_into(browser, "case_id", case_id)
    type_into(browser, "reason", REASON)
    assert refused_at(browser, "confirmed") == CONFIRM
    assert browser.find_element(By.ID, "case_id").get_attribute("value") == case_id
    assert browser.find_element(By.ID, "reason").get_attribute("value") == REASON
    checked(browser, "erasure-with-error")

    browser.find_element(By.ID, "reason").clear()
    browser.find_element(By.ID, "confirmed").click()
    assert refused_at(browser, "reason") == "Enter the reason for the erasure"
    assert browser.find_element(By.ID, "confirmed").is_selected()

    type_into(browser, "case_id", str(uuid4()))
    type_into(browser, "reason", REASON)
    assert refused_at(browser, "case_id") == NO_SUCH_CASE

    # A name where the reference goes: refused, and not kept on the record of the page.
    type_into(browser, "case_id", CHILD_NAME)
    assert refused_at(browser, "case_id") == "Enter the case reference exactly as you were given it"
    assert case_summary(service, case_id)["version"] == version

    # By keyboard alone: Tab to each field, type, Space on the checkbox, Enter on the button.
    browser.get(f"{service.base_url}/ui/erasure")
    for field, typed in (("case_id", case_id), ("reason", REASON), ("confirmed", Keys.SPACE)):
        tab_to(browser, field)
        press(browser, typed)
    tab_to(browser, "erase")
    click_through(browser, By.ID, "erase", Keys.ENTER)
    assert browser.current_url.endswith(f"/ui/erasure?done=erased&case_id={case_id}")
    banner = text_of(browser, ".govuk-notification-banner")
    assert banner.endswith(f"The child's personal data is erased: case {case_id}")
    assert not browser.find_element(By.ID, "case_id").get_attribute("value")
    checked(browser, "erasure-done")

    erased = case_summary(service, case_id)
    assert erased["erased"] is True and erased["version"] == version + 1
    assert erased["child"]["given_name"] == "[erased]"
    assert erased["child"]["date_of_birth"] is None

    # Erasing it again changes nothing, and the page says so.
    type_into(browser, "case_id", case_id)
    type_into(browser, "reason", REASON)
    browser.find_element(By.ID, "confirmed").click()
    click_through(browser, By.ID, "erase")
    assert text_of(browser, ".govuk-notification-banner").endswith(
        f"The child's personal data was already erased: case {case_id}. Nothing has changed."
    )
    assert case_summary(service, case_id)["version"] == version + 1

    # Each page shown was read on the record, of the case it named once it named one: the
    # directory where an admin starts; this page opened twice, shown again with each of the
    # four errors, and after each erasure.
    views = views_of(service, admin, expected=9)
    actions = sorted(entry["action"] for entry in views)
    assert actions == ["viewed directory page"] + ["viewed erasure page"] * 8
    subjects = [entry["subject_id"] for entry in views if entry["action"] != actions[0]]
    assert subjects.count(case_id) == 4 and subjects.count("") == 3
    assert CHILD_NAME not in str(views)


def test_the_erasure_page_is_an_admins_alone(browser: WebDriver, service: RunningService) -> None:
    sign_in(browser, service, service.token("coordinator", f"coordinator-{uuid4()}"))
    assert ERASE not in text_of(browser, "nav")
    browser.get(f"{service.base_url}/ui/erasure")
    assert text_of(browser, "h1") == "Forbidden"
    checked(browser, "erasure-refused")


@contextmanager
def form_session(service: RunningService, role: str) -> Iterator[tuple[httpx.Client, str]]:
    """A browser without a browser, signed in as `role`, and its form token."""
    with httpx.Client(base_url=service.base_url) as client:
        client.headers["Cookie"] = service.page_session(role, f"{role}-{uuid4()}")
        csrf = client.get("/ui/sign-in").cookies["keywork_csrf"]
        client.headers["Cookie"] += f"; keywork_csrf={csrf}"
        yield client, csrf


def test_the_erasure_form_answers_every_error_at_once_and_refuses_other_roles_writing_nothing(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    version = case_summary(service, case_id)["version"]
    form = {"case_id": case_id, "reason": REASON, "confirmed": "yes"}

    with form_session(service, "coordinator") as (coordinator, csrf):
        refused = coordinator.post("/ui/erasure", data=form | {"csrf": csrf})
        assert refused.status_code == 403 and "Forbidden" in refused.text

    with form_session(service, "admin") as (admin, csrf):
        forged = admin.post("/ui/erasure", data=form | {"csrf": "forged"})
        assert forged.status_code == 403 and "the form has expired" in forged.text
        wrong = admin.post("/ui/erasure", data={"case_id": "NR1 1AA", "csrf": csrf})
        assert wrong.status_code == 422
        summary = wrong.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
        assert re.findall(r'href="#(\w+)"', summary) == ["case_id", "reason", "confirmed"]
        assert 'value="NR1 1AA"' in wrong.text
        unknown = admin.post("/ui/erasure", data=form | {"case_id": str(uuid4()), "csrf": csrf})
        assert unknown.status_code == 422 and NO_SUCH_CASE in unknown.text
    assert case_summary(service, case_id)["version"] == version
