"""A family answers the questionnaire its invitation links to: once, without signing in, and
without anything it sends being echoed or kept with its case."""

import io
import os
import re
import subprocess
import sys
import time

from pypdf import PdfReader

from consumers.mail import MaildirMailer
from tests.e2e.bodies import new_active_case
from tests.e2e.conftest import RunningService
from tests.e2e.test_case_parts import days_ago, held_review
from tests.e2e.test_errors import assert_problem, rules

LINK = re.compile(r"/ui/feedback/(\S+)")
CODE = re.compile(r"Code: (\d{4}(?:-[A-Z2-7]{4}){4})")


def questionnaire_links(service: RunningService) -> list[str]:
    found = []
    for message in MaildirMailer(service.data_dir / "mail").messages():
        if message["Subject"] == "Tell us how key working is going for your family":
            body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
            found += LINK.findall(body)
    return found


def feedback_round(service: RunningService) -> None:
    subprocess.run(
        [sys.executable, "-m", "api.cli", "feedback", "round"],
        env=os.environ | service.env,
        capture_output=True,
        check=True,
        timeout=60,
    )


def invited(service: RunningService) -> str:
    """Holds a review, sends a round once the notifier has seen it, and returns the token in
    the family's questionnaire link."""
    before = set(questionnaire_links(service))
    case_id = new_active_case(service)
    held_review(service, case_id, days_ago(1))
    deadline = time.monotonic() + 60
    while not (new := set(questionnaire_links(service)) - before):
        assert time.monotonic() < deadline, "no questionnaire arrived"
        feedback_round(service)
    invitations = [
        event["details"]
        for event in service.get(f"/cases/{case_id}/timeline").json()["events"]
        if event["type"] == "FeedbackInvited"
    ]
    assert invitations == [{"occasion": "review", "emailed": 1, "posted": 0}]
    return new.pop()


def test_a_family_answers_once_with_its_link(service: RunningService) -> None:
    token = invited(service)
    questions = service.http.get("/feedback/questions").json()
    assert len(questions["questions"]) == 6 and questions["scale"]["5"] == "Strongly agree"
    answers = {"listened_to": 5, "told_story_once": 3}

    typed = service.http.post("/feedback", json={"token": token, "answers": {"Sam is sad": 2}})
    assert rules(assert_problem(typed, 422)) == {("answers", "known_questions")}
    assert "Sam is sad" not in typed.text
    forged = service.http.post("/feedback", json={"token": token[:-4] + "AAAA", "answers": answers})
    assert rules(assert_problem(forged, 422)) == {("token", "valid_token")}
    assert token[:40] not in forged.text

    given = service.http.post("/feedback", json={"token": token, "answers": answers})
    assert given.status_code == 201 and given.json() == {"received": True}
    again = service.http.post("/feedback", json={"token": token, "answers": answers})
    assert rules(assert_problem(again, 409)) == {("token", "answered_once")}


def test_the_questionnaire_page_sets_no_cookie_and_leaks_no_link(service: RunningService) -> None:
    token = invited(service)
    page = service.http.get(f"/ui/feedback/{token}")
    assert page.status_code == 200 and "Tell us how key working is going" in page.text
    assert "set-cookie" not in page.headers
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "Every page you open is recorded" not in page.text

    empty = service.http.post(f"/ui/feedback/{token}", data={})
    assert empty.status_code == 422 and "Choose an answer to at least one question" in empty.text
    thanked = service.http.post(f"/ui/feedback/{token}", data={"would_recommend": "4"})
    assert thanked.status_code == 200 and "Thank you" in thanked.text
    used = service.http.get(f"/ui/feedback/{token}")
    assert used.status_code == 409 and "has been answered" in used.text
    assert 'type="radio"' not in used.text


def test_business_support_prints_coded_paper_questionnaires_answered_once(
    service: RunningService,
) -> None:
    clerk = service.as_("business_support", "clerk-1")
    printed = service.http.post("/feedback/questionnaires", json={"count": 3}, headers=clerk)
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(printed.content)).pages
    codes = [CODE.findall(page.extract_text())[0] for page in pages]
    assert len(pages) == 3 and len(set(codes)) == 3
    assert f"{service.base_url}/ui/feedback" in pages[0].extract_text()
    too_many = service.http.post("/feedback/questionnaires", json={"count": 201}, headers=clerk)
    assert rules(assert_problem(too_many, 422)) == {("count", "less_than_equal")}

    typed = codes[0].lower().replace("-", " ")
    given = service.http.post("/feedback", json={"code": typed, "answers": {"listened_to": 2}})
    assert given.status_code == 201
    again = service.http.post("/feedback", json={"code": codes[0], "answers": {"listened_to": 2}})
    assert rules(assert_problem(again, 409)) == {("token", "answered_once")}

    wrong = codes[1][:-1] + ("A" if codes[1][-1] != "A" else "B")
    page = service.http.post("/ui/feedback", data={"code": wrong, "made_a_difference": "5"})
    assert page.status_code == 422 and "Check the code" in page.text
    assert 'value="5" checked' in page.text  # the answers given are kept
    page = service.http.post("/ui/feedback", data={"code": codes[1], "made_a_difference": "5"})
    assert page.status_code == 200 and "Thank you" in page.text
