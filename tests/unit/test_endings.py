"""Endings that follow the rules (domain/closure.py): agreed with the family, with the final plan,
for age only at the area's age limit, and linked to the review that agreed them."""

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.eligibility import NORFOLK_RULES
from domain.errors import DomainError
from tests.unit.story import (
    MEETS_NORFOLK,
    PRACTITIONER,
    TODAY,
    child,
    closed,
    given_active,
    read_as_first_version,
    refer,
    stamp,
    then,
)
from tests.unit.test_reviews import REVIEW, given_scheduled, hold


def refused(case: Case, **ending: Any) -> tuple[str, str]:
    """The field and rule a closure is refused for, the case left open."""
    with pytest.raises(DomainError) as refusal:
        case.close(stamp(), NORFOLK_RULES, **ending)
    assert case.status != "closed"
    return refusal.value.field, refusal.value.rule


def active_child_born(born: date, **about: Any) -> Case:
    case = refer(child=child(date_of_birth=born, **about))
    case.decide_eligibility(stamp(days_ago=20), NORFOLK_RULES, MEETS_NORFOLK)
    case.allocate_key_worker(
        stamp(days_ago=10), kind="designated", from_date=TODAY, practitioner_id=PRACTITIONER
    )
    case.collect_events()
    return case


def with_a_signed_plan() -> Case:
    case = given_active()
    case.draft_plan(stamp(), summary="Swimming", outcomes=["Swims weekly"], actions=[])
    case.sign_plan(stamp(), plan_version=1, signed_by="Alex Parent", signed_on=TODAY)
    case.collect_events()
    return case


def test_a_planned_ending_records_the_familys_agreement_or_why_it_was_not_possible() -> None:
    """Lincolnshire: "then in agreement with parents a decision can be confirmed to close"."""
    case = given_active()
    assert refused(case, reason="needs_met") == ("family_agreed", "required_for_a_planned_ending")
    assert refused(case, reason="needs_met", family_agreed=False) == (
        "why_not_agreed",
        "required_without_agreement",
    )
    assert refused(case, reason="needs_met", family_agreed=True, why_not_agreed="x") == (
        "why_not_agreed",
        "without_agreement",
    )
    why = "The family moved abroad and could not be reached"
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=False, why_not_agreed=why)
    assert then(case) == [
        ("Closed", closed("needs_met", None, family_agreed=False, why_not_agreed=why))
    ]


def test_the_familys_own_withdrawal_needs_no_agreement() -> None:
    case = given_active()
    case.close(stamp(), NORFOLK_RULES, reason="family_withdrew")
    assert case.status == "closed"


def test_once_a_plan_was_signed_the_ending_names_the_final_plan_or_says_why_none() -> None:
    """Lincolnshire: "The final Family Support Plan should be completed and once signed by
    parents, forwarded to ESCO Business Support who will then distribute the plan with closure
    letters"."""
    case = with_a_signed_plan()
    ending = {"reason": "needs_met", "family_agreed": True}
    assert refused(case, **ending) == ("final_plan_version", "final_plan_or_why_not")
    assert refused(case, **ending, final_plan_version=1, why_no_final_plan="none") == (
        "why_no_final_plan",
        "without_final_plan",
    )
    why = "The family declined a final plan"
    case.close(stamp(), NORFOLK_RULES, **ending, why_no_final_plan=why)
    assert then(case) == [
        ("Closed", closed("needs_met", None, family_agreed=True, why_no_final_plan=why))
    ]
    # Without a signed plan there is no final plan to name.
    given_active().close(stamp(), NORFOLK_RULES, **ending)


def test_an_ending_for_age_needs_the_child_to_have_reached_the_areas_age_limit() -> None:
    """Lincolnshire closes "if the young person has reached the age of 18 years"; Norfolk's service
    is "from birth to age 18 (19 if in a complex needs school)"."""
    nine = given_active()
    assert refused(nine, reason="age_limit", family_agreed=True) == ("reason", "age_limit_reached")
    eighteenth_birthday = date(TODAY.year - 18, TODAY.month, TODAY.day)
    eighteen = active_child_born(eighteenth_birthday)
    eighteen.close(stamp(), NORFOLK_RULES, reason="age_limit", family_agreed=True)
    assert eighteen.closure_reason == "age_limit"
    in_school = active_child_born(eighteenth_birthday, in_complex_needs_school=True)
    assert refused(in_school, reason="age_limit", family_agreed=True) == (
        "reason",
        "age_limit_reached",
    )


def test_the_ending_may_name_the_held_review_that_agreed_it() -> None:
    """Lincolnshire: "If a review meeting identifies that there are no remaining unmet needs"."""
    case = given_scheduled()
    ending = {"reason": "needs_met", "family_agreed": True}
    assert refused(case, **ending, agreed_at_review_id=REVIEW) == (
        "agreed_at_review_id",
        "held_review",
    )
    with pytest.raises(UnknownPart):
        case.close(stamp(), NORFOLK_RULES, **ending, agreed_at_review_id=uuid4())
    hold(case)
    case.collect_events()
    case.close(stamp(), NORFOLK_RULES, **ending, agreed_at_review_id=REVIEW)
    assert then(case) == [
        ("Closed", closed("needs_met", None, family_agreed=True, agreed_at_review_id=REVIEW))
    ]


def test_a_closure_stored_before_endings_were_agreed_reads_as_not_known() -> None:
    case = given_active()
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    [ending] = case.collect_events()
    agreement = ("why_no_final_plan", "family_agreed", "why_not_agreed", "agreed_at_review_id")
    read = read_as_first_version(ending, *agreement)
    assert {name: read[name] for name in closed("needs_met", None)} == closed("needs_met", None)
    # Stored with the agreement before it was marked as the second version: it is kept.
    assert read_as_first_version(ending)["family_agreed"] is True
