"""The pages in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's
chromedriver (installed by `make test` when missing), checked by axe-core from npm.

Screenshots of each page are written to build/screenshots/ (not committed).
"""

from datetime import date, timedelta
from uuid import uuid4

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.e2e.bodies import CHILD_NAME, key_worker_of, new_active_case, today, views_of
from tests.e2e.browsing import (
    checked,
    choose_date,
    click_through,
    downloaded,
    sign_in,
    text_of,
)
from tests.e2e.conftest import MANAGERS_TEAM, RunningService
from tests.e2e.test_case_parts import days_ago, held_review
from tests.e2e.test_feedback import invited


def test_a_key_worker_signs_in_opens_a_case_and_records_a_contact(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    key_worker = key_worker_of(service, case_id)

    browser.get(f"{service.base_url}/ui/sign-in")
    checked(browser, "sign-in")
    sign_in(browser, service, "not a token")
    assert "Enter a valid sign-in token" in text_of(browser, ".govuk-error-summary")

    sign_in(browser, service, service.token("key_worker", key_worker))
    assert browser.current_url.endswith(f"/ui/caseloads/{key_worker}")
    assert CHILD_NAME in text_of(browser, "table")
    checked(browser, "caseload")

    click_through(browser, By.LINK_TEXT, CHILD_NAME)
    assert browser.current_url.endswith(f"/ui/cases/{case_id}")
    assert text_of(browser, "h1") == CHILD_NAME
    assert "Jo Keyworker" in text_of(browser, "#key-worker + form + ul")
    checked(browser, "case")

    # The day before the allocation, there was no key worker.
    before = date.fromisoformat(today()) - timedelta(days=1)
    choose_date(browser, "as_at", before.isoformat())
    click_through(browser, By.CSS_SELECTOR, "#key-worker + form button")
    assert text_of(browser, "#key-worker") == f"Key worker on {before:%-d %B %Y}"
    assert text_of(browser, "#key-worker + form + p") == "No key worker on that date."

    # No kind chosen: the GOV.UK error summary, linked to the field, from the API's problem.
    browser.find_element(By.ID, "note").send_keys("Talked through the new therapy times")
    browser.find_element(By.ID, "functions-coordinating_services").click()
    click_through(browser, By.CSS_SELECTOR, "#record-contact + form button")
    assert browser.title.startswith("Error:")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text == "Select the kind of contact"
    assert summary.get_attribute("href").endswith("#kind")
    assert "Select the kind of contact" in text_of(browser, "#kind-error")
    assert browser.find_element(By.ID, "note").get_attribute("value") == (
        "Talked through the new therapy times"
    )
    assert browser.find_element(By.ID, "functions-coordinating_services").is_selected()
    checked(browser, "case-with-error")
    assert _contacts(service, case_id) == 0

    browser.find_element(By.ID, "kind-phone").click()
    click_through(browser, By.CSS_SELECTOR, "#record-contact + form button")
    assert browser.current_url.endswith(f"/ui/cases/{case_id}#story")
    assert text_of(browser, ".keywork-story li h3") == "Contact recorded"
    assert "kind: phone" in text_of(browser, ".keywork-story li")
    assert "functions: coordinating services" in text_of(browser, ".keywork-story li")
    assert _contacts(service, case_id) == 1

    # Each page shown is a recorded read: the caseload once, the case four times (opened, as
    # at the day before, shown again with the error, and after the contact).
    views = views_of(service, key_worker, expected=5)
    actions = sorted(entry["action"] for entry in views)
    assert actions == ["viewed case page"] * 4 + ["viewed caseload page"], actions

    click_through(browser, By.CSS_SELECTOR, "form[action='/ui/sign-out'] button")
    browser.get(f"{service.base_url}/ui/cases/{case_id}")
    assert browser.current_url.endswith("/ui/sign-in")


def test_a_page_outside_the_callers_cases_is_refused_as_a_page(
    browser: WebDriver, service: RunningService
) -> None:
    someone_elses = new_active_case(service)
    sign_in(browser, service, service.token("key_worker", str(uuid4())))
    browser.get(f"{service.base_url}/ui/cases/{someone_elses}")
    assert text_of(browser, "h1") == "Forbidden"
    assert CHILD_NAME not in browser.page_source
    checked(browser, "refused")


def _contacts(service: RunningService, case_id: str) -> int:
    timeline = service.get(f"/cases/{case_id}/timeline?limit=500")
    assert timeline.status_code == 200, timeline.text
    return sum(1 for event in timeline.json()["events"] if event["type"] == "ContactRecorded")


def test_a_manager_sees_the_team_and_a_key_workers_view_on_the_trail(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    key_worker = key_worker_of(service, case_id)
    sign_in(browser, service, service.token("key_worker", key_worker))
    browser.get(f"{service.base_url}/ui/cases/{case_id}")
    assert text_of(browser, "h1") == CHILD_NAME

    sign_in(browser, service, service.token("manager", "manager-pages"))
    assert browser.current_url.endswith(f"/ui/teams/{MANAGERS_TEAM}")
    assert "Jo Keyworker" in browser.page_source
    assert CHILD_NAME in text_of(browser, "main")
    supervision = browser.find_element(By.CSS_SELECTOR, "main table caption").text
    assert supervision == "Supervision, every 42 days"
    assert "Jo Keyworker None yet" in text_of(browser, "main table")
    checked(browser, "team")

    click_through(browser, By.LINK_TEXT, "Trail")
    browser.find_element(By.ID, "actor").send_keys(key_worker)
    browser.find_element(By.ID, "action").send_keys("viewed")
    views_of(service, key_worker, expected=1)  # the access log's read model has it
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, ".keywork-trail tbody tr")]
    assert rows and all(key_worker in row and "viewed" in row for row in rows), rows
    assert any("viewed case page" in row and case_id in row for row in rows)
    checked(browser, "trail")

    exported = downloaded(browser, service, "Download as CSV").splitlines()
    assert exported[0] == "at,recorded_at,actor,subject_id,action,reason"
    assert any(f"{key_worker},{case_id},viewed case page" in line for line in exported[1:])


def test_a_commissioner_sees_the_dashboard_and_downloads_it(
    browser: WebDriver, service: RunningService
) -> None:
    new_active_case(service)
    sign_in(browser, service, service.token("commissioner", "commissioner-pages"))
    assert "/ui/metrics" in browser.current_url
    captions = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "caption")]
    assert "Referrals" in captions
    checked(browser, "metrics")

    # An earlier "as known on" day: the same page, as it was known then; of designated key
    # workers only (the DfES brief compares them with non-designated ones).
    browser.find_element(By.ID, "period").clear()
    browser.find_element(By.ID, "period").send_keys("2026")
    choose_date(browser, "known_at", "2026-01-01")
    Select(browser.find_element(By.ID, "key_worker_kind")).select_by_value("designated")
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert "known_at=2026-01-01" in browser.current_url
    assert "key_worker_kind=designated" in browser.current_url
    assert "as recorded by 1 January 2026" in text_of(browser, "main")
    assert text_of(browser, "h1") == "2026: designated key workers"

    exported = downloaded(browser, service, "Download as CSV").splitlines()
    assert exported[0].startswith(
        "period,first_day,last_day,area,age_band,key_worker_kind,known_at,metric"
    )
    assert all(
        line.startswith("2026,2026-01-01,2026-12-31,all,all,designated,") for line in exported[1:]
    )
    assert all(",2026-01-01T" in line for line in exported[1:])


def test_the_dashboard_shows_what_is_wrong_with_a_kind_of_key_worker_it_does_not_know(
    browser: WebDriver, service: RunningService
) -> None:
    sign_in(browser, service, service.token("commissioner", "commissioner-pages"))
    browser.get(f"{service.base_url}/ui/metrics?period=2026&key_worker_kind=lead_professional")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text == "Select a kind of key worker from the list"
    assert summary.get_attribute("href").endswith("#key_worker_kind")
    assert text_of(browser, "h1") == "Service metrics"
    checked(browser, "metrics-refused")


def test_a_key_worker_schedules_a_review_after_being_told_what_is_missing(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    sign_in(browser, service, service.token("key_worker", key_worker_of(service, case_id)))
    browser.get(f"{service.base_url}/ui/cases/{case_id}")
    choose_date(browser, "on", "2027-03-01")
    click_through(browser, By.CSS_SELECTOR, "#schedule-review + form button")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text == "Enter where the review will be"
    assert summary.get_attribute("href").endswith("#location")
    assert browser.find_element(By.ID, "on").get_attribute("value") == "2027-03-01"
    checked(browser, "review-with-error")

    browser.find_element(By.ID, "location").send_keys("The family home")
    click_through(browser, By.CSS_SELECTOR, "#schedule-review + form button")
    assert text_of(browser, ".keywork-story li h3") == "Review scheduled"
    reviews = [
        event
        for event in service.get(f"/cases/{case_id}/timeline").json()["events"]
        if event["type"] == "ReviewScheduled"
    ]
    assert [event["details"]["at"][:16] for event in reviews] == ["2027-03-01T10:00"]


def test_a_form_without_this_browsers_token_changes_nothing(service: RunningService) -> None:
    case_id = new_active_case(service)
    session = service.page_session("key_worker", key_worker_of(service, case_id))
    path = f"/ui/cases/{case_id}/contacts"
    for csrf, cookie in (("", ""), ("forged", "the-real-one"), ("é", "e")):
        response = service.http.post(
            path,
            data={"kind": "phone", "csrf": csrf},
            headers={"Cookie": f"{session}; keywork_csrf={cookie}"},
        )
        assert response.status_code == 403, response.text
        assert "the form has expired" in response.text
    assert _contacts(service, case_id) == 0


def test_any_failure_on_a_page_is_answered_as_a_page(service: RunningService) -> None:
    session = {"Cookie": service.page_session("commissioner", "commissioner-pages")}
    bad_period = service.http.get("/ui/metrics?period=someday", headers=session)
    wrong_method = service.http.post("/ui/metrics", headers=session)
    for response, status in ((bad_period, 422), (wrong_method, 405)):
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert '<h1 class="govuk-heading-l">' in response.text
    # The API's answers are unchanged.
    assert service.http.post("/metrics", headers=service.as_()).headers["content-type"] == (
        "application/problem+json"
    )


def test_a_family_answers_the_questionnaire_from_its_link(
    browser: WebDriver, service: RunningService
) -> None:
    token = invited(service)
    browser.delete_all_cookies()
    browser.get(f"{service.base_url}/ui/feedback/{token}")
    assert text_of(browser, "h1") == "Tell us how key working is going"
    checked(browser, "feedback")

    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text == "Choose an answer to at least one question"
    assert summary.get_attribute("href").endswith("#answers")  # type: ignore[union-attr]
    checked(browser, "feedback-with-error")

    browser.find_element(By.CSS_SELECTOR, "label[for='listened_to-5']").click()
    browser.find_element(By.CSS_SELECTOR, "label[for='would_recommend-4']").click()
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert text_of(browser, "h1") == "Thank you"
    assert browser.get_cookies() == []
    checked(browser, "feedback-thanks")


def test_a_key_worker_scores_outcomes_at_a_held_review(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    held_review(service, case_id, days_ago(1))
    sign_in(browser, service, service.token("key_worker", key_worker_of(service, case_id)))
    browser.get(f"{service.base_url}/ui/cases/{case_id}#outcomes")
    assert "No outcomes scored yet" in text_of(browser, "main")
    areas = service.get(f"/cases/{case_id}/outcomes").json()["measure"]["areas"]
    Select(browser.find_element(By.ID, f"scores.{areas[0]}")).select_by_value("3")
    click_through(browser, By.CSS_SELECTOR, "form[action$='/outcome-scores'] button")
    missing = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary a")]
    assert missing == [f"Choose a score for {areas[1].replace('_', ' ')}"]
    checked(browser, "outcomes-with-error")

    for area in areas[1:]:
        Select(browser.find_element(By.ID, f"scores.{area}")).select_by_value("6")
    click_through(browser, By.CSS_SELECTOR, "form[action$='/outcome-scores'] button")
    journey = service.get(f"/cases/{case_id}/outcomes").json()["measurements"]
    assert [m["scores"][areas[0]] for m in journey] == [3]
    table = text_of(browser, "#outcomes + table")
    assert "Scores at each review" in table and "Change" in table
    assert not browser.find_elements(By.CSS_SELECTOR, "form[action$='/outcome-scores']")
    checked(browser, "outcomes")


def test_each_sign_in_starts_a_new_session_and_ends_the_one_before(
    service: RunningService,
) -> None:
    token = service.token("commissioner", "commissioner-pages")
    with httpx.Client(base_url=service.base_url) as browser:
        browser.get("/ui/sign-in")
        form = {"token": token, "csrf": browser.cookies["keywork_csrf"]}
        sessions = []
        for _ in range(2):
            assert browser.post("/ui/sign-in", data=form).status_code == 303
            sessions.append(browser.cookies["keywork_session"])
    assert sessions[0] != sessions[1]
    first, second = ({"Cookie": f"keywork_session={held}"} for held in sessions)
    assert service.http.get("/ui", headers=first).headers["location"] == "/ui/sign-in"
    assert service.http.get("/ui", headers=second).headers["location"] == "/ui/metrics"


def test_the_services_address_leads_to_the_pages_and_names_the_api(
    browser: WebDriver, service: RunningService
) -> None:
    browser.delete_all_cookies()
    browser.get(f"{service.base_url}/")
    checked(browser, "front-door")
    links = [link.get_attribute("href") for link in browser.find_elements(By.TAG_NAME, "a")]
    assert f"{service.base_url}/docs" in links
    click_through(browser, By.LINK_TEXT, "Start")
    assert browser.current_url.endswith("/ui/sign-in")
    sign_in(browser, service, service.token("commissioner", "commissioner-pages"))
    browser.get(f"{service.base_url}/")
    click_through(browser, By.LINK_TEXT, "Start")
    assert browser.current_url.endswith("/ui/metrics")
