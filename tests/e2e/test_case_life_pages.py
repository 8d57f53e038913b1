"""A case worked from its pages alone, in Chromium and checked by axe: the Team Around the Child,
reviews, plans, a handover with overlap, cover, closure, its audit, reopening and a correction
(api/web/team_tasks.py, plan_tasks.py, closure_tasks.py). The API is used only to set the case
up and to read what the pages recorded."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.e2e.bodies import (
    key_worker_of,
    new_active_case,
    new_practitioner,
    referral,
)
from tests.e2e.browsing import checked, choose_date, click_through
from tests.e2e.conftest import RunningService
from tests.e2e.keyboard import tab_to
from tests.e2e.task_forms import (
    COORDINATOR,
    MANAGER,
    SUBMIT,
    choose,
    events,
    eventually,
    last_event,
    on,
    open_task,
    pick_by_keyboard,
    refused,
    submit,
    summary,
    type_date,
    type_into,
)
from tests.e2e.test_case_task_pages import at_case, date_of, tasks
from tests.e2e.test_referral_pages import fill


def test_a_case_is_worked_from_allocation_to_reopening_by_its_pages(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    first_key_worker = key_worker_of(service, case_id)
    physio, successor, cover = (new_practitioner(service) for _ in range(3))
    at_case(browser, service, service.token("coordinator", COORDINATOR), case_id)
    listed = tasks(browser)
    assert listed["Add a member to the Team Around the Child"] == "To do"
    assert listed["Change a team member's details"] == "Cannot start yet"
    assert "Audit the closure" not in listed  # a manager's task

    # The Team Around the Child: a member added, after a first try that leaves out two answers.
    open_task(browser, "Add a member to the Team Around the Child", "tac-member")
    choose(browser, "practitioner_id", physio)
    fill(browser, {"receives_plans": ""})
    assert refused(browser, service, case_id, "tac-member-errors") == [
        "Enter their role with the child",
        "Choose how they are sent",
    ]
    assert (
        Select(browser.find_element(By.ID, "practitioner_id")).first_selected_option.get_attribute(
            "value"
        )
        == physio
    )
    assert browser.find_element(By.ID, "receives_plans").is_selected()
    fill(browser, {"role": "Physiotherapist", "channel": ""})
    submit(browser)
    assert browser.current_url.endswith(f"/ui/cases/{case_id}")
    [member] = summary(service, case_id)["team_around_the_child"]
    assert (member["practitioner_id"], member["role"], member["channel"]) == (
        physio,
        "Physiotherapist",
        "email",
    )

    click_through(browser, By.LINK_TEXT, "Record the service agreement")
    fill(browser, {"contact_every_days": "28", "signed_by": ""})
    date_of(browser, "signed_on", on(0))
    submit(browser)
    assert summary(service, case_id)["contact_every_days"] == 28

    # A review scheduled on the case page, then held: its outcome with the child's views.
    choose_date(browser, "on", on(7).isoformat())
    browser.find_element(By.ID, "location").send_keys("The family home")
    click_through(browser, By.CSS_SELECTOR, "#schedule-review + form button")
    assert tasks(browser)["Record a review meeting"] == "To do"
    open_task(browser, "Record a review meeting", "review-outcome")
    fill(browser, {"review_id": "", "attendees": "Alex Quillfeather\nJo Keyworker"})
    fill(browser, {"decisions": "Ask for a new wheelchair assessment", "key_worker_confirmed": ""})
    date_of(browser, "next_review_on", on(90))
    assert refused(browser, service, case_id, "review-outcome-errors") == [
        "Enter the child's views"
    ]
    assert browser.find_element(By.ID, "attendees").get_attribute("value") == (
        "Alex Quillfeather\nJo Keyworker"
    )
    fill(browser, {"child_views": "Wants to go swimming with school friends"})
    submit(browser)
    held = last_event(service, case_id)
    assert held["type"] == "ReviewHeld"
    assert held["details"]["child_views"] == "Wants to go swimming with school friends"
    assert held["details"]["attendees"] == ["Alex Quillfeather", "Jo Keyworker"]
    assert summary(service, case_id)["next_review"] == on(90).isoformat()

    # The Family Support Plan: drafted, then signed by the mother.
    open_task(browser, "Draft a Family Support Plan", "plan")
    fill(browser, {"summary": "Swimming, and a wheelchair that fits"})
    fill(browser, {"outcomes": "Swims weekly\nA wheelchair assessed", "actions-0-who": "Jo"})
    fill(browser, {"actions-0-what": "Refer to wheelchair services"})
    date_of(browser, "actions-0-by", on(30))
    submit(browser)
    assert tasks(browser)["Record the plan's signature"] == "To do"
    open_task(browser, "Record the plan's signature", "plan-signature")
    fill(browser, {"plan_version": "", "signed_by": ""})
    date_of(browser, "signed_on", on(0))
    submit(browser)
    [plan] = summary(service, case_id)["plans"]
    assert (plan["status"], plan["signed_by"]) == ("signed", "Alex Quillfeather")
    assert tasks(browser)["Record the plan's signature"] == "Done"
    drafted = next(e for e in events(service, case_id) if e["type"] == "PlanDrafted")
    assert drafted["details"]["actions"] == [
        {"who": "Jo", "what": "Refer to wheelchair services", "by": on(30).isoformat()}
    ]

    # A handover with a week's overlap, by the keyboard alone.
    click_through(browser, By.LINK_TEXT, "Hand over to a new key worker", Keys.ENTER)
    checked(browser, "handover")
    tab_to(browser, browser.find_element(By.ID, "kind")).send_keys(Keys.SPACE)
    pick_by_keyboard(browser, "to_practitioner_id", successor)
    type_date(browser, "on", on(1))
    type_date(browser, "overlap_until", on(7))
    type_into(browser, "reason", "Jo moves to the early years team")
    tab_to(browser, browser.find_element(By.CSS_SELECTOR, SUBMIT))
    click_through(browser, By.CSS_SELECTOR, SUBMIT, Keys.ENTER)
    assert browser.current_url.endswith(f"/ui/cases/{case_id}")
    overlap = eventually(
        lambda: service.get(f"/cases/{case_id}/key-worker?as_at={on(3)}").json(),
        lambda read: len(read["key_workers"]) == 2,
    )
    assert {w["practitioner_id"] for w in overlap["key_workers"]} == {first_key_worker, successor}
    after = service.get(f"/cases/{case_id}/key-worker?as_at={on(8)}").json()
    assert [w["practitioner_id"] for w in after["key_workers"]] == [successor]

    # Cover for the new key worker's leave: a first try ends before it starts; then ended early.
    open_task(browser, "Arrange absence cover", "cover")
    choose(browser, "practitioner_id", cover)
    date_of(browser, "from", on(10))
    date_of(browser, "until", on(9))
    fill(browser, {"reason": "Annual leave"})
    assert refused(browser, service, case_id, "cover-errors") == [
        "Check until: the cover ends before it starts"
    ]
    assert browser.find_element(By.ID, "reason").get_attribute("value") == "Annual leave"
    date_of(browser, "until", on(24))
    submit(browser)
    open_task(browser, "End absence cover early", "cover-end")
    date_of(browser, "on", on(17))
    fill(browser, {"reason": "Back from leave early"})
    submit(browser)
    assert last_event(service, case_id)["type"] == "CoverEnded"
    covered = eventually(
        lambda: service.get(f"/cases/{case_id}/key-worker?as_at={on(16)}").json(),
        lambda read: read["cover"] != [],
    )
    assert [c["practitioner_id"] for c in covered["cover"]] == [cover]
    ended = eventually(
        lambda: service.get(f"/cases/{case_id}/key-worker?as_at={on(17)}").json(),
        lambda read: read["cover"] == [],
    )
    assert ended["cover"] == []

    # Closed with the signed plan as the final one, once the family's agreement is given.
    open_task(browser, "Close the case", "closure")
    fill(browser, {"reason": ""})
    choose(browser, "final_plan_version", "1")
    assert refused(browser, service, case_id, "closure-errors") == [
        "Check did the family agree to the ending: say whether the family agreed to the ending"
    ]
    fill(browser, {"family_agreed": ""})
    submit(browser)
    closed = summary(service, case_id)
    assert (closed["status"], closed["closure_reason"]) == ("closed", "needs_met")
    assert last_event(service, case_id)["details"]["final_plan_version"] == 1

    # The practice supervisor's audit: a manager of the team that worked the case.
    at_case(browser, service, service.token("manager", MANAGER), case_id)
    assert tasks(browser)["Audit the closure"] == "To do"
    open_task(browser, "Audit the closure", "closure-audit")
    fill(browser, {"findings": "Contacts kept to the agreed frequency"})
    assert refused(browser, service, case_id, "closure-audit-errors") == [
        "Choose the audit's outcome"
    ]
    fill(browser, {"outcome": ""})
    submit(browser)
    assert tasks(browser)["Audit the closure"] == "Done"
    assert last_event(service, case_id)["details"]["outcome"] == "good"

    # Reopened by the coordinator, who then corrects the physiotherapist's role.
    at_case(browser, service, service.token("coordinator", COORDINATOR), case_id)
    open_task(browser, "Reopen the case", "reopening")
    fill(browser, {"reason": "The family asked for help again with the new school"})
    submit(browser)
    assert summary(service, case_id)["status"] == "eligible"

    open_task(browser, "Correct an earlier record", "correction")
    fill(browser, {"corrects_event_id": "", "reason": "Recorded under the wrong role"})
    assert refused(browser, service, case_id, "correction-errors") == [
        "Give at least one corrected value"
    ]
    fill(browser, {"replacement-role": "Paediatric physiotherapist"})
    submit(browser)
    [member] = summary(service, case_id)["team_around_the_child"]
    assert member["role"] == "Paediatric physiotherapist"
    correction = last_event(service, case_id)
    assert correction["type"] == "TacMemberCorrected"
    assert correction["reason"] == "Recorded under the wrong role"


def test_the_team_reviews_consent_a_plan_copy_and_a_move_by_their_pages(
    browser: WebDriver, service: RunningService
) -> None:
    case_id = new_active_case(service)
    speech = new_practitioner(service)
    at_case(browser, service, service.token("coordinator", COORDINATOR), case_id)

    click_through(browser, By.LINK_TEXT, "Add a member to the Team Around the Child")
    choose(browser, "practitioner_id", speech)
    fill(browser, {"role": "Speech and language therapist", "receives_plans": "", "channel": ""})
    submit(browser)
    open_task(browser, "Change a team member's details", "tac-member-change")
    fill(browser, {"practitioner_id": ""})
    choose(browser, "receives_plans", "no")
    submit(browser)
    [member] = summary(service, case_id)["team_around_the_child"]
    assert (member["role"], member["receives_plans"]) == ("Speech and language therapist", False)

    # A review moved, a report received for it, then cancelled.
    choose_date(browser, "on", on(14).isoformat())
    browser.find_element(By.ID, "location").send_keys("School")
    click_through(browser, By.CSS_SELECTOR, "#schedule-review + form button")
    open_task(browser, "Move a review", "review-reschedule")
    fill(browser, {"review_id": "", "at-time": "14:30", "reason": "The school hall is booked"})
    date_of(browser, "at", on(21))
    submit(browser)
    moved = last_event(service, case_id)
    assert (moved["type"], moved["reason"]) == ("ReviewRescheduled", "The school hall is booked")
    assert summary(service, case_id)["next_review"] == on(21).isoformat()
    open_task(browser, "Record a report for a review", "review-report")
    fill(browser, {"review_id": "", "from_practitioner_id": "", "title": "Communication update"})
    submit(browser)
    report = last_event(service, case_id)
    assert (report["type"], report["details"]["title"]) == (
        "ReviewReportReceived",
        "Communication update",
    )
    open_task(browser, "Cancel a review", "review-cancellation")
    fill(browser, {"review_id": "", "reason": "The family is away"})
    submit(browser)
    assert last_event(service, case_id)["type"] == "ReviewCancelled"
    assert tasks(browser)["Record a review meeting"] == "Cannot start yet"

    open_task(browser, "Remove a team member", "tac-member-removal")
    fill(browser, {"practitioner_id": "", "reason": "Therapy has ended"})
    submit(browser)
    assert summary(service, case_id)["team_around_the_child"] == []

    # Consent withdrawn, the case shared all the same by the coordinator, then given again.
    open_task(browser, "Record the family's consent to share", "consent")
    fill(browser, {"given-no": ""})
    submit(browser)
    assert summary(service, case_id)["consent_to_share"] is False
    open_task(browser, "Share the case without the family's consent", "consent-override")
    fill(browser, {"reason": "Safeguarding: the school has raised a concern"})
    submit(browser)
    assert summary(service, case_id)["consent_overridden"] is True
    assert tasks(browser)["Share the case without the family's consent"] == "Done"
    click_through(browser, By.LINK_TEXT, "Record the family's consent to share")
    fill(browser, {"given": ""})
    submit(browser)
    shared = summary(service, case_id)
    assert (shared["consent_to_share"], shared["consent_overridden"]) == (True, False)

    # A signed plan, and a copy that could not be sent: why is asked for first.
    click_through(browser, By.LINK_TEXT, "Draft a Family Support Plan")
    fill(browser, {"summary": "Settling into the new school", "outcomes": "Has a friend"})
    submit(browser)
    click_through(browser, By.LINK_TEXT, "Record the plan's signature")
    fill(browser, {"plan_version": "", "signed_by": ""})
    date_of(browser, "signed_on", on(0))
    submit(browser)
    open_task(browser, "Record who got a copy of the plan", "plan-copy")
    fill(browser, {"plan_version": "", "channel-letter": "", "outcome-failed": ""})
    choose(browser, "recipient", "family:0")
    assert refused(browser, service, case_id, "plan-copy-errors") == [
        "Check why it could not be sent: say why the copy failed"
    ]
    assert browser.find_element(By.ID, "outcome-failed").is_selected()
    fill(browser, {"reason": "Returned: not known at the address"})
    submit(browser)
    copy = last_event(service, case_id)
    assert (copy["type"], copy["details"]["recipient"]) == ("PlanCopyFailed", "family:0")

    # A move within the area, to another team.
    open_task(browser, "Agree a move", "transfer")
    fill(browser, {"out_of_area-no": "", "to_area": "norfolk", "to_team": "west-norfolk"})
    date_of(browser, "move_on", on(30))
    submit(browser)
    moving = summary(service, case_id)["transfer"]
    assert (moving["to_team"], moving["out_of_area"], moving["move_on"]) == (
        "west-norfolk",
        False,
        on(30).isoformat(),
    )
    assert tasks(browser)["Agree a move"] == "Done"


def test_a_plan_is_signed_only_by_someone_with_parental_responsibility(
    browser: WebDriver, service: RunningService
) -> None:
    brother = {
        "name": "Robin Quillfeather",
        "relationship": "brother",
        "email": "robin@example.org",
        "preferred_channel": "email",
        "has_parental_responsibility": False,
    }
    case_id = new_active_case(service, family=[*referral()["family"], brother])
    at_case(browser, service, service.token("coordinator", COORDINATOR), case_id)
    click_through(browser, By.LINK_TEXT, "Draft a Family Support Plan")
    fill(browser, {"summary": "A first plan", "outcomes": "Sleeps through the night"})
    submit(browser)

    # Only the mother is offered; a form that names the brother all the same is refused.
    click_through(browser, By.LINK_TEXT, "Record the plan's signature")
    offered = [e.get_attribute("value") for e in browser.find_elements(By.NAME, "signed_by")]
    assert offered == ["Alex Quillfeather"]
    browser.execute_script("document.getElementById('signed_by').value = 'Robin Quillfeather';")
    fill(browser, {"plan_version": "", "signed_by": ""})
    date_of(browser, "signed_on", on(0))
    assert refused(browser, service, case_id, "plan-signature-errors") == [
        "Check signed by: the signer needs parental responsibility"
    ]
    assert summary(service, case_id)["plans"][0]["status"] == "draft"


def test_a_task_page_is_refused_as_a_page_to_a_role_the_api_refuses(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    key_worker = {"Cookie": service.page_session("key_worker", key_worker_of(service, case_id))}
    for page in ("handover", "cover", "closure-audit", "reopening", "consent-override"):
        answer = service.http.get(f"/ui/cases/{case_id}/{page}", headers=key_worker)
        assert answer.status_code == 403, page
        assert answer.headers["content-type"].startswith("text/html"), page
    # What a key worker may do on their case opens, and the task list offers no more.
    assert service.http.get(f"/ui/cases/{case_id}/closure", headers=key_worker).status_code == 200
    case_page = service.http.get(f"/ui/cases/{case_id}", headers=key_worker).text
    assert "Record a review meeting" in case_page and "Hand over" not in case_page
