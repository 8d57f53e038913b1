"""Find a child, and a referral's possible existing case, through the running service: by NHS
number or by name and date of birth, within the caller's scope only, each search recorded with
who and why, nothing typed about the child kept in clear, and an erased child found no more."""

import secrets
import string
import time
from typing import Any
from uuid import uuid4

import httpx
import psycopg
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from api.auth import Principal
from store.blind_index import name_key
from tests.e2e.bodies import MEETS_NORFOLK, new_practitioner, referral, today, views_of
from tests.e2e.conftest import MANAGERS_TEAM, RunningService
from tests.e2e.test_case_parts import days_ago
from tests.e2e.test_pages import checked, click_through, sign_in, text_of
from tests.nhs_numbers import new_nhs_number

BORN = "2009-11-23"
PARENT = {
    "name": "Alex Parent",
    "relationship": "mother",
    "email": "alex.parent@example.org",
    "preferred_channel": "email",
    "has_parental_responsibility": True,
}
COORDINATOR = Principal("coord-find", "coordinator", area="norfolk")
SUPPORT = Principal("support-find", "business_support", area="norfolk")
MANAGER = Principal("manager-find", "manager", team=MANAGERS_TEAM, area="norfolk")
INDEX_WAIT_SECONDS = 30


def letters(count: int) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(count))


def new_child() -> dict[str, str]:
    """A child no other test has: accents and punctuation in the names, a new NHS number."""
    return {
        "given_name": f"Zoë{letters(6)}",
        "family_name": f"Ó'Brádaigh-{letters(8).capitalize()}",
        "date_of_birth": BORN,
        "nhs_number": new_nhs_number(),
    }


def spaced(nhs_number: str) -> str:
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


def refer(service: RunningService, child: dict[str, str], **changes: Any) -> tuple[str, int]:
    """A referral of `child`; its case and position."""
    created = service.post("/referrals", referral(child=child, family=[PARENT], **changes))
    assert created.status_code == 201, created.text
    return created.json()["case_id"], int(created.headers["X-Event-Position"])


def active_case(service: RunningService, child: dict[str, str]) -> tuple[str, str]:
    """A case of `child` with a key worker of the managers' team, in the index; and the worker."""
    case_id, _ = refer(service, child)
    assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
    worker = new_practitioner(service)
    allocation = {"kind": "designated", "from": today(), "practitioner_id": worker}
    allocated = service.post(f"/cases/{case_id}/key-worker", allocation)
    assert allocated.status_code == 200, allocated.text
    index_has(service, int(allocated.headers["X-Event-Position"]))
    return case_id, worker


def index_has(service: RunningService, position: int) -> None:
    """Waits until the child index has applied the event at `position`."""
    deadline = time.monotonic() + INDEX_WAIT_SECONDS
    while True:
        health = service.http.get("/health").json()
        [index] = [p for p in health["projections"] if p["name"] == "child_index"]
        if index["position"] >= position:
            return
        assert time.monotonic() < deadline, "the child index did not catch up"
        time.sleep(0.05)


def search(service: RunningService, body: dict[str, Any], caller: Principal) -> httpx.Response:
    return service.http.post("/children/search", json=body, headers=service.bearer(caller))


def found(service: RunningService, body: dict[str, Any], caller: Principal) -> set[str]:
    answer = search(service, body, caller)
    assert answer.status_code == 200, answer.text
    return {child["case_id"] for child in answer.json()["children"]}


def by_nhs_number(child: dict[str, str], purpose: str = "Referral from the school nurse") -> Any:
    return {"nhs_number": spaced(child["nhs_number"]), "purpose": purpose}


def by_name(child: dict[str, str], **more: str) -> dict[str, str]:
    """The family name as someone might type it: no accents, capitals, spaces for punctuation."""
    typed = child["family_name"].replace("Ó'Brá", "O BRA").upper()
    return {"family_name": typed, "date_of_birth": BORN, "purpose": "Call from the GP"} | more


def test_a_child_is_found_by_nhs_number_or_by_name_and_date_of_birth(
    service: RunningService,
) -> None:
    child = new_child()
    case_id, _ = active_case(service, child)
    answer = search(service, by_nhs_number(child), COORDINATOR)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "children": [
            {
                "case_id": case_id,
                "status": "active",
                "given_name": child["given_name"],
                "family_name": child["family_name"],
                "date_of_birth": BORN,
                "closed_on": None,
            }
        ],
        "next_cursor": None,
    }
    assert case_id in found(service, by_name(child), COORDINATOR)
    given = child["given_name"].upper().replace("Ë", "E")
    assert found(service, by_name(child, given_name=given), COORDINATOR) == {case_id}
    assert found(service, by_name(child, given_name="Chloe"), COORDINATOR) == set()
    other_birthday = by_name(child) | {"date_of_birth": "2009-11-24"}
    assert found(service, other_birthday, COORDINATOR) == set()


def test_a_search_finds_only_the_cases_open_to_the_searcher(service: RunningService) -> None:
    child = new_child()
    case_id, worker = active_case(service, child)
    body = by_nhs_number(child)
    for caller in (
        COORDINATOR,
        SUPPORT,
        MANAGER,
        Principal(worker, "key_worker", area="norfolk"),
    ):
        assert found(service, body, caller) == {case_id}, caller.role
    for caller in (
        Principal("coord-elsewhere", "coordinator", area="suffolk"),
        Principal(str(uuid4()), "key_worker", area="norfolk"),
        Principal("manager-other", "manager", team="another-team", area="norfolk"),
    ):
        assert found(service, body, caller) == set(), caller
    for caller in (
        Principal("commissioner-find", "commissioner", area="norfolk"),
        Principal("admin-find", "admin"),
        Principal("system-find", "downstream", grants=("Referred",)),
    ):
        refused = search(service, body, caller)
        assert refused.status_code == 403, caller.role
        assert refused.headers["content-type"] == "application/problem+json"


def test_each_search_is_recorded_with_who_and_why_and_not_what_was_sought(
    service: RunningService,
) -> None:
    child = new_child()
    case_id, _ = active_case(service, child)
    searcher = Principal(f"support-{uuid4()}", "business_support", area="norfolk")
    purpose = f"Letter from the GP, ref {uuid4()}"
    assert found(service, by_nhs_number(child, purpose), searcher) == {case_id}
    recorded = views_of(service, searcher.user, 2)
    assert {(e["subject_id"], e["action"], e["reason"]) for e in recorded} == {
        ("children", "viewed find a child", purpose),
        (case_id, "viewed find a child", purpose),
    }
    assert child["nhs_number"] not in str(recorded)

    commissioner = Principal(f"commissioner-{uuid4()}", "commissioner", area="norfolk")
    assert search(service, by_nhs_number(child), commissioner).status_code == 403
    [refusal] = views_of(service, commissioner.user, 1)
    refused = (refusal["subject_id"], refusal["action"])
    assert refused == ("children", "viewed find a child (refused)")


def test_bad_searches_are_refused_naming_the_field_and_the_rule_and_echo_nothing(
    service: RunningService,
) -> None:
    child = new_child()
    nhs_number = child["nhs_number"]
    wrong_check_digit = nhs_number[:9] + str((int(nhs_number[9]) + 1) % 10)
    purpose = {"purpose": "Checking"}
    cases = [
        ({"nhs_number": nhs_number, "family_name": child["family_name"]} | purpose, "nhs_number"),
        ({"nhs_number": wrong_check_digit} | purpose, "nhs_number"),
        ({"nhs_number": f"NHS{nhs_number}"} | purpose, "nhs_number"),
        ({"family_name": child["family_name"]} | purpose, "date_of_birth"),
        ({"given_name": child["given_name"], "date_of_birth": BORN} | purpose, "family_name"),
        ({"family_name": "'-", "date_of_birth": BORN} | purpose, "family_name"),
        ({"nhs_number": nhs_number}, "purpose"),
        ({"nhs_number": nhs_number, "purpose": "  "}, "purpose"),
    ]
    expected_rules = [
        "nhs_number_or_name",
        "modulus_11",
        "digits",
        "required_with_name",
        "nhs_number_or_name",
        "letters",
        "missing",
        "string_too_short",
    ]
    for (body, field), rule in zip(cases, expected_rules, strict=True):
        refused = search(service, body, COORDINATOR)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"] == [{"field": field, "rule": rule}], body
        for typed in (nhs_number, wrong_check_digit, child["family_name"], child["given_name"]):
            assert typed not in refused.text


def test_an_erased_child_is_found_no_more(service: RunningService) -> None:
    child = new_child()
    case_id, _ = active_case(service, child)
    assert found(service, by_nhs_number(child), COORDINATOR) == {case_id}

    admin = service.bearer(Principal("admin-find", "admin"))
    reason = {"reason": "Article 17 request DPO-2026-088"}
    erased = service.http.post(f"/cases/{case_id}/erasure", json=reason, headers=admin)
    assert erased.status_code == 200, erased.text
    index_has(service, int(erased.headers["X-Event-Position"]))
    assert found(service, by_nhs_number(child), COORDINATOR) == set()
    assert found(service, by_name(child), COORDINATOR) == set()
    assert found(service, by_name(child, given_name=child["given_name"]), COORDINATOR) == set()
    # Not only hidden: the index holds nothing about the case any more.
    export = service.http.get(f"/cases/{case_id}/subject-access", headers=admin).json()
    assert export["read_models"]["child_index"] == {"cases": [], "blind_values": []}


def possible_matches(
    service: RunningService, child: dict[str, str], caller: Principal = COORDINATOR
) -> dict[str, Any]:
    answer = service.http.post(
        "/referrals/possible-matches",
        json=child,
        headers=service.bearer(caller) | {"X-Purpose": "New referral from the health visitor"},
    )
    assert answer.status_code == 200, answer.text
    return {case["case_id"]: case for case in answer.json()["cases"]}


def closed_case(service: RunningService, child: dict[str, str], days: int) -> tuple[str, int]:
    """A case of the child's, referred and closed `days` ago; and the closure's position."""
    case_id, _ = refer(service, child, occurred_at=days_ago(days + 1))
    closure = {"reason": "family_withdrew", "occurred_at": days_ago(days)}
    closed = service.post(f"/cases/{case_id}/closure", closure)
    assert closed.status_code == 200, closed.text
    return case_id, int(closed.headers["X-Event-Position"])


def test_a_referral_is_warned_of_open_and_recently_closed_cases_by_nhs_number_or_name(
    service: RunningService,
) -> None:
    child = new_child()
    without_nhs_number = {key: value for key, value in child.items() if key != "nhs_number"}
    open_case, _ = refer(service, child)
    recently_closed, _ = closed_case(service, without_nhs_number, 0)
    past_reopening, _ = closed_case(service, child, 40)  # past the reopen window of 30 days
    _, last = closed_case(service, child, 366)  # over a year ago: a new referral is no return
    index_has(service, last)

    matches = possible_matches(service, child)
    assert set(matches) == {open_case, recently_closed, past_reopening}
    assert matches[open_case]["matched_by"] == ["name_and_date_of_birth", "nhs_number"]
    assert (matches[open_case]["status"], matches[open_case]["may_reopen"]) == ("referred", False)
    assert matches[open_case]["next_step"] == "work_the_case"
    assert matches[recently_closed]["matched_by"] == ["name_and_date_of_birth"]
    assert matches[recently_closed]["status"] == "closed"
    assert matches[recently_closed]["may_reopen"] is True
    assert matches[recently_closed]["next_step"] == "reopen"
    assert matches[recently_closed]["closed_on"] == today()
    assert matches[recently_closed]["family_name"] == child["family_name"]
    assert matches[past_reopening]["may_reopen"] is False
    assert matches[past_reopening]["next_step"] == "refer_naming_previous_case"
    # A sibling: another given name, the same NHS number typed by mistake.
    sibling = possible_matches(service, child | {"given_name": "Grace"})
    assert {case_id: case["matched_by"] for case_id, case in sibling.items()} == {
        open_case: ["nhs_number"],
        past_reopening: ["nhs_number"],
    }
    # Only cases open to the caller.
    stranger = Principal(str(uuid4()), "key_worker", area="norfolk")
    assert possible_matches(service, child, stranger) == {}
    elsewhere = Principal("coord-elsewhere", "coordinator", area="suffolk")
    assert possible_matches(service, child, elsewhere) == {}
    refused = service.http.post(
        "/referrals/possible-matches",
        json=child,
        headers=service.bearer(Principal("commissioner-find", "commissioner", area="norfolk")),
    )
    assert refused.status_code == 403

    invalid = service.http.post(
        "/referrals/possible-matches",
        json=without_nhs_number | {"date_of_birth": "2009-02-30"},
        headers=service.bearer(COORDINATOR),
    )
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["errors"]] == ["date_of_birth"]
    assert child["family_name"] not in invalid.text

    # As it says: a referral naming the case closed past reopening is taken, the other refused.
    refer(service, child, previous_case_id=past_reopening)
    reopen = referral(child=child, family=[PARENT], previous_case_id=recently_closed)
    refused = service.post("/referrals", reopen)
    assert refused.status_code == 409, refused.text
    assert refused.json()["errors"] == [{"field": "previous_case_id", "rule": "reopen_instead"}]


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
