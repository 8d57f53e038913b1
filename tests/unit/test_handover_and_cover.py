from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.case import Case
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.key_workers import Cover, KeyWorker
from tests.unit.story import (
    PRACTITIONER,
    TODAY,
    given_active,
    given_closed,
    given_eligible,
    stamp_on,
    then,
)

SUCCESSOR = uuid4()
COVER = uuid4()


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def hand_over(case: Case, on: date, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "kind": "designated",
        "on": on,
        "reason": "the key worker is leaving the service",
        "to_practitioner_id": SUCCESSOR,
    }
    case.hand_over(stamp_on(TODAY), **(fields | changes))


def arrange_cover(case: Case, from_date: date, until: date, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "practitioner_id": COVER,
        "from_date": from_date,
        "until": until,
        "reason": "maternity leave",
    }
    case.arrange_cover(stamp_on(TODAY), **(fields | changes))


def ids_on(case: Case, on: date) -> list[Any]:
    return [worker.practitioner_id for worker in case.key_workers_on(on)]


# Handover


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


# Cover


def test_cover_is_arranged_for_a_period() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    assert then(case) == [
        ("CoverArranged", {"cover": Cover(COVER, day(5), day(30), "maternity leave")})
    ]
    assert case.cover_on(day(4)) is None
    assert case.cover_on(day(5)) == Cover(COVER, day(5), day(30), "maternity leave")
    assert case.cover_on(day(30)) is not None


def test_cover_ends_by_itself_after_its_last_day() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.collect_events()
    assert case.cover_on(day(30)) is not None
    assert case.cover_on(day(31)) is None
    assert ids_on(case, day(31)) == [PRACTITIONER]


def test_cover_does_not_change_who_the_key_worker_is() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    assert ids_on(case, day(10)) == [PRACTITIONER]


def test_cover_needs_a_key_worker() -> None:
    case = given_eligible()
    with pytest.raises(NotAllowedNow) as refused:
        arrange_cover(case, day(5), day(30))
    assert refused.value.rule == "key_worker_first"


def test_cover_on_a_closed_case_is_refused() -> None:
    with pytest.raises(NotAllowedNow) as refused:
        arrange_cover(given_closed(), day(5), day(30))
    assert refused.value.rule == "case_open"


def test_cover_cannot_end_before_it_starts() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        arrange_cover(case, day(5), day(4))
    assert (refused.value.field, refused.value.rule) == ("until", "not_before_from")


def test_a_single_day_of_cover_is_allowed() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(5))
    assert case.cover_on(day(5)) is not None
    assert case.cover_on(day(6)) is None


def test_the_key_worker_cannot_cover_for_themselves() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        arrange_cover(case, day(5), day(30), practitioner_id=PRACTITIONER)
    assert (refused.value.field, refused.value.rule) == ("practitioner_id", "not_the_key_worker")


@pytest.mark.parametrize(
    ("from_date", "until"), [(day(10), day(20)), (day(1), day(5)), (day(30), day(40))]
)
def test_only_one_cover_at_a_time(from_date: date, until: date) -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    with pytest.raises(NotAllowedNow) as refused:
        arrange_cover(case, from_date, until, practitioner_id=uuid4())
    assert refused.value.rule == "one_cover_at_a_time"


def test_a_cover_can_follow_another_the_next_day() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    other = uuid4()
    arrange_cover(case, day(31), day(40), practitioner_id=other)
    cover = case.cover_on(day(31))
    assert cover is not None
    assert cover.practitioner_id == other


def test_a_cover_needs_a_reason() -> None:
    with pytest.raises(InvalidValue) as refused:
        arrange_cover(given_active(), day(5), day(30), reason="")
    assert refused.value.field == "reason"


def test_ending_cover_early_leaves_none_from_that_day() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.collect_events()
    case.end_cover(stamp_on(day(12)), on=day(12), reason="back from leave early")
    assert then(case) == [("CoverEnded", {"on": day(12), "reason": "back from leave early"})]
    assert case.cover_on(day(11)) is not None
    assert case.cover_on(day(12)) is None
    assert case.cover_on(day(20)) is None


def test_ending_cover_on_its_first_day_leaves_no_cover_at_all() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.end_cover(stamp_on(day(5)), on=day(5))
    assert all(case.cover_on(day(n)) is None for n in range(0, 40))


def test_after_cover_is_ended_early_another_can_be_arranged_for_the_freed_days() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.end_cover(stamp_on(day(12)), on=day(12))
    arrange_cover(case, day(12), day(20), practitioner_id=uuid4())
    assert case.cover_on(day(12)) is not None


@pytest.mark.parametrize("on", [day(4), day(31)])
def test_ending_cover_is_refused_on_a_day_without_cover(on: date) -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.collect_events()
    with pytest.raises(NotAllowedNow) as refused:
        case.end_cover(stamp_on(on), on=on)
    assert (refused.value.field, refused.value.rule) == ("on", "cover_in_place")
    assert then(case) == []


def test_ending_cover_with_a_blank_reason_is_refused() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    with pytest.raises(InvalidValue):
        case.end_cover(stamp_on(day(12)), on=day(12), reason=" ")


def test_ending_cover_on_a_closed_case_is_refused() -> None:
    case = given_active()
    arrange_cover(case, TODAY, day(30))
    case.close(stamp_on(TODAY), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    case.collect_events()
    with pytest.raises(NotAllowedNow) as refused:
        case.end_cover(stamp_on(TODAY), on=TODAY)
    assert refused.value.rule == "case_open"
    assert then(case) == []


# Who is the key worker on a day


def test_nobody_is_key_worker_before_the_allocation() -> None:
    case = given_active()
    assert case.key_workers_on(day(-1)) == []
    assert ids_on(case, day(0)) == [PRACTITIONER]
    assert ids_on(case, day(3650)) == [PRACTITIONER]


def test_a_future_handover_leaves_the_current_worker_in_place_until_then() -> None:
    case = given_active()
    hand_over(case, day(30))
    assert ids_on(case, day(1)) == [PRACTITIONER]
    assert ids_on(case, day(29)) == [PRACTITIONER]
    assert ids_on(case, day(30)) == [SUCCESSOR]


# Closure ends key working


def test_closing_ends_the_key_worker_and_cover_on_the_closing_day() -> None:
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.close(stamp_on(day(10)), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    assert ids_on(case, day(10)) == [PRACTITIONER]
    assert case.key_workers_on(day(11)) == []
    assert case.cover_on(day(10)) is not None
    assert case.cover_on(day(11)) is None
    assert case.current_key_worker() is None


def test_closing_during_an_overlap_ends_both_workers() -> None:
    case = given_active()
    hand_over(case, day(10), overlap_until=day(20))
    case.close(stamp_on(day(15)), NORFOLK_RULES, reason="family_withdrew")
    assert ids_on(case, day(15)) == [PRACTITIONER, SUCCESSOR]
    assert case.key_workers_on(day(16)) == []


def test_closing_before_a_handover_takes_effect_drops_the_incoming_worker() -> None:
    case = given_active()
    hand_over(case, day(30))
    arrange_cover(case, day(40), day(50))
    case.close(stamp_on(day(10)), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    assert [w.practitioner_id for w in case.key_workers] == [PRACTITIONER]
    assert all(case.key_workers_on(day(n)) == [] for n in range(11, 60))
    assert case.covers == []


def test_a_reopened_case_can_have_a_new_key_worker_after_the_closure() -> None:
    case = given_active()
    case.close(stamp_on(day(10)), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    case.reopen(stamp_on(day(20)), reason="new needs", window_days=60)
    case.allocate_key_worker(
        stamp_on(day(20)), kind="designated", from_date=day(20), practitioner_id=SUCCESSOR
    )
    assert ids_on(case, day(10)) == [PRACTITIONER]
    assert case.key_workers_on(day(15)) == []
    assert ids_on(case, day(20)) == [SUCCESSOR]


def test_a_reopened_case_cannot_be_given_a_key_worker_from_before_it_closed() -> None:
    case = given_active()
    case.close(stamp_on(day(10)), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    case.reopen(stamp_on(day(20)), reason="new needs", window_days=60)
    case.collect_events()
    with pytest.raises(InvalidValue) as refused:
        case.allocate_key_worker(
            stamp_on(day(20)), kind="designated", from_date=day(10), practitioner_id=SUCCESSOR
        )
    assert (refused.value.field, refused.value.rule) == ("from", "after_earlier_key_working")
    assert then(case) == []
    assert ids_on(case, day(10)) == [PRACTITIONER]


def test_cover_cannot_start_before_the_key_worker_it_covers() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        arrange_cover(case, day(-1), day(10))
    assert (refused.value.field, refused.value.rule) == ("from", "within_key_working")


def test_the_incoming_key_worker_cannot_cover_during_their_own_period() -> None:
    case = given_active()
    hand_over(case, day(10), to_practitioner_id=COVER)
    with pytest.raises(InvalidValue) as refused:
        arrange_cover(case, day(12), day(20))
    assert refused.value.rule == "not_the_key_worker"


def test_the_cover_acts_as_the_key_worker_while_it_is_in_place() -> None:
    """The guide: "There is also a need to establish formal arrangements for covering the absence
    of key working practitioners, both for short and long-term periods of leave"."""
    case = given_active()
    arrange_cover(case, day(5), day(30))
    case.collect_events()
    assert [w.practitioner_id for w in case.acting_on(day(4))] == [PRACTITIONER]
    assert [w.practitioner_id for w in case.acting_on(day(5))] == [COVER]
    case.end_cover(stamp_on(TODAY), on=day(10))
    assert [w.practitioner_id for w in case.acting_on(day(10))] == [PRACTITIONER]
