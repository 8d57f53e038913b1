"""A whole case from the pages alone, as the people who run the service work it: no API call
records anything (the directory's practitioners are set up over the API, and the API is read
to check what the pages recorded). Each page is checked by axe as it is shown."""

import re

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import new_practitioner
from tests.e2e.browsing import checked, choose_date, click_through, sign_in, text_of
from tests.e2e.conftest import MANAGERS_TEAM, RunningService
from tests.e2e.task_forms import (
    choose,
    events,
    eventually,
    on,
    open_task,
    submit,
    summary,
)
from tests.e2e.test_case_task_pages import at_case, date_of, tasks
from tests.e2e.test_referral_pages import ANSWERS, RECORD, fill
from tests.nhs_numbers import new_nhs_number

FAMILY_NAME = "Pemberton-Ashe"


def test_a_case_from_referral_to_closure_audit_by_its_pages_alone(
    browser: WebDriver, service: RunningService
) -> None:
    key_worker, successor, physio = (new_practitioner(service) for _ in range(3))
    nhs_number = new_nhs_number()

    # Business support records the referral, then finds the child again by NHS number.
    sign_in(browser, service, service.token("business_support", "support-whole-case"))
    click_through(browser, By.LINK_TEXT, "New referral")
    child = {"child-family_name": FAMILY_NAME, "child-nhs_number": nhs_number}
    fill(browser, ANSWERS | child | {"family-0-has_parental_responsibility": ""})
    click_through(browser, By.CSS_SELECTOR, "button[value=check]")
    checked(browser, "whole-case-referral-check")
    click_through(browser, By.XPATH, RECORD)
    found = re.fullmatch(r".*/ui/cases/([0-9a-f-]{36})", browser.current_url)
    assert found, browser.current_url
    case_id = found.group(1)
    browser.get(f"{service.base_url}/ui/find")
    browser.find_element(By.ID, "nhs_number").send_keys(nhs_number)
    browser.find_element(By.ID, "purpose").send_keys("The referrer rang to ask how it is going")
    click_through(browser, By.CSS_SELECTOR, "form[action='/ui/find'] button")
    assert FAMILY_NAME in text_of(browser, "#found")
    click_through(browser, By.PARTIAL_LINK_TEXT, FAMILY_NAME)
    assert browser.current_url.endswith(f"/ui/cases/{case_id}")

    # The coordinator decides eligibility and allocates the key worker.
    at_case(browser, service, service.token("coordinator", "coordinator-whole-case"), case_id)
    open_task(browser, "Decide eligibility", "whole-case-eligibility")
    fill(browser, {"facts-gp_in_area": "", "facts-complex_health_needs": ""})
    fill(browser, {"facts-specialist_count": "4", "facts-agency_count": "3"})
    submit(browser)
    open_task(browser, "Allocate a key worker", "whole-case-allocation")
    fill(browser, {"kind": ""})
    choose(browser, "practitioner_id", key_worker)
    date_of(browser, "from", on(0))
    submit(browser)
    assert summary(service, case_id)["status"] == "active"

    # The key worker: the Team Around the Child, the agreement, a contact, a review, the plan.
    at_case(browser, service, service.token("key_worker", key_worker), case_id)
    open_task(browser, "Add a member to the Team Around the Child", "whole-case-tac")
    choose(browser, "practitioner_id", physio)
    fill(browser, {"role": "Physiotherapist", "receives_plans": "", "channel": ""})
    submit(browser)
    open_task(browser, "Record the service agreement", "whole-case-agreement")
    fill(browser, {"contact_every_days": "21", "signed_by": ""})
    date_of(browser, "signed_on", on(0))
    submit(browser)
    fill(browser, {"kind": ""})  # the case page's contact form: its first kind
    click_through(browser, By.CSS_SELECTOR, "#record-contact + form button")
    assert summary(service, case_id)["last_contact_at"] is not None
    choose_date(browser, "on", on(7).isoformat())
    browser.find_element(By.ID, "location").send_keys("The family home")
    click_through(browser, By.CSS_SELECTOR, "#schedule-review + form button")
    open_task(browser, "Record a review meeting", "whole-case-review")
    fill(browser, {"review_id": "", "attendees": "Rosa Marchbanks", "key_worker_confirmed": ""})
    fill(browser, {"decisions": "A plan for short breaks", "child_views": "Likes the pool"})
    date_of(browser, "next_review_on", on(90))
    submit(browser)
    open_task(browser, "Draft a Family Support Plan", "whole-case-plan")
    fill(browser, {"summary": "Short breaks and swimming", "outcomes": "Swims weekly"})
    fill(browser, {"actions-0-who": "Key worker", "actions-0-what": "Find a short break"})
    date_of(browser, "actions-0-by", on(30))
    submit(browser)
    open_task(browser, "Record the plan's signature", "whole-case-signature")
    fill(browser, {"plan_version": "", "signed_by": ""})
    date_of(browser, "signed_on", on(0))
    submit(browser)
    [plan] = summary(service, case_id)["plans"]
    assert (plan["status"], plan["signed_by"]) == ("signed", "Rosa Marchbanks")

    # The coordinator hands over with a week's overlap, then closes with the final plan.
    at_case(browser, service, service.token("coordinator", "coordinator-whole-case"), case_id)
    open_task(browser, "Hand over to a new key worker", "whole-case-handover")
    fill(browser, {"kind": "", "reason": "A new team closer to home"})
    choose(browser, "to_practitioner_id", successor)
    date_of(browser, "on", on(1))
    date_of(browser, "overlap_until", on(7))
    submit(browser)
    overlap = eventually(
        lambda: service.get(f"/cases/{case_id}/key-worker?as_at={on(3)}").json(),
        lambda read: len(read["key_workers"]) == 2,
    )
    assert {w["practitioner_id"] for w in overlap["key_workers"]} == {key_worker, successor}
    open_task(browser, "Close the case", "whole-case-closure")
    fill(browser, {"reason": "", "family_agreed": ""})
    choose(browser, "final_plan_version", "1")
    submit(browser)
    assert summary(service, case_id)["status"] == "closed"

    # The manager of the key workers' team audits the closure.
    at_case(browser, service, service.token("manager", f"manager-{MANAGERS_TEAM}"), case_id)
    open_task(browser, "Audit the closure", "whole-case-audit")
    fill(browser, {"outcome": "", "findings": "Contacts kept to the agreed frequency"})
    submit(browser)
    assert tasks(browser)["Audit the closure"] == "Done"
    recorded = [event["type"] for event in events(service, case_id)]
    assert recorded[0] == "Referred" and recorded[-1] == "ClosureAudited"
    for kind in ("KeyWorkerAllocated", "ContactRecorded", "ReviewHeld", "PlanSigned"):
        assert kind in recorded, kind
