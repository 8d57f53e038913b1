from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidValue, NotAllowedNow
from domain.key_workers import KeyWorker
from tests.unit.story import (
    PRACTITIONER,
    TODAY,
    given_active,
    given_eligible,
    given_referred,
    stamp,
    then,
)


def test_a_designated_key_worker_is_allocated_by_practitioner_id() -> None:
    case = given_eligible()
    case.allocate_key_worker(
        stamp(), kind="designated", from_date=TODAY, practitioner_id=PRACTITIONER
    )
    assert then(case) == [
        ("KeyWorkerAllocated", {"key_worker": KeyWorker("designated", TODAY, PRACTITIONER)})
    ]
    assert case.status == "active"
    assert case.key_workers_on(TODAY) == [KeyWorker("designated", TODAY, PRACTITIONER)]


def test_a_parent_carer_on_the_case_can_be_the_key_worker() -> None:
    case = given_eligible()
    case.allocate_key_worker(
        stamp(), kind="parent_carer", from_date=TODAY, parent_carer_name="Alex Parent"
    )
    [worker] = case.key_workers_on(TODAY)
    assert worker.parent_carer_name == "Alex Parent"


def test_a_parent_carer_key_worker_must_be_in_the_family() -> None:
    case = given_eligible()
    with pytest.raises(InvalidValue) as refused:
        case.allocate_key_worker(
            stamp(), kind="parent_carer", from_date=TODAY, parent_carer_name="A Stranger"
        )
    assert (refused.value.field, refused.value.rule) == ("parent_carer_name", "family_member")


def test_a_practitioner_key_worker_needs_a_practitioner_id() -> None:
    case = given_eligible()
    with pytest.raises(InvalidValue) as refused:
        case.allocate_key_worker(stamp(), kind="non_designated", from_date=TODAY)
    assert refused.value.field == "practitioner_id"


def test_a_second_key_worker_is_refused_while_one_is_in_place() -> None:
    case = given_active()
    with pytest.raises(NotAllowedNow) as refused:
        case.allocate_key_worker(
            stamp(), kind="designated", from_date=TODAY, practitioner_id=uuid4()
        )
    assert refused.value.rule == "one_key_worker"
    assert then(case) == []


def test_a_key_worker_is_allocated_only_after_the_case_is_accepted() -> None:
    case = given_referred()
    with pytest.raises(NotAllowedNow) as refused:
        case.allocate_key_worker(
            stamp(), kind="designated", from_date=TODAY, practitioner_id=uuid4()
        )
    assert refused.value.rule == "eligible_first"


def test_an_allocation_cannot_start_before_the_referral() -> None:
    case = given_eligible()
    with pytest.raises(InvalidValue) as refused:
        case.allocate_key_worker(
            stamp(),
            kind="designated",
            from_date=TODAY - timedelta(days=365),
            practitioner_id=PRACTITIONER,
        )
    assert (refused.value.field, refused.value.rule) == ("from", "not_before_referral")
