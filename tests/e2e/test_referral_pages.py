"""Referral intake from the pages (api/web/referrals.py): the form, "check your answers", the
referral recorded by the same use case as the API's, in Chromium and checked by axe."""

import re

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import NHS_NUMBER, new_case, referral
from tests.e2e.browsing import checked, click_through, sign_in, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.test_case_parts import days_ago

CLERK = "clerk-referrals"
# A whole referral as typed: a radio's answer is its id, clicked.
ANSWERS = {
    "route-single_point": "",
    "child-given_name": "Ottoline",
    "child-family_name": "Marchbanks",
    "child-date_of_birth-day": "9",
    "child-date_of_birth-month": "11",
    "child-date_of_birth-year": "2017",
    "child-nhs_number": "",
    "child-in_complex_needs-no": "",
    "referrer-name": "Dr Ada Health",
    "family-0-name": "Rosa Marchbanks",
    "family-0-relationship": "mother",
    "family-0-has_parental_responsibility": "",
    "family-0-preferred_channel-letter": "",
    "family-0-postal_address": "1 Quay Street, Norwich",
    "needs": "co-ordination of appointments\nshort breaks",
    "consent_to_share": "",
}
RECORD = "//button[normalize-space()='Record the referral']"


def fill(browser: WebDriver, values: dict[str, str]) -> None:
    for field, value in values.items():
        element = browser.find_element(By.ID, field)
        if element.get_attribute("type") == "radio":
            element.click()
        else:
            element.clear()
            element.send_keys(value)


def test_business_support_records_a_referral_after_checking_the_answers(
    browser: WebDriver, service: RunningService
) -> None:
    sign_in(browser, service, service.token("business_support", CLERK))
    click_through(browser, By.LINK_TEXT, "New referral")
    checked(browser, "referral-form")
    fill(browser, ANSWERS | {"child-nhs_number": "9434765919"})
    click_through(browser, By.CSS_SELECTOR, "button[value=add_member]")
    # What was typed is kept, and a second member's fields are there, left empty.
    assert browser.find_element(By.ID, "family-0-name").get_attribute("value") == "Rosa Marchbanks"
    fill(browser, {"family-1-relationship": "grandfather"})
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    summary = text_of(browser, ".govuk-error-summary")
    assert "Enter family member 2's name" in summary
    assert "Choose how family member 2 wants to hear from us" in summary
    assert "Choose whether family member 2 has parental responsibility" in summary
    assert browser.find_element(By.ID, "family-1-relationship").get_attribute("value") == (
        "grandfather"
    )
    checked(browser, "referral-form-errors")

    fill(
        browser,
        {
            "family-1-name": "Arthur Marchbanks",
            "family-1-preferred_channel": "",
            "family-1-has_parental_responsibility-no": "",
        },
    )
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    # The domain's own rules are checked before the answers are shown back.
    assert "Check family member 2's email: email needed for that channel" in text_of(
        browser, ".govuk-error-summary"
    )
    fill(
        browser,
        {
            "family-1-email": "arthur@example.org",
            "family-1-language": "Polish",
            "family-1-needs_interpreter-yes": "",
            "family-1-accessible_format-large_print": "",
        },
    )
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    assert text_of(browser, "h1") == "Check the referral before recording it"
    answers = text_of(browser, "main")
    assert "Ottoline Marchbanks" in answers and "9 November 2017" in answers
    assert "Arthur Marchbanks" in answers and "short breaks" in answers
    assert "Polish, with an interpreter" in answers and "Large print" in answers
    checked(browser, "referral-check")

    click_through(browser, By.CSS_SELECTOR, "button[value=change]")
    assert browser.find_element(By.ID, "family-1-name").get_attribute("value") == (
        "Arthur Marchbanks"
    )
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    click_through(browser, By.XPATH, RECORD)
    case_id = re.fullmatch(r".*/ui/cases/([0-9a-f-]{36})", browser.current_url)
    assert case_id, browser.current_url
    case = service.get(f"/cases/{case_id.group(1)}").json()
    assert case["status"] == "referred"
    assert case["child"]["family_name"] == "Marchbanks"
    assert [member["name"] for member in case["family"]] == [
        "Rosa Marchbanks",
        "Arthur Marchbanks",
    ]
    arthur = case["family"][1]
    needs = ("language", "needs_interpreter", "accessible_format")
    assert [arthur[need] for need in needs] == ["Polish", True, "large_print"]
    assert case["family"][0]["needs_interpreter"] is False
    page = text_of(browser, "main")
    assert "Polish (with an interpreter); large print" in page
    assert "Arrange an interpreter: Polish for Arthur Marchbanks." in page


def test_the_form_can_be_completed_with_the_keyboard_alone(
    browser: WebDriver, service: RunningService
) -> None:
    sign_in(browser, service, service.token("business_support", CLERK))
    browser.get(f"{service.base_url}/ui/referrals/new")
    browser.find_element(By.ID, "route").send_keys(Keys.SPACE)  # the first radio, focused
    for field, value in (
        ("child-given_name", "Kit"),
        ("child-family_name", "Keyboard"),
        ("child-date_of_birth-day", "1"),
        ("child-date_of_birth-month", "2"),
        ("child-date_of_birth-year", "2018"),
        ("referrer-name", "Single point"),
        ("family-0-name", "Kay Keyboard"),
        ("family-0-relationship", "mother"),
    ):
        browser.find_element(By.ID, field).send_keys(value)
    for radio in ("child-in_complex_needs", "family-0-has_parental_responsibility"):
        browser.find_element(By.ID, radio).send_keys(Keys.SPACE)
    for radio in ("family-0-preferred_channel", "consent_to_share"):
        browser.find_element(By.ID, radio).send_keys(Keys.SPACE)
    browser.find_element(By.ID, "family-0-email").send_keys("kay@example.org")
    click_through(browser, By.CSS_SELECTOR, "button[value=check]", Keys.ENTER)
    assert "Check the referral" in text_of(browser, "h1")
    click_through(browser, By.XPATH, RECORD, Keys.ENTER)
    assert "/ui/cases/" in browser.current_url and "Kit Keyboard" in text_of(browser, "main")


def test_pressing_record_twice_records_one_referral(service: RunningService) -> None:
    with httpx.Client(base_url=service.base_url) as browser:
        browser.headers["Cookie"] = service.page_session("business_support", CLERK)
        csrf = browser.get("/ui/referrals/new").cookies["keywork_csrf"]
        browser.headers["Cookie"] += f"; keywork_csrf={csrf}"
        form = {
            "csrf": csrf,
            "members": "1",
            "route": "professional",
            "child-given_name": "Twice",
            "child-family_name": "Pressed",
            "child-date_of_birth-day": "3",
            "child-date_of_birth-month": "4",
            "child-date_of_birth-year": "2019",
            "child-in_complex_needs": "no",
            "referrer-name": "Dr Ada Health",
            "family-0-name": "Pat Pressed",
            "family-0-relationship": "father",
            "family-0-has_parental_responsibility": "yes",
            "family-0-preferred_channel": "letter",
            "family-0-postal_address": "2 Elm Row, King's Lynn",
            "consent_to_share": "no",
            "submission": "one-check-page",
        }
        first, second = (browser.post("/ui/referrals", data=form) for _ in range(2))
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        # Another check page is another referral.
        again = browser.post("/ui/referrals", data=form | {"submission": "another-check-page"})
        assert again.headers["location"] != first.headers["location"]


def test_a_role_that_may_not_refer_is_refused_as_a_page(service: RunningService) -> None:
    session = {"Cookie": service.page_session("commissioner", "commissioner-pages")}
    refused = service.http.get("/ui/referrals/new", headers=session)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")


def test_a_child_who_may_already_have_a_case_is_shown_before_recording(
    browser: WebDriver, service: RunningService
) -> None:
    by_nhs_number = new_case(service)  # NHS_NUMBER, CHILD_NAME
    wren = {"given_name": "Wren", "family_name": "Ashdown", "date_of_birth": "2015-02-03"}
    by_name = service.post("/referrals", referral(child=wren)).json()["case_id"]
    sign_in(browser, service, service.token("coordinator", "coordinator-matches"))
    same_nhs_number = {"child-nhs_number": NHS_NUMBER}
    same_name = {
        "child-given_name": "wren",
        "child-family_name": "ASHDOWN",
        "child-date_of_birth-day": "3",
        "child-date_of_birth-month": "2",
        "child-date_of_birth-year": "2015",
    }
    for typed, expected, kind in (
        (same_nhs_number, by_nhs_number, "the same NHS number"),
        (same_name, by_name, "the same name and date of birth"),
    ):
        browser.get(f"{service.base_url}/ui/referrals/new")
        fill(browser, ANSWERS | typed)
        click_through(browser, By.CSS_SELECTOR, "button[value=check]")
        warning = text_of(browser, "#possible-existing-cases")
        assert kind in warning, warning
        links = browser.find_elements(By.CSS_SELECTOR, "#possible-existing-cases a")
        assert f"{service.base_url}/ui/cases/{expected}" in [a.get_attribute("href") for a in links]
        checked(browser, "referral-possible-existing-case")
    # A child matching no case is recorded without a warning.
    browser.get(f"{service.base_url}/ui/referrals/new")
    fill(browser, ANSWERS | {"child-family_name": "Unmatched"})
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    assert browser.find_elements(By.ID, "possible-existing-cases") == []


def test_a_child_whose_case_closed_too_long_ago_to_reopen_is_referred_as_a_return(
    browser: WebDriver, service: RunningService
) -> None:
    linnet = {"given_name": "Linnet", "family_name": "Harrowgate", "date_of_birth": "2014-06-07"}
    earlier = service.post("/referrals", referral(child=linnet, occurred_at=days_ago(41)))
    earlier_id = earlier.json()["case_id"]
    closure = {"reason": "needs_met", "family_agreed": True, "occurred_at": days_ago(40)}
    assert service.post(f"/cases/{earlier_id}/closure", closure).status_code == 200
    sign_in(browser, service, service.token("coordinator", "coordinator-returns"))
    browser.get(f"{service.base_url}/ui/referrals/new")
    typed = {
        "child-given_name": "Linnet",
        "child-family_name": "Harrowgate",
        "child-date_of_birth-day": "7",
        "child-date_of_birth-month": "6",
        "child-date_of_birth-year": "2014",
    }
    fill(browser, ANSWERS | typed)
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    assert "too long ago to reopen" in text_of(browser, "#possible-existing-cases")
    assert not browser.find_elements(By.CSS_SELECTOR, "#possible-existing-cases a[href$=reopening]")
    checked(browser, "referral-return")

    click_through(browser, By.CSS_SELECTOR, f"button[name=previous_case_id][value='{earlier_id}']")
    case_id = browser.current_url.rsplit("/", 1)[1]
    assert case_id != earlier_id
    recorded = service.get(f"/cases/{case_id}").json()
    assert recorded["previous_case_id"] == earlier_id
