"""One case's whole life over HTTP, each step recorded when it happened."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.bodies import MEETS_NORFOLK, NHS_NUMBER, new_practitioner, referral
from tests.e2e.conftest import RunningService
from tests.integration.test_relay import as_cloud_event, published

NOW = datetime.now(UTC).replace(microsecond=0)


def days_ago(days: int) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def day(days_from_now: int) -> str:
    return (NOW + timedelta(days=days_from_now)).date().isoformat()


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_case_from_referral_through_its_whole_life(service: RunningService) -> None:
    agencies = [
        ok(service.post("/agencies", {"name": name, "sector": sector}), 201)["agency_id"]
        for name, sector in [
            ("NHS Trust", "health"),
            ("County school", "education"),
            ("Children's services", "social_care"),
        ]
    ]
    team = [
        ok(
            service.post(
                "/practitioners",
                {
                    "name": f"Practitioner {n}",
                    "role_title": role,
                    "agency_id": agencies[n % 3],
                    "email": f"p{n}@example.org",
                },
            ),
            201,
        )["practitioner_id"]
        for n, role in enumerate(
            ["Physiotherapist", "SENCO", "Social worker", "Speech therapist", "Community nurse"]
        )
    ]
    first_worker, second_worker = new_practitioner(service), new_practitioner(service)
    manager = "manager-7"

    case_id = ok(service.post("/referrals", referral(occurred_at=days_ago(100))), 201)["case_id"]
    path = f"/cases/{case_id}"
    ok(service.post(f"{path}/eligibility", MEETS_NORFOLK | {"occurred_at": days_ago(95)}))
    ok(
        service.post(
            f"{path}/key-worker",
            {
                "kind": "designated",
                "from": day(-90),
                "practitioner_id": first_worker,
                "occurred_at": days_ago(92),
            },
        )
    )
    ok(
        service.post(
            f"{path}/service-agreement",
            {
                "contact_every_days": 28,
                "signed_by": "Alex Quillfeather",
                "signed_on": day(-88),
                "occurred_at": days_ago(88),
            },
        )
    )
    for n, member in enumerate(team):
        ok(
            service.post(
                f"{path}/tac-members",
                {
                    "practitioner_id": member,
                    "role": f"role {n}",
                    "receives_plans": n != 4,
                    "channel": "email",
                    "occurred_at": days_ago(87),
                },
            )
        )
    for when in (80, 60):
        ok(
            service.post(
                f"{path}/contacts",
                {
                    "kind": "home_visit",
                    "with": ["Alex Quillfeather"],
                    "occurred_at": days_ago(when),
                },
                role="key_worker",
                user=first_worker,
            )
        )

    review = ok(
        service.post(
            f"{path}/reviews",
            {
                "at": days_ago(50),
                "location": "Family home",
                "requested_by": "family",
                "occurred_at": days_ago(70),
            },
        ),
        201,
    )
    review_path = f"{path}/reviews/{review['review_id']}"
    for member in team[:2]:
        ok(
            service.post(
                f"{review_path}/reports",
                {
                    "from_practitioner_id": member,
                    "title": "Progress report",
                    "occurred_at": days_ago(55),
                },
                role="business_support",
                user="admin-officer",
            )
        )
    ok(
        service.post(
            f"{review_path}/outcome",
            {
                "attendees": ["Alex Quillfeather", "Practitioner 0"],
                "child_views": "Wants to keep swimming on Tuesdays",
                "decisions": ["Refer to wheelchair services"],
                "next_review_on": day(120),
                "key_worker_confirmed": False,
                "occurred_at": days_ago(50),
            },
        )
    )

    v1 = ok(
        service.post(
            f"{path}/plans",
            {
                "summary": "First plan",
                "outcomes": ["Mobility"],
                "actions": [{"who": "Practitioner 0", "what": "Assess", "by": day(-20)}],
                "occurred_at": days_ago(49),
            },
        ),
        201,
    )["plan_version"]
    ok(
        service.post(
            f"{path}/plans/{v1}/signature",
            {"signed_by": "Alex Quillfeather", "signed_on": day(-48), "occurred_at": days_ago(48)},
        )
    )
    for member in team[:4]:
        ok(
            service.post(
                f"{path}/plans/{v1}/copies",
                {
                    "recipient": member,
                    "channel": "email",
                    "outcome": "sent",
                    "occurred_at": days_ago(47),
                },
                role="business_support",
                user="admin-officer",
            )
        )

    ok(
        service.post(
            f"{path}/handover",
            {
                "kind": "designated",
                "to_practitioner_id": second_worker,
                "on": day(-40),
                "overlap_until": day(-30),
                "reason": "Key worker moving to a new post",
                "occurred_at": days_ago(42),
            },
        )
    )
    ok(
        service.post(
            f"{path}/cover",
            {
                "practitioner_id": team[4],
                "from": day(-20),
                "until": day(-10),
                "reason": "Sickness absence",
                "occurred_at": days_ago(21),
            },
        )
    )
    v2 = ok(
        service.post(
            f"{path}/plans",
            {"summary": "Second plan", "outcomes": ["Mobility"], "occurred_at": days_ago(15)},
        ),
        201,
    )["plan_version"]
    ok(
        service.post(
            f"{path}/plans/{v2}/signature",
            {"signed_by": "Alex Quillfeather", "signed_on": day(-14), "occurred_at": days_ago(14)},
        )
    )
    ok(
        service.post(
            f"{path}/transfer",
            {
                "to_area": "suffolk",
                "move_on": day(-5),
                "out_of_area": True,
                "receiving_contact": "Suffolk key working team",
                "occurred_at": days_ago(12),
            },
        )
    )
    ok(service.post(f"{path}/closure", {"reason": "moved_out_of_area", "final_plan_version": v2}))
    ok(
        service.post(
            f"{path}/closure-audit",
            {"outcome": "good", "findings": "Well co-ordinated"},
            role="manager",
            user=manager,
        )
    )
    ok(service.post(f"{path}/reopen", {"reason": "The move fell through"}))

    summary = ok(service.get(path))
    assert summary["status"] == "eligible"
    assert [p["status"] for p in summary["plans"]] == ["superseded", "signed"]
    assert len(summary["team_around_the_child"]) == 5

    timeline = ok(service.get(f"{path}/timeline?limit=500", role="manager"))["events"]
    # The notifier records each plan copy it sends, in its own name, as it goes.
    by_notifier = [e for e in timeline if e["actor"] == "keywork-notifier"]
    assert {e["type"] for e in by_notifier} <= {"PlanCopySent", "PlanCopyFailed"}
    events = [e for e in timeline if e["actor"] != "keywork-notifier"]
    assert [e["type"] for e in events] == [
        "Referred",
        "EligibilityDecided",
        "KeyWorkerAllocated",
        "ServiceAgreementSigned",
        *["TacMemberAdded"] * 5,
        *["ContactRecorded"] * 2,
        "ReviewScheduled",
        *["ReviewReportReceived"] * 2,
        "ReviewHeld",
        "PlanDrafted",
        "PlanSigned",
        *["PlanCopySent"] * 4,
        "KeyWorkerHandedOver",
        "CoverArranged",
        "PlanDrafted",
        "PlanSigned",
        "TransferAgreed",
        "Closed",
        "ClosureAudited",
        "Reopened",
    ]
    actors = {e["type"]: e["actor"] for e in events}
    assert actors["ContactRecorded"] == first_worker
    assert actors["ReviewReportReceived"] == "admin-officer"
    assert actors["ClosureAudited"] == manager
    assert events[2]["occurred_at"] == days_ago(92).replace("+00:00", "Z")
    for event in timeline:
        assert event["recorded_at"] >= event["occurred_at"]
        assert event["version"] == timeline.index(event) + 1


def test_neither_the_service_log_nor_kafka_holds_personal_data(service: RunningService) -> None:
    test_a_case_from_referral_through_its_whole_life(service)
    log = (service.data_dir / "service.log").read_text()
    assert "POST /referrals" in log  # the log is being written
    deadline = time.monotonic() + 30
    while not any(
        e.get_type().endswith(".reopened.v1")
        for e in map(as_cloud_event, published(service.broker))
    ):
        assert time.monotonic() < deadline, "the scenario did not reach Kafka"
        time.sleep(0.2)
    messages = [
        record.value.decode() + "".join(value.decode() for _, value in record.headers)
        for record in published(service.broker)
    ]
    for secret in PERSONAL:
        assert secret not in log, f"{secret!r} is in the service log"
        assert not any(secret in message for message in messages), f"{secret!r} is on Kafka"


PERSONAL = (
    "Zebedee",
    "Quillfeather",
    NHS_NUMBER,
    "2016-05-01",
    "NR1 1AA",
    "alex@example.org",
    "Family home",
    "swimming",
    "Well co-ordinated",
    "Suffolk key working team",
    "Practitioner 0",
)
