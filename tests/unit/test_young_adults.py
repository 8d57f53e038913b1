"""A young adult acting for themselves: their own key worker, and their own plan's signature.

The guide concerns "children and young people aged 0-25"; from 18 the young person may act for
themselves."""

from datetime import date, timedelta
from typing import Any

import pytest

from domain.case import Case
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue
from domain.key_workers import KeyWorker
from domain.young_adults import is_young_adult
from tests.unit.story import (
    MEETS_NORFOLK,
    PRACTITIONER,
    TODAY,
    child,
    mother,
    read_as_first_version,
    refer,
    stamp,
    then,
)

EIGHTEENTH_BIRTHDAY = TODAY
SEVENTEEN = TODAY - timedelta(days=1)  # the last day before the birthday
BORN = date(TODAY.year - 18, TODAY.month, TODAY.day)
SAM = mother(name="Sam Parent", relationship="self", has_parental_responsibility=False)


def given_eligible_young_person(**about: Any) -> Case:
    case = refer(child=child(date_of_birth=BORN), **about)
    case.decide_eligibility(stamp(days_ago=20), NORFOLK_RULES, MEETS_NORFOLK)
    case.collect_events()
    return case


def given_key_worker_until_eighteen() -> Case:
    case = given_eligible_young_person()
    case.allocate_key_worker(
        stamp(days_ago=10),
        kind="designated",
        from_date=TODAY - timedelta(days=10),
        practitioner_id=PRACTITIONER,
    )
    case.collect_events()
    return case


def own_key_worker(case: Case, from_date: date) -> None:
    case.allocate_key_worker(stamp(), kind="young_person", from_date=from_date)


def refused(command: Any, *args: Any, **fields: Any) -> tuple[str, str]:
    with pytest.raises(InvalidValue) as refusal:
        command(*args, **fields)
    return refusal.value.field, refusal.value.rule


# Their own key worker


def test_a_young_person_of_18_may_be_their_own_key_worker() -> None:
    """The guide: "Some parents or young people may become their own key worker"."""
    case = given_eligible_young_person()
    own_key_worker(case, EIGHTEENTH_BIRTHDAY)
    worker = KeyWorker("young_person", EIGHTEENTH_BIRTHDAY)
    assert then(case) == [("KeyWorkerAllocated", {"key_worker": worker})]
    assert case.key_workers_on(TODAY) == [worker]
    assert case.status == "active"


def test_a_young_person_of_17_cannot_be_their_own_key_worker() -> None:
    """The guide: "Some parents or young people may become their own key worker": a young
    person, an adult in law, from 18."""
    case = given_eligible_young_person()
    assert refused(own_key_worker, case, SEVENTEEN) == ("kind", "young_person_18_or_over")
    assert then(case) == []
    assert case.status == "eligible"


def test_their_own_key_worker_names_no_practitioner_or_parent_carer() -> None:
    """The guide: "young people may become their own key worker": themselves, no one else."""
    case = given_eligible_young_person()
    allocate = case.allocate_key_worker
    mine = {"kind": "young_person", "from_date": TODAY}
    assert refused(allocate, stamp(), **mine, practitioner_id=PRACTITIONER) == (
        "practitioner_id",
        "not_for_young_person",
    )
    assert refused(allocate, stamp(), **mine, parent_carer_name="Alex Parent") == (
        "parent_carer_name",
        "not_for_young_person",
    )


def test_a_handover_to_the_young_person_may_overlap_with_their_key_worker() -> None:
    """The guide: "Some parents or young people may become their own key worker and they may
    need support with this transition": their key worker may stay on for a while."""
    case = given_key_worker_until_eighteen()
    overlap_until = TODAY + timedelta(days=28)
    case.hand_over(
        stamp(),
        kind="young_person",
        on=EIGHTEENTH_BIRTHDAY,
        reason="Sam is ready to be their own key worker",
        overlap_until=overlap_until,
    )
    assert [w.kind for w in case.key_workers_on(overlap_until)] == ["designated", "young_person"]
    assert [w.kind for w in case.key_workers_on(overlap_until + timedelta(days=1))] == [
        "young_person"
    ]
    assert case.current_key_worker() == KeyWorker("young_person", EIGHTEENTH_BIRTHDAY)


def test_a_handover_to_a_young_person_of_17_is_refused() -> None:
    """The guide: "Some parents or young people may become their own key worker": from 18."""
    case = given_key_worker_until_eighteen()
    hand_over = case.hand_over
    assert refused(hand_over, stamp(), kind="young_person", on=SEVENTEEN, reason="too soon") == (
        "kind",
        "young_person_18_or_over",
    )
    assert then(case) == []


# Their own plan


def given_a_draft_plan() -> Case:
    case = given_eligible_young_person()
    case.draft_plan(stamp(), summary="Moving on to college", outcomes=["Travels alone"], actions=[])
    case.collect_events()
    return case


def test_a_young_person_of_18_may_sign_their_own_plan() -> None:
    """The guide covers "children and young people aged 0-25": a young adult signs their own
    Family Support Plan."""
    case = given_a_draft_plan()
    case.sign_plan(stamp(), plan_version=1, signed_on=TODAY, signed_by_young_person=True)
    assert then(case) == [
        (
            "PlanSigned",
            {
                "plan_version": 1,
                "signed_by": None,
                "signed_on": TODAY,
                "signed_by_young_person": True,
            },
        )
    ]
    signed = case.plan(1)
    assert (signed.status, signed.signed_by_young_person) == ("signed", True)
    case.record_plan_copy(stamp(), plan_version=1, recipient="family:0", channel="email", sent=True)
    assert list(case.plan(1).distribution()) == ["family:0"]


def test_a_young_person_of_17_cannot_sign_their_own_plan() -> None:
    """The guide covers "children and young people aged 0-25": under 18, the plan is signed
    by a parent or carer."""
    case = given_a_draft_plan()
    assert refused(
        case.sign_plan, stamp(), plan_version=1, signed_on=SEVENTEEN, signed_by_young_person=True
    ) == ("signed_by_young_person", "young_person_18_or_over")
    assert then(case) == []
    assert case.plan(1).status == "draft"


def test_a_plan_is_signed_by_the_young_person_or_a_parent_carer_never_both_nor_neither() -> None:
    """The guide covers "children and young people aged 0-25": one signer says who agreed."""
    case = given_a_draft_plan()
    sign = case.sign_plan
    assert refused(
        sign,
        stamp(),
        plan_version=1,
        signed_on=TODAY,
        signed_by="Alex Parent",
        signed_by_young_person=True,
    ) == ("signed_by", "not_for_young_person")
    assert refused(sign, stamp(), plan_version=1, signed_on=TODAY) == ("signed_by", "missing")


def test_a_plan_signed_before_young_people_signed_their_own_was_signed_by_a_parent() -> None:
    case = given_a_draft_plan()
    case.sign_plan(stamp(), plan_version=1, signed_on=TODAY, signed_by="Alex Parent")
    [signed] = case.collect_events()
    read = read_as_first_version(signed, "signed_by_young_person")
    assert (read["signed_by"], read["signed_by_young_person"]) == ("Alex Parent", False)


# Who the young person is


def test_the_young_persons_own_contact_is_the_family_member_named_as_they_are() -> None:
    """The young person's own contact details are those of the family member named as the
    child is, if the case holds any."""
    case = given_eligible_young_person(family=[mother(), SAM])
    assert case.young_person_contact() == SAM
    assert given_eligible_young_person().young_person_contact() is None


def test_an_erased_birth_date_is_no_young_adult() -> None:
    assert is_young_adult(BORN, EIGHTEENTH_BIRTHDAY)
    assert not is_young_adult(BORN, SEVENTEEN)
    assert not is_young_adult(None, EIGHTEENTH_BIRTHDAY)
