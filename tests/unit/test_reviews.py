from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.reviews import Review, ReviewReport
from tests.unit.story import NOW, TODAY, given_active, given_closed, stamp, then

REVIEW = uuid4()
THERAPIST = uuid4()
MEETING = datetime(2026, 3, 20, 14, 0, tzinfo=UTC)


def schedule(case: Case, review_id: UUID = REVIEW, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "review_id": review_id,
        "at": MEETING,
        "location": "Family home",
        "requested_by": "key_worker",
    }
    case.schedule_review(stamp(), **(fields | changes))


def given_scheduled() -> Case:
    case = given_active()
    case.add_tac_member(
        stamp(), practitioner_id=THERAPIST, role="physio", receives_plans=True, channel="email"
    )
    schedule(case)
    case.collect_events()
    return case


def hold(case: Case, review_id: UUID = REVIEW, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "review_id": review_id,
        "attendees": ["Alex Parent", "Physio"],
        "child_views": "Sam wants to go swimming",
        "decisions": ["refer to hydrotherapy"],
        "next_review_on": TODAY + timedelta(days=180),
        "key_worker_confirmed": True,
    }
    case.record_review_outcome(stamp(), **(fields | changes))


@pytest.mark.parametrize("requested_by", ["key_worker", "coordinator", "family"])
def test_a_review_is_scheduled_saying_who_asked_for_it(requested_by: str) -> None:
    case = given_active()
    schedule(case, requested_by=requested_by)
    assert then(case) == [
        (
            "ReviewScheduled",
            {
                "review_id": REVIEW,
                "at": MEETING,
                "location": "Family home",
                "requested_by": requested_by,
            },
        )
    ]
    assert case.reviews[REVIEW] == Review(MEETING, "Family home", requested_by)  # type: ignore[arg-type]


def test_a_review_requested_by_someone_unknown_is_refused() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        schedule(case, requested_by="the_school")
    assert (refused.value.field, refused.value.rule) == ("requested_by", "one_of")
    assert case.reviews == {}


def test_a_review_needs_a_location() -> None:
    with pytest.raises(InvalidValue) as refused:
        schedule(given_active(), location="")
    assert refused.value.field == "location"


def test_no_review_is_scheduled_on_a_closed_case() -> None:
    with pytest.raises(NotAllowedNow) as refused:
        schedule(given_closed())
    assert refused.value.rule == "case_open"


def test_a_review_is_rescheduled_with_a_reason() -> None:
    case = given_scheduled()
    later = MEETING + timedelta(days=7)
    case.reschedule_review(stamp(), review_id=REVIEW, at=later, reason="parent unwell")
    assert then(case) == [
        ("ReviewRescheduled", {"review_id": REVIEW, "at": later, "reason": "parent unwell"})
    ]
    assert case.reviews[REVIEW].at == later
    assert case.reviews[REVIEW].status == "scheduled"


def test_rescheduling_needs_a_reason() -> None:
    case = given_scheduled()
    with pytest.raises(InvalidValue):
        case.reschedule_review(stamp(), review_id=REVIEW, at=MEETING, reason=" ")
    assert then(case) == []


def test_a_cancelled_review_cannot_be_rescheduled_cancelled_or_held() -> None:
    case = given_scheduled()
    case.cancel_review(stamp(), review_id=REVIEW, reason="family withdrew")
    assert then(case) == [("ReviewCancelled", {"review_id": REVIEW, "reason": "family withdrew"})]
    assert case.reviews[REVIEW].status == "cancelled"
    with pytest.raises(NotAllowedNow) as refused:
        case.reschedule_review(stamp(), review_id=REVIEW, at=MEETING, reason="after all")
    assert (refused.value.field, refused.value.rule) == ("review_id", "scheduled_review")
    with pytest.raises(NotAllowedNow):
        case.cancel_review(stamp(), review_id=REVIEW, reason="again")
    with pytest.raises(NotAllowedNow):
        hold(case)


def test_a_report_from_a_team_member_is_received_for_a_scheduled_review() -> None:
    case = given_scheduled()
    case.receive_review_report(
        stamp(days_ago=2), review_id=REVIEW, from_practitioner_id=THERAPIST, title="Physio report"
    )
    assert then(case) == [
        (
            "ReviewReportReceived",
            {"review_id": REVIEW, "from_practitioner_id": THERAPIST, "title": "Physio report"},
        )
    ]
    assert case.reviews[REVIEW].reports == [
        ReviewReport(THERAPIST, "Physio report", NOW - timedelta(days=2))
    ]


def test_a_report_from_someone_outside_the_team_is_refused() -> None:
    case = given_scheduled()
    with pytest.raises(InvalidValue) as refused:
        case.receive_review_report(
            stamp(), review_id=REVIEW, from_practitioner_id=uuid4(), title="Report"
        )
    assert (refused.value.field, refused.value.rule) == ("from_practitioner_id", "tac_member")
    assert case.reviews[REVIEW].reports == []


def test_a_report_for_a_review_already_held_is_refused() -> None:
    case = given_scheduled()
    hold(case)
    with pytest.raises(NotAllowedNow) as refused:
        case.receive_review_report(
            stamp(), review_id=REVIEW, from_practitioner_id=THERAPIST, title="Late report"
        )
    assert refused.value.rule == "scheduled_review"


def test_a_report_needs_a_title() -> None:
    case = given_scheduled()
    with pytest.raises(InvalidValue) as refused:
        case.receive_review_report(
            stamp(), review_id=REVIEW, from_practitioner_id=THERAPIST, title=""
        )
    assert refused.value.field == "title"


def test_the_outcome_marks_the_review_held_and_sets_the_next_review_date() -> None:
    case = given_scheduled()
    hold(case)
    [(name, fields)] = then(case)
    assert name == "ReviewHeld"
    assert fields["next_review_on"] == TODAY + timedelta(days=180)
    assert fields["child_views"] == "Sam wants to go swimming"
    assert case.reviews[REVIEW].status == "held"
    assert case.next_review_on == TODAY + timedelta(days=180)


@pytest.mark.parametrize("next_review_on", [TODAY, TODAY - timedelta(days=1)])
def test_the_next_review_must_be_after_this_one(next_review_on: date) -> None:
    case = given_scheduled()
    with pytest.raises(InvalidValue) as refused:
        hold(case, next_review_on=next_review_on)
    assert (refused.value.field, refused.value.rule) == ("next_review_on", "after_this_review")
    assert case.reviews[REVIEW].status == "scheduled"


def test_the_outcome_records_the_childs_views() -> None:
    case = given_scheduled()
    with pytest.raises(InvalidValue) as refused:
        hold(case, child_views=" ")
    assert refused.value.field == "child_views"


def test_a_review_cannot_be_held_twice() -> None:
    case = given_scheduled()
    hold(case)
    with pytest.raises(NotAllowedNow):
        hold(case)


def test_the_next_review_is_the_earliest_scheduled_meeting() -> None:
    case = given_scheduled()
    earlier = MEETING - timedelta(days=5)
    schedule(case, uuid4(), at=earlier, requested_by="family")
    assert case.next_review() == earlier.date()


def test_with_nothing_scheduled_the_next_review_is_the_date_the_last_review_set() -> None:
    case = given_scheduled()
    assert case.next_review() == MEETING.date()
    hold(case)
    assert case.next_review() == TODAY + timedelta(days=180)


def test_a_cancelled_review_is_not_the_next_review() -> None:
    case = given_scheduled()
    case.cancel_review(stamp(), review_id=REVIEW, reason="not needed")
    assert case.next_review() is None


def test_a_case_without_reviews_has_no_next_review() -> None:
    assert given_active().next_review() is None


@pytest.mark.parametrize("command", ["reschedule", "cancel", "report", "hold"])
def test_an_unknown_review_is_an_unknown_part(command: str) -> None:
    case = given_scheduled()
    other = uuid4()
    with pytest.raises(UnknownPart) as refused:
        if command == "reschedule":
            case.reschedule_review(stamp(), review_id=other, at=MEETING, reason="why")
        elif command == "cancel":
            case.cancel_review(stamp(), review_id=other, reason="why")
        elif command == "report":
            case.receive_review_report(
                stamp(), review_id=other, from_practitioner_id=THERAPIST, title="Report"
            )
        else:
            hold(case, other)
    assert (refused.value.field, refused.value.rule) == ("review_id", "known_review")
    assert then(case) == []


def test_reviews_cannot_be_changed_once_the_case_is_closed() -> None:
    case = given_scheduled()
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    with pytest.raises(NotAllowedNow) as refused:
        case.cancel_review(stamp(), review_id=REVIEW, reason="closed")
    assert refused.value.rule == "case_open"


def test_the_reports_received_go_to_the_key_worker_once_each() -> None:
    """Lincolnshire: "Reports received by ESCO Business Support will be forwarded to the
    Non-Designated Key Worker shortly before the review meeting"."""
    case = given_scheduled()
    with pytest.raises(NotAllowedNow) as refused:
        case.forward_review_reports(stamp(), review_id=REVIEW)
    assert refused.value.rule == "reports_to_forward"
    case.receive_review_report(
        stamp(), review_id=REVIEW, from_practitioner_id=THERAPIST, title="Physio"
    )
    case.collect_events()
    case.forward_review_reports(stamp(), review_id=REVIEW)
    assert then(case) == [("ReviewReportsForwarded", {"review_id": REVIEW, "reports": 1})]
    with pytest.raises(NotAllowedNow):
        case.forward_review_reports(stamp(), review_id=REVIEW)  # nothing new since
