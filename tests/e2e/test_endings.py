"""Endings that follow the rules, over HTTP (`POST /cases/{id}/closure`): the family's agreement
or why not, the final plan once one was signed or why none, an ending for age only at the area's
age limit, and the held review that agreed it. Each refusal changes nothing."""

from datetime import date, timedelta
from typing import Any

from tests.e2e.bodies import new_active_case, referral, today
from tests.e2e.conftest import RunningService
from tests.e2e.test_errors import assert_problem, rules

PARENT = "Alex Quillfeather"


def closures(service: RunningService, case_id: str) -> list[dict[str, Any]]:
    """The case's Closed events (its version also moves as plan copies go out)."""
    events = service.get(f"/cases/{case_id}/timeline?limit=500").json()["events"]
    return [event for event in events if event["type"] == "Closed"]


def closing(service: RunningService, case_id: str, body: dict[str, Any]) -> Any:
    return service.post(f"/cases/{case_id}/closure", body)


def refused(service: RunningService, case_id: str, body: dict[str, Any], status: int) -> set[Any]:
    problem = assert_problem(closing(service, case_id, body), status)
    assert closures(service, case_id) == []
    return rules(problem)


def signed_plan(service: RunningService, case_id: str) -> int:
    plan = {"summary": "Swimming", "outcomes": ["Swims weekly"], "actions": []}
    drafted = service.post(f"/cases/{case_id}/plans", plan)
    assert drafted.status_code == 201, drafted.text
    plan_version = int(drafted.json()["plan_version"])
    signature = {"signed_by": PARENT, "signed_on": today()}
    signed = service.post(f"/cases/{case_id}/plans/{plan_version}/signature", signature)
    assert signed.status_code == 200, signed.text
    return plan_version


def held_review(service: RunningService, case_id: str) -> str:
    at = f"{today()}T09:00:00+00:00"
    scheduled = service.post(f"/cases/{case_id}/reviews", {"at": at, "location": "Family home"})
    assert scheduled.status_code == 201, scheduled.text
    review_id = str(scheduled.json()["review_id"])
    outcome = {
        "attendees": [PARENT],
        "child_views": "Ready to stop",
        "decisions": ["Close: no remaining unmet needs"],
        "next_review_on": (date.fromisoformat(today()) + timedelta(days=180)).isoformat(),
        "key_worker_confirmed": True,
    }
    held = service.post(f"/cases/{case_id}/reviews/{review_id}/outcome", outcome)
    assert held.status_code == 200, held.text
    return review_id


def test_a_planned_ending_needs_the_familys_agreement_and_the_final_plan(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    plan_version = signed_plan(service, case_id)
    review_id = held_review(service, case_id)
    ending: dict[str, Any] = {"reason": "needs_met"}
    assert refused(service, case_id, ending, 422) == {
        ("family_agreed", "required_for_a_planned_ending")
    }
    ending["family_agreed"] = True
    assert refused(service, case_id, ending, 409) == {
        ("final_plan_version", "final_plan_or_why_not")
    }
    ending |= {"final_plan_version": plan_version, "agreed_at_review_id": review_id}
    closed = closing(service, case_id, ending)
    assert closed.status_code == 200, closed.text
    [event] = closures(service, case_id)
    assert event["reason"] == "needs_met"
    recorded = {key: event["details"][key] for key in ending if key != "reason"}
    assert recorded == {key: value for key, value in ending.items() if key != "reason"}


def test_the_family_not_agreeing_is_recorded_with_why(service: RunningService) -> None:
    case_id = new_active_case(service)
    ending: dict[str, Any] = {"reason": "adult_services", "family_agreed": False}
    assert refused(service, case_id, ending, 422) == {
        ("why_not_agreed", "required_without_agreement")
    }
    why = "The young person decided for themselves; their parents were not asked"
    assert closing(service, case_id, ending | {"why_not_agreed": why}).status_code == 200
    [event] = closures(service, case_id)
    assert event["details"]["why_not_agreed"] == why


def test_an_ending_for_age_waits_for_the_areas_age_limit(service: RunningService) -> None:
    nine = new_active_case(service)  # born in 2016
    ending = {"reason": "age_limit", "family_agreed": True}
    assert refused(service, nine, ending, 409) == {("reason", "age_limit_reached")}

    now = date.fromisoformat(today())
    eighteen = date(now.year - 18, now.month, min(now.day, 28))  # no 29 February to miss
    child = referral()["child"] | {"date_of_birth": eighteen.isoformat()}
    adult = new_active_case(service, child=child)
    assert closing(service, adult, ending).status_code == 200
    assert service.get(f"/cases/{adult}").json()["closure_reason"] == "age_limit"
