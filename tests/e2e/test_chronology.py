"""A case's chronology: its milestones and the events a key worker or manager marks
significant, read over the API and printed from the case page as a PDF."""

import io
import time

from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.e2e.bodies import CHILD_NAME, key_worker_of, new_active_case
from tests.e2e.browsing import checked, click_through, sign_in, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.test_referral_pages import fill

PDF = "application/pdf"


def recorded_contact(service: RunningService, case_id: str) -> str:
    recorded = service.post(f"/cases/{case_id}/contacts", {"kind": "home_visit"})
    assert recorded.status_code == 200, recorded.text
    return str(recorded.json()["event_ids"][0])


def was_viewed(service: RunningService, actor: str, case_id: str) -> bool:
    """Whether the access log has `actor` reading the case's chronology (once it catches up)."""
    for _ in range(100):
        trail = service.get(f"/cases/{case_id}/trail").json()["entries"]
        if any(e["actor"] == actor and e["action"] == "viewed chronology" for e in trail):
            return True
        time.sleep(0.1)
    return False


def test_the_chronology_holds_the_milestones_and_what_was_marked(service: RunningService) -> None:
    case_id = new_active_case(service)
    worker = key_worker_of(service, case_id)
    visit = recorded_contact(service, case_id)
    recorded_contact(service, case_id)  # an ordinary contact stays out
    mark = {"event_id": visit, "reason": "first visit after the hospital stay"}
    refused = service.post(f"/cases/{case_id}/significant-events", mark, role="coordinator")
    assert refused.status_code == 403
    marked = service.post(f"/cases/{case_id}/significant-events", mark, "key_worker", worker)
    assert marked.status_code == 200, marked.text
    again = service.post(f"/cases/{case_id}/significant-events", mark, "key_worker", worker)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"

    entries = service.get(f"/cases/{case_id}/chronology").json()["entries"]
    assert [e["type"] for e in entries] == [
        "Referred",
        "EligibilityDecided",
        "KeyWorkerAllocated",
        "ContactRecorded",
    ]
    assert entries[-1]["event_id"] == visit
    assert entries[-1]["significant_because"] == "first visit after the hospital stay"
    assert entries[-1]["who"] == "coordinator-1"  # who recorded the visit (no directory name)
    assert entries[2]["occurred_at"] <= entries[2]["recorded_at"]

    printed = service.http.get(
        f"/cases/{case_id}/chronology", headers=service.as_() | {"Accept": PDF}
    )
    assert printed.headers["content-type"] == PDF
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert CHILD_NAME in text and "first visit after the hospital stay" in text
    assert was_viewed(service, "coordinator-1", case_id)


def test_a_key_worker_adds_an_event_from_the_case_page_and_prints_the_chronology(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    worker = key_worker_of(service, case_id)
    visit = recorded_contact(service, case_id)
    sign_in(browser, service, service.token("key_worker", worker))
    browser.get(f"{service.base_url}/ui/cases/{case_id}")
    click_through(browser, By.LINK_TEXT, "Add an event to the chronology")
    checked(browser, "chronology-mark")
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert "Choose which event" in text_of(browser, ".govuk-error-summary")
    Select(browser.find_element(By.ID, "event_id")).select_by_value(visit)
    fill(browser, {"reason": "the family asked for this visit"})
    click_through(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    story = text_of(browser, f"#event-{visit}")
    assert "In the chronology" in story and "the family asked for this visit" in story

    session = {"Cookie": service.page_session("key_worker", worker)}
    printed = service.http.get(f"/ui/cases/{case_id}/chronology.pdf", headers=session)
    assert printed.status_code == 200 and printed.headers["content-type"] == PDF
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert "the family asked for this visit" in text
    assert was_viewed(service, worker, case_id)
