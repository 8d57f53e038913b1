"""The start of a case (domain/start.py): the coordinator meets the family, then approaches the
suggested key worker, who may decline."""

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidValue, NotAllowedNow
from tests.unit.story import PRACTITIONER, TODAY, given_active, given_eligible, stamp, then


def test_the_coordinator_meets_the_family_about_their_priorities_and_expectations() -> None:
    """Norfolk: the coordinator meets the family to "discuss ... what the family's priorities and
    expectations are" and "decide whether a Multiagency Key Worker Planning Meeting is
    needed"."""
    case = given_eligible()
    priorities = ["One person to call", "Fewer appointments"]
    case.meet_the_family(stamp(), met_on=TODAY, priorities=priorities, planning_meeting_needed=True)
    assert then(case) == [
        (
            "FamilyMet",
            {"met_on": TODAY, "priorities": priorities, "planning_meeting_needed": True},
        )
    ]
    assert case.family_met_on == TODAY
    with pytest.raises(InvalidValue) as refused:
        case.meet_the_family(
            stamp(), met_on=TODAY + timedelta(days=1), priorities=[], planning_meeting_needed=False
        )
    assert refused.value.rule == "not_in_future"


def test_a_suggested_key_worker_may_decline_and_another_is_approached() -> None:
    """Norfolk: "If they feel they can't become the key worker, the Coordinator will discuss
    other options or suggested Key Workers with the family / carers"."""
    case = given_eligible()
    first, second = uuid4(), uuid4()
    case.approach_key_worker(
        stamp(), practitioner_id=first, answer="declined", reason="Caseload full"
    )
    case.approach_key_worker(stamp(), practitioner_id=second, answer="accepted")
    assert [(a.practitioner_id, a.answer) for a in case.approaches] == [
        (first, "declined"),
        (second, "accepted"),
    ]
    with pytest.raises(InvalidValue):
        case.approach_key_worker(stamp(), practitioner_id=second, answer="maybe")  # type: ignore[arg-type]


def test_no_one_is_approached_once_a_key_worker_is_in_place() -> None:
    with pytest.raises(NotAllowedNow) as refused:
        given_active().approach_key_worker(stamp(), practitioner_id=PRACTITIONER, answer="accepted")
    assert refused.value.rule == "before_allocation"
