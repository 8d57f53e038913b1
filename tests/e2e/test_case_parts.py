"""Each part of a case's life over HTTP: what it records and how it refuses."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.bodies import MEETS_NORFOLK, new_active_case, new_practitioner, referral, today
from tests.e2e.conftest import RunningService
from tests.e2e.test_errors import assert_problem, rules

NOW = datetime.now(UTC)


def days_ago(days: int) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def day(offset: int) -> str:
    return (NOW + timedelta(days=offset)).date().isoformat()


def key_worker_of(service: RunningService, case_id: str) -> str:
    return str(service.get(f"/cases/{case_id}").json()["key_workers"][0]["practitioner_id"])


def delete(service: RunningService, path: str, body: dict[str, Any]) -> Any:
    return service.http.request("DELETE", path, json=body, headers=service.as_())


def test_the_team_around_the_child_never_holds_anyone_twice(service: RunningService) -> None:
    case_id = new_active_case(service)
    member = new_practitioner(service)
    body = {"practitioner_id": member, "role": "Physio", "receives_plans": True, "channel": "email"}
    assert service.post(f"/cases/{case_id}/tac-members", body).status_code == 200
    twice = assert_problem(service.post(f"/cases/{case_id}/tac-members", body), 409)
    assert rules(twice) == {("practitioner_id", "not_on_tac")}
    changed = service.http.put(
        f"/cases/{case_id}/tac-members/{member}", json={"channel": "letter"}, headers=service.as_()
    )
    assert changed.status_code == 200
    [tac] = service.get(f"/cases/{case_id}").json()["team_around_the_child"]
    assert (tac["role"], tac["channel"]) == ("Physio", "letter")
    removed = delete(service, f"/cases/{case_id}/tac-members/{member}", {"reason": "Discharged"})
    assert removed.status_code == 200
    assert service.get(f"/cases/{case_id}").json()["team_around_the_child"] == []


def test_the_key_worker_stays_in_the_team(service: RunningService) -> None:
    case_id = new_active_case(service)
    worker = key_worker_of(service, case_id)
    body = {
        "practitioner_id": worker,
        "role": "Key worker",
        "receives_plans": True,
        "channel": "email",
    }
    service.post(f"/cases/{case_id}/tac-members", body)
    refused = delete(service, f"/cases/{case_id}/tac-members/{worker}", {"reason": "tidying"})
    assert rules(assert_problem(refused, 409)) == {("practitioner_id", "key_worker_stays")}


def test_a_plan_is_signed_only_by_a_parent_with_parental_responsibility(
    service: RunningService,
) -> None:
    body = referral()
    body["family"].append(
        {
            "name": "Gran Quillfeather",
            "relationship": "grandmother",
            "preferred_channel": "letter",
            "postal_address": "1 Lane, Norwich",
            "has_parental_responsibility": False,
        }
    )
    case_id = service.post("/referrals", body).json()["case_id"]
    plan = service.post(f"/cases/{case_id}/plans", {"summary": "Plan", "outcomes": ["Sleep"]})
    assert plan.status_code == 201 and plan.json()["plan_version"] == 1
    signature = f"/cases/{case_id}/plans/1/signature"
    by_gran = service.post(signature, {"signed_by": "Gran Quillfeather", "signed_on": today()})
    assert rules(assert_problem(by_gran, 422)) == {("signed_by", "parental_responsibility")}
    by_doctor = service.post(signature, {"signed_by": "Dr Ada Health", "signed_on": today()})
    assert rules(assert_problem(by_doctor, 422)) == {("signed_by", "family_member")}
    assert (
        service.post(
            signature, {"signed_by": "Alex Quillfeather", "signed_on": today()}
        ).status_code
        == 200
    )
    again = service.post(signature, {"signed_by": "Alex Quillfeather", "signed_on": today()})
    assert rules(assert_problem(again, 409)) == {("plan_version", "draft_plan")}


def test_distribution_shows_each_recipients_copy(service: RunningService) -> None:
    case_id = service.post("/referrals", referral()).json()["case_id"]
    service.post(f"/cases/{case_id}/plans", {"summary": "Plan", "outcomes": ["Sleep"]})
    service.post(
        f"/cases/{case_id}/plans/1/signature",
        {"signed_by": "Alex Quillfeather", "signed_on": today()},
    )
    copies = f"/cases/{case_id}/plans/1/copies"
    failed = {
        "recipient": "Alex Quillfeather",
        "channel": "email",
        "outcome": "failed",
        "reason": "mailbox full",
    }
    assert service.post(copies, failed).status_code == 200
    assert (
        service.post(
            copies, {"recipient": "GP", "channel": "letter", "outcome": "sent"}
        ).status_code
        == 200
    )
    without_reason = service.post(copies, failed | {"reason": None})
    assert rules(assert_problem(without_reason, 422)) == {("reason", "required_for_failure")}
    distribution = service.get(f"/cases/{case_id}/plans/1/distribution").json()
    by_recipient = {r["recipient"]: r for r in distribution["recipients"]}
    assert by_recipient["Alex Quillfeather"]["status"] == "failed"
    assert by_recipient["Alex Quillfeather"]["reason"] == "mailbox full"
    assert by_recipient["GP"]["status"] == "sent"
    assert_problem(service.get(f"/cases/{case_id}/plans/9/distribution"), 404)


def test_an_unknown_review_is_404(service: RunningService) -> None:
    case_id = new_active_case(service)
    missing = service.post(
        f"/cases/{case_id}/reviews/{case_id}/cancellation", {"reason": "not needed"}
    )
    assert rules(assert_problem(missing, 404)) == {("review_id", "known_review")}


def test_a_review_requested_by_the_family_is_rescheduled_and_cancelled(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    scheduled = service.post(
        f"/cases/{case_id}/reviews",
        {
            "at": (NOW + timedelta(days=7)).isoformat(),
            "location": "School",
            "requested_by": "family",
        },
    )
    review = f"/cases/{case_id}/reviews/{scheduled.json()['review_id']}"
    later = (NOW + timedelta(days=14)).isoformat()
    assert (
        service.post(f"{review}/reschedule", {"at": later, "reason": "Illness"}).status_code == 200
    )
    assert service.get(f"/cases/{case_id}").json()["next_review"][:10] == later[:10]
    assert service.post(f"{review}/cancellation", {"reason": "Family moving"}).status_code == 200
    held = service.post(
        f"{review}/outcome",
        {
            "attendees": [],
            "child_views": "x",
            "decisions": [],
            "next_review_on": day(90),
            "key_worker_confirmed": True,
        },
    )
    assert rules(assert_problem(held, 409)) == {("review_id", "scheduled_review")}


def test_a_correction_supersedes_a_contact_and_the_timeline_links_them(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    recorded = service.post(
        f"/cases/{case_id}/contacts", {"kind": "phone", "occurred_at": days_ago(1)}
    )
    [contact_id] = recorded.json()["event_ids"]
    correction = {
        "corrects_event_id": contact_id,
        "reason": "Wrong day typed",
        "replacement": {"occurred_at": days_ago(3)},
    }
    corrected = service.post(f"/cases/{case_id}/corrections", correction)
    assert corrected.status_code == 200
    summary = service.get(f"/cases/{case_id}").json()
    assert summary["last_contact_at"][:10] == days_ago(3)[:10]
    events = {e["event_id"]: e for e in service.get(f"/cases/{case_id}/timeline").json()["events"]}
    assert events[contact_id]["corrected_by"] == corrected.json()["event_ids"][0]
    assert events[corrected.json()["event_ids"][0]]["details"]["corrects_event_id"] == contact_id
    wrong_field = correction | {"replacement": {"role": "Physio"}}
    refused = service.post(f"/cases/{case_id}/corrections", wrong_field)
    assert rules(assert_problem(refused, 422)) == {("replacement.role", "not_for_this_event")}


def test_a_handover_cannot_start_while_an_overlap_goes_on(service: RunningService) -> None:
    case_id = service.post("/referrals", referral(occurred_at=days_ago(30))).json()["case_id"]
    service.post(
        f"/cases/{case_id}/eligibility",
        MEETS_NORFOLK,
    )
    service.post(
        f"/cases/{case_id}/key-worker",
        {"kind": "designated", "from": day(-20), "practitioner_id": new_practitioner(service)},
    )
    handover = {
        "kind": "designated",
        "to_practitioner_id": new_practitioner(service),
        "on": day(-5),
        "overlap_until": day(5),
        "reason": "Worker leaving",
    }
    assert service.post(f"/cases/{case_id}/handover", handover).status_code == 200
    assert len(service.get(f"/cases/{case_id}").json()["key_workers"]) == 2
    again = handover | {"to_practitioner_id": new_practitioner(service), "on": day(2)}
    refused = service.post(f"/cases/{case_id}/handover", again)
    assert rules(assert_problem(refused, 409)) == {("on", "overlap_in_progress")}


def test_cover_can_end_early(service: RunningService) -> None:
    case_id = new_active_case(service)
    cover = {
        "practitioner_id": new_practitioner(service),
        "from": today(),
        "until": day(30),
        "reason": "Maternity leave",
    }
    assert service.post(f"/cases/{case_id}/cover", cover).status_code == 200
    assert service.get(f"/cases/{case_id}").json()["cover"]["reason"] == "Maternity leave"
    ended = delete(service, f"/cases/{case_id}/cover", {"reason": "Returned early"})
    assert ended.status_code == 200
    assert service.get(f"/cases/{case_id}").json()["cover"] is None


def test_a_practitioner_who_left_cannot_take_a_case(service: RunningService) -> None:
    leaver = new_practitioner(service)
    details = {"email": "new@example.org", "phone": "01603 111111"}
    changed = service.http.put(
        f"/practitioners/{leaver}/contact-details", json=details, headers=service.as_()
    )
    assert changed.status_code == 200
    assert service.get(f"/practitioners/{leaver}").json()["email"] == "new@example.org"
    left = service.post(f"/practitioners/{leaver}/leaving", {"on": today(), "reason": "Retired"})
    assert left.status_code == 200
    case_id = service.post("/referrals", referral()).json()["case_id"]
    service.post(
        f"/cases/{case_id}/eligibility",
        MEETS_NORFOLK,
    )
    allocation = {"kind": "designated", "from": today(), "practitioner_id": leaver}
    refused = service.post(f"/cases/{case_id}/key-worker", allocation)
    assert rules(assert_problem(refused, 422)) == {("practitioner_id", "in_post")}


def test_after_the_reopen_window_a_new_referral_links_to_the_old_case(
    service: RunningService,
) -> None:
    old = service.post("/referrals", referral(occurred_at=days_ago(60))).json()["case_id"]
    service.post(
        f"/cases/{old}/closure", {"reason": "family_withdrew", "occurred_at": days_ago(40)}
    )
    too_late = assert_problem(service.post(f"/cases/{old}/reopen", {"reason": "back again"}), 409)
    assert rules(too_late) == {("status", "within_reopen_window")}
    again = service.post("/referrals", referral(previous_case_id=old))
    assert again.status_code == 201
    assert service.get(f"/cases/{again.json()['case_id']}").json()["previous_case_id"] == old

    recent = service.post("/referrals", referral()).json()["case_id"]
    service.post(f"/cases/{recent}/closure", {"reason": "family_withdrew"})
    early = assert_problem(service.post("/referrals", referral(previous_case_id=recent)), 409)
    assert rules(early) == {("previous_case_id", "reopen_instead")}


def test_a_closure_audit_is_the_managers_and_comes_once(service: RunningService) -> None:
    case_id = new_active_case(service)
    service.post(f"/cases/{case_id}/closure", {"reason": "needs_met", "family_agreed": True})
    audit = {"outcome": "requires_improvement", "findings": "Plan not distributed to school"}
    assert_problem(service.post(f"/cases/{case_id}/closure-audit", audit), 403)
    assert service.post(f"/cases/{case_id}/closure-audit", audit, role="manager").status_code == 200
    twice = service.post(f"/cases/{case_id}/closure-audit", audit, role="manager")
    assert rules(assert_problem(twice, 409)) == {("status", "audited_once")}


def test_a_wrong_tac_role_is_corrected_and_reads_show_the_correction(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    member = new_practitioner(service)
    added = service.post(
        f"/cases/{case_id}/tac-members",
        {"practitioner_id": member, "role": "Dentist", "receives_plans": True, "channel": "email"},
    )
    [added_id] = added.json()["event_ids"]
    correction = {
        "corrects_event_id": added_id,
        "reason": "Picked the wrong role",
        "replacement": {"role": "Dietitian"},
    }
    assert service.post(f"/cases/{case_id}/corrections", correction).status_code == 200
    [tac] = service.get(f"/cases/{case_id}").json()["team_around_the_child"]
    assert tac["role"] == "Dietitian"
    unknown = correction | {"corrects_event_id": case_id}
    refused = service.post(f"/cases/{case_id}/corrections", unknown)
    assert rules(assert_problem(refused, 404)) == {("corrects_event_id", "correctable_event")}


def test_a_contact_records_the_key_working_functions_it_served(service: RunningService) -> None:
    case_id = new_active_case(service)
    path = f"/cases/{case_id}/contacts"
    unknown = service.post(path, {"kind": "phone", "functions": ["advocacy", "gossip"]})
    assert ("functions[1]", "literal_error") in rules(assert_problem(unknown, 422))
    twice = service.post(path, {"kind": "phone", "functions": ["advocacy", "advocacy"]})
    assert ("functions", "unique") in rules(assert_problem(twice, 422))

    served = ["facilitating_meetings", "coordinating_services"]
    assert service.post(path, {"kind": "meeting", "functions": served}).status_code == 200
    contacts = [
        event
        for event in service.get(f"/cases/{case_id}/timeline").json()["events"]
        if event["type"] == "ContactRecorded"
    ]
    assert [event["details"]["functions"] for event in contacts] == [served]


def held_review(service: RunningService, case_id: str, occurred: str) -> str:
    scheduled = service.post(
        f"/cases/{case_id}/reviews", {"at": occurred, "location": "Home", "occurred_at": occurred}
    )
    review_id = str(scheduled.json()["review_id"])
    outcome = {
        "attendees": [],
        "child_views": "Likes the new chair",
        "decisions": [],
        "next_review_on": day(180),
        "key_worker_confirmed": True,
        "occurred_at": occurred,
    }
    assert service.post(f"/cases/{case_id}/reviews/{review_id}/outcome", outcome).status_code == 200
    return review_id


def test_outcomes_scored_at_reviews_make_the_case_journey(service: RunningService) -> None:
    case_id = new_active_case(service)
    areas = service.get(f"/cases/{case_id}/outcomes").json()["measure"]["areas"]
    assert "family_life" in areas and len(areas) == 7
    first = held_review(service, case_id, days_ago(120))
    scores = f"/cases/{case_id}/reviews/{first}/outcome-scores"

    missing = service.post(scores, {"scores": dict.fromkeys(areas[1:], 4)})
    assert rules(assert_problem(missing, 422)) == {(f"scores.{areas[0]}", "required")}
    typed = service.post(scores, {"scores": dict.fromkeys(areas, 4) | {"Sam Smith": 3}})
    assert rules(assert_problem(typed, 422)) == {("scores", "known_areas")}
    assert "Sam Smith" not in typed.text
    high = service.post(scores, {"scores": dict.fromkeys(areas, 4) | {"family_life": 11}})
    assert rules(assert_problem(high, 422)) == {("scores.family_life", "on_scale")}

    accepted = service.post(
        scores, {"scores": dict.fromkeys(areas, 4), "occurred_at": days_ago(120)}
    )
    assert accepted.status_code == 200
    again = service.post(scores, {"scores": dict.fromkeys(areas, 5)})
    assert rules(assert_problem(again, 409)) == {("review_id", "once_per_review")}
    second = held_review(service, case_id, days_ago(1))
    later = dict.fromkeys(areas, 4) | {"family_life": 7, "social_life": 2}
    path = f"/cases/{case_id}/reviews/{second}/outcome-scores"
    assert service.post(path, {"scores": later, "occurred_at": days_ago(1)}).status_code == 200

    journey = service.get(f"/cases/{case_id}/outcomes").json()
    assert [m["review_id"] for m in journey["measurements"]] == [first, second]
    assert journey["measurements"][0]["measured_on"] == days_ago(120)[:10]
    assert journey["distance_travelled"] == dict.fromkeys(areas, 0) | {
        "family_life": 3,
        "social_life": -2,
    }
