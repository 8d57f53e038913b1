"""A key worker hands over to another: when each one's period ends, overlaps and refusals."""

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidValue, NotAllowedNow
from domain.key_workers import KeyWorker
from tests.unit.story import (
    PRACTITIONER,
    SUCCESSOR,
    TODAY,
    day,
    given_active,
    given_closed,
    given_eligible,
    hand_over,
    ids_on,
    then,
)


def test_a_handover_without_overlap_ends_the_outgoing_worker_the_day_before() -> None:
    case = given_active()
    hand_over(case, day(10))
    assert then(case) == [
        (
            "KeyWorkerHandedOver",
            {
                "incoming": KeyWorker("designated", day(10), SUCCESSOR),
                "on": day(10),
                "overlap_until": None,
                "reason": "the key worker is leaving the service",
            },
        )
    ]
    assert ids_on(case, day(9)) == [PRACTITIONER]
    assert ids_on(case, day(10)) == [SUCCESSOR]
    assert case.current_key_worker() == KeyWorker("designated", day(10), SUCCESSOR)


def test_a_handover_with_overlap_keeps_both_workers_until_it_ends() -> None:
    case = given_active()
    hand_over(case, day(10), overlap_until=day(14))
    assert ids_on(case, day(9)) == [PRACTITIONER]
    assert ids_on(case, day(10)) == [PRACTITIONER, SUCCESSOR]
    assert ids_on(case, day(14)) == [PRACTITIONER, SUCCESSOR]
    assert ids_on(case, day(15)) == [SUCCESSOR]


def test_during_an_overlap_the_current_key_worker_is_the_incoming_one() -> None:
    case = given_active()
    hand_over(case, day(10), overlap_until=day(14))
    current = case.current_key_worker()
    assert current is not None
    assert current.practitioner_id == SUCCESSOR


def test_an_overlap_of_a_single_day_is_allowed() -> None:
    case = given_active()
    hand_over(case, day(10), overlap_until=day(10))
    assert ids_on(case, day(10)) == [PRACTITIONER, SUCCESSOR]
    assert ids_on(case, day(11)) == [SUCCESSOR]


def test_a_key_worker_can_hand_over_to_a_parent_carer() -> None:
    case = given_active()
    hand_over(
        case, day(5), kind="parent_carer", to_practitioner_id=None, parent_carer_name="Alex Parent"
    )
    [worker] = case.key_workers_on(day(5))
    assert (worker.kind, worker.parent_carer_name) == ("parent_carer", "Alex Parent")


def test_a_second_handover_follows_the_first() -> None:
    case = given_active()
    hand_over(case, day(10))
    third = uuid4()
    hand_over(case, day(20), to_practitioner_id=third)
    assert ids_on(case, day(5)) == [PRACTITIONER]
    assert ids_on(case, day(15)) == [SUCCESSOR]
    assert ids_on(case, day(20)) == [third]


def test_a_handover_on_a_closed_case_is_refused() -> None:
    case = given_closed()
    with pytest.raises(NotAllowedNow) as refused:
        hand_over(case, day(10))
    assert refused.value.rule == "case_open"
    assert then(case) == []


def test_a_handover_needs_a_key_worker_to_hand_over_from() -> None:
    case = given_eligible()
    with pytest.raises(NotAllowedNow) as refused:
        hand_over(case, day(10))
    assert (refused.value.field, refused.value.rule) == ("kind", "key_worker_first")


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"kind": "volunteer"}, "kind", "one_of"),
        ({"to_practitioner_id": None}, "to_practitioner_id", "required_for_practitioner"),
        (
            {"kind": "parent_carer", "to_practitioner_id": None},
            "parent_carer_name",
            "required_for_parent_carer",
        ),
        (
            {"kind": "parent_carer", "to_practitioner_id": None, "parent_carer_name": "A Stranger"},
            "parent_carer_name",
            "family_member",
        ),
        ({"parent_carer_name": "Alex Parent"}, "to_practitioner_id", "required_for_practitioner"),
        ({"to_practitioner_id": PRACTITIONER}, "to_practitioner_id", "different_key_worker"),
        ({"overlap_until": day(9)}, "overlap_until", "not_before_on"),
        ({"reason": " "}, "reason", "required"),
    ],
)
def test_a_malformed_handover_is_refused(changes: dict[str, Any], field: str, rule: str) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        hand_over(case, day(10), **changes)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert then(case) == []


@pytest.mark.parametrize("on", [TODAY, TODAY - timedelta(days=1)])
def test_a_handover_must_start_after_the_current_key_worker_started(on: date) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        hand_over(case, on)
    assert (refused.value.field, refused.value.rule) == ("on", "after_current_start")


def test_a_handover_the_day_after_the_current_start_is_allowed() -> None:
    case = given_active()
    hand_over(case, day(1))
    assert ids_on(case, day(0)) == [PRACTITIONER]
    assert ids_on(case, day(1)) == [SUCCESSOR]


def test_a_handover_is_refused_until_the_previous_overlap_has_ended() -> None:
    case = given_active()
    hand_over(case, day(10), overlap_until=day(20))
    with pytest.raises(NotAllowedNow) as refused:
        hand_over(case, day(20), to_practitioner_id=uuid4())
    assert (refused.value.field, refused.value.rule) == ("on", "overlap_in_progress")
    hand_over(case, day(21), to_practitioner_id=uuid4())
    assert len(case.key_workers_on(day(21))) == 1


def test_handing_back_to_the_previous_key_worker_is_allowed() -> None:
    case = given_active()
    hand_over(case, day(10))
    hand_over(case, day(20), to_practitioner_id=PRACTITIONER)
    assert ids_on(case, day(20)) == [PRACTITIONER]
