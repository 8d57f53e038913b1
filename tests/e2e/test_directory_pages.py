"""The directory and business support's print queue as pages, in a real browser (see
test_pages.py): a coordinator registers an agency and a practitioner, changes their contact
details and records their leaving, through the pages alone, one form by keyboard alone;
business support posts a letter. Each page shown is a recorded read, under the API's roles."""

from datetime import date
from typing import Any
from uuid import uuid4

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import case_with_a_letter, today, views_of
from tests.e2e.browsing import (
    checked,
    click_through,
    downloaded,
    refused_at,
    sign_in,
    text_of,
)
from tests.e2e.conftest import RunningService
from tests.e2e.keyboard import press, tab_to
from tests.e2e.test_read_models import every

AGENCY = "Broadland Hearing Service"
# First by name on the directory's first page, whatever else the suite registers.
NAME = "Aaliyah Abara"


def api_practitioner(service: RunningService, practitioner_id: str) -> dict[str, Any]:
    found = service.get(f"/practitioners/{practitioner_id}")
    assert found.status_code == 200, found.text
    details: dict[str, Any] = found.json()
    return details


def agency_names(service: RunningService) -> set[str]:
    listed = service.http.get("/agencies", params={"limit": 500}, headers=service.as_())
    assert listed.status_code == 200, listed.text
    return {agency["name"] for agency in listed.json()["agencies"]}


def test_a_coordinator_keeps_the_directory_through_the_pages(
    browser: WebDriver, service: RunningService
) -> None:
    coordinator = f"coordinator-{uuid4()}"
    agency = f"{AGENCY} {uuid4().hex[:6]}"
    sign_in(browser, service, service.token("coordinator", coordinator))
    click_through(browser, By.LINK_TEXT, "Directory")
    assert text_of(browser, "h1") == "Directory"
    checked(browser, "directory")

    # An agency without its sector: the error summary, the name kept, nothing written.
    click_through(browser, By.LINK_TEXT, "Register an agency")
    checked(browser, "agency-form")
    browser.find_element(By.ID, "name").send_keys(agency)
    click_through(browser, By.CSS_SELECTOR, "main form button")
    refused_at(browser, "sector", "Select the sector")
    assert browser.find_element(By.ID, "name").get_attribute("value") == agency
    checked(browser, "agency-form-with-error")
    assert agency not in agency_names(service)

    browser.find_element(By.XPATH, "//label[normalize-space()='Health']").click()
    click_through(browser, By.CSS_SELECTOR, "main form button")
    assert browser.current_url.endswith("/ui/directory?done=agency")
    assert text_of(browser, ".govuk-notification-banner").endswith("Agency registered")
    assert agency in text_of(browser, "main")
    assert agency in agency_names(service)

    # The practitioner, by keyboard alone: Tab to each field, type, Enter on the button.
    browser.get(f"{service.base_url}/ui/practitioners/new")
    checked(browser, "practitioner-form")
    for field, typed in (
        ("name", NAME),
        ("role_title", "Audiologist"),
        ("agency_id", agency),  # a closed select chooses the option its typing starts
        ("email", "aaliyah@example.org"),
        ("phone", "01603 111111"),
        ("postal_address", "Hearing Centre, Norwich, NR2 2AA"),
        ("team_id", "audiology"),
    ):
        tab_to(browser, field)
        press(browser, typed)
    tab_to(browser, "register")
    click_through(browser, By.ID, "register", Keys.ENTER)
    assert browser.current_url.endswith("?done=practitioner")
    practitioner_id = browser.current_url.split("/ui/practitioners/")[1].split("?")[0]
    assert text_of(browser, "h1") == NAME
    details = text_of(browser, ".govuk-summary-list")
    assert agency in details and "audiology" in details and "In post since" in details
    checked(browser, "practitioner")
    registered = api_practitioner(service, practitioner_id)
    assert (registered["email"], registered["postal_address"]) == (
        "aaliyah@example.org",
        "Hearing Centre, Norwich, NR2 2AA",
    )

    # A new email address that is no email address: refused at the field, the typing kept.
    email = browser.find_element(By.ID, "email")
    email.clear()
    email.send_keys("aaliyah at example.org")
    click_through(browser, By.CSS_SELECTOR, "#contact-details ~ form button")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text.startswith("Enter an email address in the correct format")
    assert str(summary.get_attribute("href")).endswith("#email")
    assert browser.find_element(By.ID, "email").get_attribute("value") == "aaliyah at example.org"
    checked(browser, "practitioner-with-error")
    assert api_practitioner(service, practitioner_id)["version"] == registered["version"]

    email = browser.find_element(By.ID, "email")
    email.clear()
    email.send_keys("a.abara@example.org")
    click_through(browser, By.CSS_SELECTOR, "#contact-details ~ form button")
    assert text_of(browser, ".govuk-notification-banner").endswith("Contact details changed")
    assert "a.abara@example.org" in text_of(browser, ".govuk-summary-list")
    assert api_practitioner(service, practitioner_id)["email"] == "a.abara@example.org"

    left = date.fromisoformat(today())
    for field, typed in (("on-day", left.day), ("on-month", left.month), ("on-year", left.year)):
        browser.find_element(By.ID, field).send_keys(str(typed))
    browser.find_element(By.ID, "reason").send_keys("Moved to the adult hearing service")
    click_through(browser, By.CSS_SELECTOR, "#leaving ~ form button")
    assert text_of(browser, ".govuk-notification-banner").endswith("Their leaving is recorded")
    assert f"Left on {left:%-d %B %Y}" in text_of(browser, ".govuk-summary-list")
    assert not browser.find_elements(By.CSS_SELECTOR, "main form")  # nothing left to change
    checked(browser, "practitioner-left")
    assert api_practitioner(service, practitioner_id)["left_on"] == left.isoformat()

    click_through(browser, By.CSS_SELECTOR, ".govuk-back-link")
    row = browser.find_element(By.CSS_SELECTOR, ".keywork-directory tbody tr").text
    assert NAME in row and agency in row and f"Left {left:%-d %B %Y}" in row

    # Each page shown was read on the record: the directory three times, each form's page
    # (the agency's twice: again with its error), the practitioner's four times; and with the
    # practitioner's page, their supervision, open to a coordinator, and while they are in post
    # the form to record it, which offers their caseload.
    views = views_of(service, coordinator, expected=17)
    assert sorted(entry["action"] for entry in views) == sorted(
        ["viewed directory page"] * 3
        + ["viewed register agency page"] * 2
        + ["viewed register practitioner page"]
        + ["viewed practitioner page"] * 4
        + ["viewed supervision on the practitioner page"] * 4
        + ["viewed supervision form"] * 3
    )


def test_business_support_posts_a_letter_from_the_print_queue(
    browser: WebDriver, service: RunningService
) -> None:
    address = "2 Lane, Norwich, NR1 1AA"
    _, letter_id = case_with_a_letter(service, address, accessible_format="large_print")
    clerk = f"clerk-{uuid4()}"
    sign_in(browser, service, service.token("business_support", clerk))
    click_through(browser, By.LINK_TEXT, "Letters to post")
    row = f"#letter-{letter_id}"
    assert "Family member Large print" in text_of(browser, row)  # print it so
    checked(browser, "letters")

    assert downloaded(browser, service, f"{row} a[download]", By.CSS_SELECTOR).startswith("%PDF")
    click_through(browser, By.CSS_SELECTOR, f"{row} form button")
    assert browser.current_url.endswith("/ui/letters?posted=true")
    assert text_of(browser, ".govuk-notification-banner").endswith("Letter marked as posted")
    assert not browser.find_elements(By.CSS_SELECTOR, row)
    checked(browser, "letters-posted")
    waiting = service.http.get("/letters", headers=service.as_("business_support", "clerk-1"))
    assert letter_id not in {letter["letter_id"] for letter in waiting.json()}

    views = views_of(service, clerk, expected=3)
    assert sorted(entry["action"] for entry in views) == [
        "viewed letter",
        "viewed print queue page",
        "viewed print queue page",
    ]


def test_the_directory_and_the_print_queue_are_refused_as_pages_to_other_roles(
    browser: WebDriver, service: RunningService
) -> None:
    sign_in(browser, service, service.token("commissioner", f"commissioner-{uuid4()}"))
    assert "Directory" not in text_of(browser, "nav")
    assert "Letters to post" not in text_of(browser, "nav")
    for page in ("/ui/directory", "/ui/letters", "/ui/agencies/new"):
        browser.get(f"{service.base_url}{page}")
        assert text_of(browser, "h1") == "Forbidden", page
    checked(browser, "directory-refused")

    # A key worker reads the directory, but keeps no part of it.
    sign_in(browser, service, service.token("key_worker", str(uuid4())))
    browser.get(f"{service.base_url}/ui/directory")
    assert text_of(browser, "h1") == "Directory"
    assert not browser.find_elements(By.LINK_TEXT, "Register a practitioner")
    browser.get(f"{service.base_url}/ui/practitioners/new")
    assert text_of(browser, "h1") == "Forbidden"


def test_a_directory_form_refuses_an_unknown_agency_and_a_missing_token_writing_nothing(
    service: RunningService,
) -> None:
    name = f"Ada Unknown {uuid4().hex[:6]}"
    with httpx.Client(base_url=service.base_url) as browser:
        browser.headers["Cookie"] = service.page_session("admin", f"admin-{uuid4()}")
        csrf = browser.get("/ui/practitioners/new").cookies["keywork_csrf"]
        browser.headers["Cookie"] += f"; keywork_csrf={csrf}"
        form = {"name": name, "role_title": "Audiologist", "agency_id": str(uuid4())}
        unknown = browser.post("/ui/practitioners", data=form | {"csrf": csrf})
        assert unknown.status_code == 422
        assert '<a href="#agency_id">Select their agency</a>' in unknown.text
        assert f'value="{name}"' in unknown.text
        forged = browser.post("/ui/practitioners", data=form | {"csrf": "forged"})
        assert forged.status_code == 403 and "the form has expired" in forged.text
    listed = every(service, "/practitioners", "practitioners", None)
    assert name not in {practitioner["name"] for practitioner in listed}
