"""Handover and cover together over a case's life: who the key worker is on a day, and what a
closure and a reopening do to them."""

import pytest

from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue
from tests.unit.story import (
    COVER,
    PRACTITIONER,
    SUCCESSOR,
    TODAY,
    arrange_cover,
    day,
    given_active,
    hand_over,
    ids_on,
    stamp_on,
    then,
)

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
