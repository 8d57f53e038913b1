"""Business support prints paper questionnaires from the print queue page, in a real browser (see
test_pages.py): a count the API would refuse comes back as the page with its error, and the
stack downloads as a PDF whose codes families answer with, once each."""

import time
from pathlib import Path
from uuid import uuid4

import httpx
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.bodies import views_of
from tests.e2e.browsing import (
    PAGE_WAIT_SECONDS,
    checked,
    click_through,
    refused_at,
    sign_in,
    text_of,
)
from tests.e2e.conftest import RunningService
from tests.e2e.keyboard import press, tab_to
from tests.e2e.test_errors import assert_problem, rules
from tests.e2e.test_feedback import CODE

STACK = "questionnaires.pdf"


def saved(folder: Path, name: str) -> Path:
    """The file the browser has finished downloading into `folder`."""
    deadline = time.monotonic() + PAGE_WAIT_SECONDS
    while not (path := folder / name).exists():
        assert time.monotonic() < deadline, f"{name} was never downloaded"
        time.sleep(0.1)
    return path


def test_business_support_prints_questionnaires_whose_codes_answer_once(
    browser: WebDriver, service: RunningService, tmp_path: Path
) -> None:
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    clerk = f"clerk-{uuid4()}"
    sign_in(browser, service, service.token("business_support", clerk))
    click_through(browser, By.LINK_TEXT, "Letters to post")
    assert text_of(browser, "#questionnaires") == "Print paper questionnaires"
    assert browser.find_element(By.ID, "count").get_attribute("inputmode") == "numeric"

    # None at all: refused as the API refuses it, at the field, what was typed kept.
    browser.find_element(By.ID, "count").send_keys("0")
    click_through(browser, By.CSS_SELECTOR, "#questionnaires ~ form button")
    refused_at(browser, "count", "Print at least 1 questionnaire")
    assert browser.find_element(By.ID, "count").get_attribute("value") == "0"
    checked(browser, "letters-questionnaires-with-error")
    assert not (tmp_path / STACK).exists()

    # Three, by keyboard alone: Tab to the field, type, Enter.
    click_through(browser, By.LINK_TEXT, "Letters to post")
    tab_to(browser, "count")
    press(browser, "3")
    press(browser, Keys.ENTER)
    pages = PdfReader(saved(tmp_path, STACK)).pages
    assert len(pages) == 3
    assert text_of(browser, "h1") == "Letters to post"  # a download: the page stays

    codes = [found for page in pages for found in CODE.findall(page.extract_text())]
    assert len(codes) == 3 and len(set(codes)) == 3
    for code in codes:
        given = service.http.post("/feedback", json={"code": code, "answers": {"listened_to": 4}})
        assert given.status_code == 201, given.text
    again = service.http.post("/feedback", json={"code": codes[0], "answers": {"listened_to": 1}})
    assert rules(assert_problem(again, 409)) == {("token", "answered_once")}

    # The page shown three times, once with the error: each a read of the print queue.
    views = views_of(service, clerk, expected=3)
    assert [entry["action"] for entry in views] == ["viewed print queue page"] * 3


def test_the_page_refuses_each_count_the_api_refuses_with_the_apis_problem(
    service: RunningService,
) -> None:
    clerk = service.as_("business_support", "clerk-1")
    with httpx.Client(base_url=service.base_url) as browser:
        browser.headers["Cookie"] = service.page_session("business_support", f"clerk-{uuid4()}")
        csrf = browser.get("/ui/letters").cookies["keywork_csrf"]
        browser.headers["Cookie"] += f"; keywork_csrf={csrf}"
        for typed, sent, message in (
            ("", {}, "Enter how many questionnaires to print"),
            ("three", {"count": "three"}, "Enter how many as a whole number, like 20"),
            ("0", {"count": 0}, "Print at least 1 questionnaire"),
            ("201", {"count": 201}, "Print 200 questionnaires or fewer at a time"),
        ):
            api = service.http.post("/feedback/questionnaires", json=sent, headers=clerk)
            problem = assert_problem(api, 422)
            page = browser.post("/ui/letters/questionnaires", data={"count": typed, "csrf": csrf})
            assert page.status_code == problem["status"], typed
            assert page.headers["content-type"].startswith("text/html")
            assert f'<a href="#count">{message}</a>' in page.text, (typed, rules(problem))
            assert f'id="count" name="count" type="text" value="{typed}"' in page.text

        forged = browser.post("/ui/letters/questionnaires", data={"count": "3", "csrf": "forged"})
        assert forged.status_code == 403 and "the form has expired" in forged.text
        printed = browser.post("/ui/letters/questionnaires", data={"count": " 2 ", "csrf": csrf})
        assert printed.status_code == 200
        assert printed.headers["content-type"] == "application/pdf"
        disposition = printed.headers["content-disposition"]
        assert disposition == f'attachment; filename="{STACK}"'

    with httpx.Client(base_url=service.base_url) as browser:
        browser.headers["Cookie"] = service.page_session("key_worker", str(uuid4()))
        csrf = browser.get("/ui/directory").cookies["keywork_csrf"]
        browser.headers["Cookie"] += f"; keywork_csrf={csrf}"
        refused = browser.post("/ui/letters/questionnaires", data={"count": "3", "csrf": csrf})
        assert refused.status_code == 403 and "Forbidden" in refused.text
