from datetime import timedelta

import pytest

from domain.case import Case
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from tests.unit.story import TODAY, closed, given_active, stamp_on, then

CLOSED_ON = TODAY + timedelta(days=10)


def given_closed_on_day() -> Case:
    case = given_active()
    case.close(stamp_on(CLOSED_ON), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    case.collect_events()
    return case


def audit(case: Case, days_after_closure: int = 5) -> None:
    case.audit_closure(
        stamp_on(CLOSED_ON + timedelta(days=days_after_closure), actor="supervisor-1"),
        outcome="good",
        findings="plan distributed, letters sent",
    )


def test_a_closure_is_audited_by_the_practice_supervisor() -> None:
    case = given_closed_on_day()
    audit(case)
    assert then(case) == [
        ("ClosureAudited", {"outcome": "good", "findings": "plan distributed, letters sent"})
    ]
    assert case.closure_audited is True


def test_only_a_closed_case_is_audited() -> None:
    case = given_active()
    with pytest.raises(NotAllowedNow) as refused:
        case.audit_closure(stamp_on(TODAY), outcome="good", findings="fine")
    assert (refused.value.field, refused.value.rule) == ("status", "closed_first")
    assert then(case) == []


def test_a_closure_is_audited_once() -> None:
    case = given_closed_on_day()
    audit(case)
    with pytest.raises(NotAllowedNow) as refused:
        audit(case, days_after_closure=6)
    assert refused.value.rule == "audited_once"


def test_each_closure_after_a_reopening_is_audited_again() -> None:
    case = given_closed_on_day()
    audit(case)
    case.reopen(stamp_on(CLOSED_ON + timedelta(days=6)), reason="new needs", window_days=60)
    case.close(stamp_on(CLOSED_ON + timedelta(days=7)), NORFOLK_RULES, reason="family_withdrew")
    assert case.closure_audited is False
    audit(case, days_after_closure=8)
    assert case.closure_audited is True


def test_an_audit_needs_a_known_outcome_and_findings() -> None:
    case = given_closed_on_day()
    with pytest.raises(InvalidValue) as refused:
        case.audit_closure(stamp_on(CLOSED_ON), outcome="brilliant", findings="fine")  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.rule) == ("outcome", "one_of")
    with pytest.raises(InvalidValue) as refused:
        case.audit_closure(stamp_on(CLOSED_ON), outcome="inadequate", findings="")
    assert refused.value.field == "findings"
    assert case.closure_audited is False


def test_an_unaudited_closure_is_overdue_after_28_days() -> None:
    case = given_closed_on_day()
    assert not case.is_closure_audit_overdue(CLOSED_ON)
    assert not case.is_closure_audit_overdue(CLOSED_ON + timedelta(days=28))
    assert case.is_closure_audit_overdue(CLOSED_ON + timedelta(days=29))


def test_an_audited_closure_is_never_overdue() -> None:
    case = given_closed_on_day()
    audit(case, days_after_closure=40)
    assert not case.is_closure_audit_overdue(CLOSED_ON + timedelta(days=100))


def test_an_open_case_has_no_audit_due() -> None:
    assert not given_active().is_closure_audit_overdue(TODAY + timedelta(days=1000))


def test_a_case_can_be_reopened_on_the_last_day_of_the_window() -> None:
    case = given_closed_on_day()
    case.reopen(stamp_on(CLOSED_ON + timedelta(days=60)), reason="new needs", window_days=60)
    assert then(case) == [("Reopened", {"reason": "new needs"})]
    assert case.status == "eligible"
    assert case.closed_on is None
    assert case.closure_reason is None


def test_a_case_cannot_be_reopened_the_day_after_the_window() -> None:
    case = given_closed_on_day()
    with pytest.raises(NotAllowedNow) as refused:
        case.reopen(stamp_on(CLOSED_ON + timedelta(days=61)), reason="new needs", window_days=60)
    assert (refused.value.field, refused.value.rule) == ("status", "within_reopen_window")
    assert case.status == "closed"
    assert then(case) == []


def test_may_reopen_says_whether_the_window_is_still_open() -> None:
    case = given_closed_on_day()
    assert case.may_reopen(CLOSED_ON + timedelta(days=60), window_days=60)
    assert not case.may_reopen(CLOSED_ON + timedelta(days=61), window_days=60)
    assert not given_active().may_reopen(TODAY, window_days=60)


def test_a_new_referral_for_the_child_works_the_open_case_reopens_it_or_names_it() -> None:
    assert given_active().next_step(TODAY, window_days=60) == "work_the_case"
    case = given_closed_on_day()
    assert case.next_step(CLOSED_ON + timedelta(days=60), window_days=60) == "reopen"
    after = case.next_step(CLOSED_ON + timedelta(days=61), window_days=60)
    assert after == "refer_naming_previous_case"


def test_closing_with_a_signed_final_plan_records_it() -> None:
    case = given_active()
    version = case.draft_plan(stamp_on(TODAY), summary="Final plan", outcomes=[], actions=[])
    case.sign_plan(stamp_on(TODAY), plan_version=version, signed_by="Alex Parent", signed_on=TODAY)
    case.collect_events()
    case.close(
        stamp_on(CLOSED_ON),
        NORFOLK_RULES,
        reason="needs_met",
        final_plan_version=version,
        family_agreed=True,
    )
    assert then(case) == [("Closed", closed("needs_met", 1, family_agreed=True))]


@pytest.mark.parametrize("final_plan_version", [1, 2])
def test_the_final_plan_must_be_a_signed_version(final_plan_version: int) -> None:
    case = given_active()
    case.draft_plan(stamp_on(TODAY), summary="Unsigned plan", outcomes=[], actions=[])
    case.collect_events()
    with pytest.raises(InvalidValue) as refused:
        case.close(
            stamp_on(CLOSED_ON),
            NORFOLK_RULES,
            reason="needs_met",
            final_plan_version=final_plan_version,
            family_agreed=True,
        )
    assert (refused.value.field, refused.value.rule) == (
        "final_plan_version",
        "current_signed_plan",
    )
    assert case.status == "active"
    assert then(case) == []


def test_the_final_plan_is_the_signed_version_in_force_not_a_superseded_one() -> None:
    case = given_active()
    for summary in ("First plan", "Second plan"):
        version = case.draft_plan(stamp_on(TODAY), summary=summary, outcomes=[], actions=[])
        case.sign_plan(
            stamp_on(TODAY), plan_version=version, signed_by="Alex Parent", signed_on=TODAY
        )
    case.collect_events()
    with pytest.raises(InvalidValue) as refused:
        case.close(
            stamp_on(CLOSED_ON),
            NORFOLK_RULES,
            reason="needs_met",
            final_plan_version=1,
            family_agreed=True,
        )
    assert refused.value.rule == "current_signed_plan"
    case.close(
        stamp_on(CLOSED_ON),
        NORFOLK_RULES,
        reason="needs_met",
        final_plan_version=2,
        family_agreed=True,
    )
    assert then(case) == [("Closed", closed("needs_met", 2, family_agreed=True))]


def test_closing_clears_the_agreement_and_the_transfer() -> None:
    case = given_active()
    case.sign_service_agreement(
        stamp_on(TODAY), contact_every_days=28, signed_by="Alex Parent", signed_on=TODAY
    )
    case.close(stamp_on(CLOSED_ON), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    assert case.next_contact_due() is None
    assert not case.is_contact_overdue(CLOSED_ON + timedelta(days=100))
