"""A referral is warned of the child's open and recently closed cases, by NHS number or by name
and date of birth."""

from uuid import uuid4

from api.auth import Principal
from tests.e2e.bodies import referral
from tests.e2e.conftest import RunningService
from tests.e2e.searching import (
    COORDINATOR,
    PARENT,
    index_has,
    new_child,
    possible_matches,
    refer,
)
from tests.e2e.test_case_parts import days_ago


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
    # The day of the closure as sent (a run crossing midnight must not move it).
    assert matches[recently_closed]["closed_on"] == days_ago(0)[:10]
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
