"""Cover while the key worker is away: arranged for a period, ended early, one at a time."""

from datetime import date
from uuid import uuid4

import pytest

from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.key_workers import Cover
from tests.unit.story import (
    COVER,
    PRACTITIONER,
    TODAY,
    arrange_cover,
    day,
    given_active,
    given_closed,
    given_eligible,
    ids_on,
    stamp_on,
    then,
)


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
