"""Find a child through the running service: by NHS number or by name and date of birth, within
the caller's scope only, each search recorded with who and why; an erased child is found no more."""

from uuid import uuid4

from api.auth import Principal
from tests.e2e.bodies import views_of
from tests.e2e.conftest import RunningService
from tests.e2e.searching import (
    BORN,
    COORDINATOR,
    MANAGER,
    SUPPORT,
    active_case,
    by_name,
    by_nhs_number,
    found,
    index_has,
    new_child,
    search,
)


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
