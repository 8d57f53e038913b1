"""Finding a child from the pages, and nothing typed about the child kept in clear in any table or
log line; a search waits for the referral it names."""

from typing import Any

import httpx
import psycopg
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from api.auth import Principal
from store.blind_index import name_key
from tests.e2e.browsing import checked, click_through, sign_in, text_of
from tests.e2e.conftest import RunningService
from tests.e2e.searching import (
    BORN,
    COORDINATOR,
    SUPPORT,
    active_case,
    by_name,
    by_nhs_number,
    found,
    new_child,
    possible_matches,
    refer,
    spaced,
)
from tests.nhs_numbers import new_nhs_number


def page_search(service: RunningService, caller: Principal, form: dict[str, str]) -> httpx.Response:
    """The Find a child page's form, submitted as `caller`; the page answered."""
    with httpx.Client(base_url=service.base_url) as browser:
        browser.get("/ui/sign-in")
        token = service.bearer(caller)["Authorization"].removeprefix("Bearer ")
        signing_in = {"token": token, "csrf": browser.cookies["keywork_csrf"]}
        assert browser.post("/ui/sign-in", data=signing_in).status_code == 303
        form = form | {"csrf": browser.cookies["keywork_csrf"]}
        return browser.post("/ui/find", data=form)


def test_nothing_searched_for_is_kept_in_clear_in_any_table_or_log_line(
    service: RunningService,
) -> None:
    child = new_child()
    case_id, _ = active_case(service, child)
    assert found(service, by_nhs_number(child), COORDINATOR) == {case_id}
    assert found(service, by_name(child, given_name=child["given_name"]), SUPPORT) == {case_id}
    assert open_case_among(possible_matches(service, child), case_id)
    day, month, year = "23", "11", "2009"
    page = page_search(
        service,
        SUPPORT,
        {
            "family_name": child["family_name"].lower(),
            "date_of_birth-day": day,
            "date_of_birth-month": month,
            "date_of_birth-year": year,
            "purpose": "Phone call from the family",
        },
    )
    assert page.status_code == 200 and f"/ui/cases/{case_id}" in page.text

    typed = searched_terms(child)
    with psycopg.connect(service.env["KEYWORK_DATABASE_URL"]) as connection:
        for table, text in every_row(connection):
            for term in typed:
                assert term not in text, f"{term!r} is in the table {table}"
    for line in service.log.read_text().splitlines():
        for term in typed:
            assert term not in line.casefold(), f"{term!r} is in the service log: {line}"


def test_the_page_says_what_is_wrong_the_govuk_way_and_keeps_what_was_typed(
    service: RunningService,
) -> None:
    typed = {
        "family_name": "Fairweather",
        "date_of_birth-day": "30",
        "date_of_birth-month": "2",
        "date_of_birth-year": "2015",
        "purpose": "Call from the school",
    }
    page = page_search(service, SUPPORT, typed)
    assert page.status_code == 422
    assert '<a href="#date_of_birth-day">Enter a real date of birth</a>' in page.text
    assert 'id="date_of_birth-error"' in page.text
    assert 'value="Fairweather"' in page.text and 'value="30"' in page.text
    a_real_day = {"date_of_birth-day": "28", "nhs_number": new_nhs_number()}
    both_ways = page_search(service, SUPPORT, typed | a_real_day)
    assert both_ways.status_code == 422
    assert '<a href="#nhs_number">Search by NHS number, or by name' in both_ways.text
    commissioner = Principal("commissioner-find", "commissioner", area="norfolk")
    refused = page_search(service, commissioner, typed)
    assert refused.status_code == 403 and "<h1" in refused.text


def open_case_among(matches: dict[str, Any], case_id: str) -> bool:
    return case_id in matches and matches[case_id]["status"] == "active"


def searched_terms(child: dict[str, str]) -> list[str]:
    """What was typed, in every form it was typed or might be kept in, in lower case."""
    nhs_number = child["nhs_number"]
    names = (child["family_name"], child["given_name"])
    return [
        nhs_number,
        spaced(nhs_number),
        BORN,
        *(name.casefold() for name in names),
        *(name_key(name) for name in names),
        by_name(child)["family_name"].casefold(),
    ]


def every_row(connection: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """Each row of each table of the database, as lower-case text (bytes read as Latin-1)."""
    tables = connection.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' "
        "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    assert len(tables) > 10
    rows = []
    for schema, name in tables:
        quoted = f'"{schema}"."{name}"'
        for row in connection.execute(f"SELECT * FROM {quoted}"):  # type: ignore[arg-type]
            text = " ".join(
                bytes(value).decode("latin-1")
                if isinstance(value, bytes | memoryview)
                else str(value)
                for value in row
            )
            rows.append((quoted, text.casefold()))
    return rows


def test_business_support_finds_a_child_by_nhs_number_and_opens_the_case(
    browser: WebDriver, service: RunningService
) -> None:
    child = new_child()
    case_id, _ = active_case(service, child)
    sign_in(browser, service, service.token("business_support", "support-pages"))
    assert browser.current_url.endswith("/ui/find")
    assert text_of(browser, "h1") == "Find a child"
    checked(browser, "find-a-child")

    browser.find_element(By.ID, "nhs_number").send_keys(spaced(child["nhs_number"]))
    click_through(browser, By.CSS_SELECTOR, "form[action='/ui/find'] button")
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary a")
    assert summary.text == "Enter why you are looking for this child"
    assert summary.get_attribute("href").endswith("#purpose")  # type: ignore[union-attr]
    assert "Enter why you are looking" in text_of(browser, "#purpose-error")
    typed = browser.find_element(By.ID, "nhs_number").get_attribute("value")
    assert typed == spaced(child["nhs_number"])
    checked(browser, "find-a-child-with-error")

    browser.find_element(By.ID, "purpose").send_keys("Letter from the school about transport")
    click_through(browser, By.CSS_SELECTOR, "form[action='/ui/find'] button")
    name = f"{child['given_name']} {child['family_name']}"
    assert "1 child found" in text_of(browser, "#found caption")
    assert name in text_of(browser, "#found")
    checked(browser, "find-a-child-found")

    click_through(browser, By.LINK_TEXT, name)
    assert browser.current_url.endswith(f"/ui/cases/{case_id}")
    assert text_of(browser, "h1") == name


def test_a_search_waits_for_the_referral_it_names_by_position(service: RunningService) -> None:
    child = new_child()
    case_id, position = refer(service, child)
    answer = service.http.post(
        "/children/search",
        params={"min_position": position},
        json=by_nhs_number(child),
        headers=service.bearer(COORDINATOR),
    )
    assert answer.status_code == 200, answer.text
    assert [found["case_id"] for found in answer.json()["children"]] == [case_id]
    matches = service.http.post(
        "/referrals/possible-matches",
        params={"min_position": position},
        json=child,
        headers=service.bearer(COORDINATOR),
    )
    assert [case["case_id"] for case in matches.json()["cases"]] == [case_id]

    beyond = service.http.post(
        "/children/search",
        params={"min_position": position + 1_000_000},
        json=by_nhs_number(child),
        headers=service.bearer(COORDINATOR),
    )
    assert beyond.status_code == 409
    assert beyond.json()["errors"] == [{"field": "min_position", "rule": "recorded_position"}]
