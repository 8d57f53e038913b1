from datetime import timedelta

import pytest

from domain.eligibility import NORFOLK_RULES, EligibilityFacts
from domain.errors import InvalidValue, NotAllowedNow
from tests.unit.story import TODAY, closed, given_active, given_closed, given_referred, stamp, then


def test_closing_a_case_records_the_reason_and_ends_the_allocation() -> None:
    case = given_active()
    case.close(stamp(), NORFOLK_RULES, reason="family_withdrew")
    assert then(case) == [("Closed", closed("family_withdrew", None, family_agreed=None))]
    assert case.status == "closed"
    assert case.current_key_worker() is None
    assert case.key_workers_on(TODAY) != []  # the key worker held the role up to the closing day
    assert case.key_workers_on(TODAY + timedelta(days=1)) == []


def test_a_closed_case_cannot_be_closed_again() -> None:
    with pytest.raises(NotAllowedNow):
        given_closed().close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)


def test_an_unknown_closure_reason_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        given_active().close(stamp(), NORFOLK_RULES, reason="bored")  # type: ignore[arg-type]
    assert refused.value.field == "reason"


def test_not_eligible_closures_need_a_declined_decision() -> None:
    with pytest.raises(NotAllowedNow):
        given_active().close(stamp(), NORFOLK_RULES, reason="not_eligible")
    declined = given_referred()
    declined.decide_eligibility(stamp(), NORFOLK_RULES, EligibilityFacts(False, False, 0, 0, False))
    declined.close(stamp(), NORFOLK_RULES, reason="not_eligible")
    assert declined.status == "closed"


def test_a_reopened_case_that_was_accepted_awaits_a_new_key_worker() -> None:
    case = given_closed()
    case.reopen(stamp(), reason="new needs after moving school", window_days=90)
    assert then(case) == [("Reopened", {"reason": "new needs after moving school"})]
    assert case.status == "eligible"
    assert case.current_key_worker() is None


def test_a_case_closed_as_not_eligible_reopens_for_a_new_decision() -> None:
    case = given_referred()
    case.decide_eligibility(stamp(), NORFOLK_RULES, EligibilityFacts(False, False, 0, 0, False))
    case.close(stamp(), NORFOLK_RULES, reason="not_eligible")
    case.reopen(stamp(), reason="new diagnosis", window_days=90)
    assert case.status == "referred"


def test_only_a_closed_case_can_be_reopened() -> None:
    with pytest.raises(NotAllowedNow):
        given_active().reopen(stamp(), reason="why not", window_days=90)


def test_reopening_needs_a_reason() -> None:
    with pytest.raises(InvalidValue):
        given_closed().reopen(stamp(), reason="  ", window_days=90)
