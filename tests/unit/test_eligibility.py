from dataclasses import replace
from datetime import date

import pytest

from domain.eligibility import NORFOLK_RULES, EligibilityFacts, RuleSet, age_on, unmet_criteria
from domain.errors import InvalidValue, NotAllowedNow
from tests.unit.story import (
    MEETS_NORFOLK,
    child,
    given_active,
    given_referred,
    refer,
    stamp,
    then,
)


def test_a_child_meeting_norfolks_rules_is_accepted_and_the_rule_set_is_recorded() -> None:
    case = given_referred()
    case.decide_eligibility(stamp(), NORFOLK_RULES, MEETS_NORFOLK)
    [(name, fields)] = then(case)
    assert name == "EligibilityDecided"
    assert fields["accepted"] is True
    assert fields["rule_set_id"] == "norfolk-key-worker-service"
    assert fields["rule_set_version"] == 1
    assert fields["facts"] == MEETS_NORFOLK
    assert case.status == "eligible"


def test_a_declined_decision_says_which_criteria_were_unmet() -> None:
    case = given_referred()
    facts = replace(MEETS_NORFOLK, gp_in_area=False, specialist_count=2)
    case.decide_eligibility(stamp(), NORFOLK_RULES, facts)
    [(_, fields)] = then(case)
    assert fields["accepted"] is False
    assert fields["unmet_criteria"] == ["gp_not_in_area", "too_few_specialists"]
    assert case.status == "not_eligible"


@pytest.mark.parametrize(
    ("facts", "unmet"),
    [
        (MEETS_NORFOLK, []),
        (replace(MEETS_NORFOLK, complex_health_needs=False), ["no_complex_health_needs"]),
        (replace(MEETS_NORFOLK, agency_count=1), ["too_few_agencies"]),
        (replace(MEETS_NORFOLK, specialist_count=2, agency_count=2), ["too_few_specialists"]),
    ],
)
def test_norfolk_needs_three_specialists_from_two_agencies_and_complex_needs(
    facts: EligibilityFacts, unmet: list[str]
) -> None:
    assert unmet_criteria(NORFOLK_RULES, facts, age=10, in_complex_needs_school=False) == unmet


@pytest.mark.parametrize(
    ("age", "in_school", "eligible"),
    [(0, False, True), (18, False, True), (19, False, False), (19, True, True), (20, True, False)],
)
def test_norfolk_age_limit_is_18_or_19_in_a_complex_needs_school(
    age: int, in_school: bool, eligible: bool
) -> None:
    unmet = unmet_criteria(NORFOLK_RULES, MEETS_NORFOLK, age=age, in_complex_needs_school=in_school)
    assert (unmet == []) is eligible


def test_the_age_is_taken_on_the_day_the_decision_occurred() -> None:
    born = date(2007, 3, 4)  # 19 on 2026-03-04, the day after the decision
    case = refer(child=child(date_of_birth=born))
    case.collect_events()
    case.decide_eligibility(stamp(), NORFOLK_RULES, MEETS_NORFOLK)
    assert then(case)[0][1]["accepted"] is True
    assert age_on(born, date(2026, 3, 4)) == 19


def test_an_area_can_raise_the_upper_age_to_25() -> None:
    rules = replace(
        NORFOLK_RULES, id="other", version=3, max_age=25, max_age_in_complex_needs_school=25
    )
    assert unmet_criteria(rules, MEETS_NORFOLK, age=25, in_complex_needs_school=False) == []


def test_a_rule_set_cannot_go_beyond_25() -> None:
    with pytest.raises(InvalidValue):
        RuleSet("x", 1, 18, 26, True, True, 3, 2)


def test_specialists_cannot_come_from_more_agencies_than_there_are_specialists() -> None:
    with pytest.raises(InvalidValue) as refused:
        EligibilityFacts(True, True, specialist_count=1, agency_count=2)
    assert refused.value.field == "facts.agency_count"


def test_a_coordinator_can_override_with_a_reason() -> None:
    case = given_referred()
    case.decide_eligibility(stamp(), NORFOLK_RULES, replace(MEETS_NORFOLK, gp_in_area=False))
    case.collect_events()
    case.override_eligibility(stamp(), accepted=True, reason="GP practice moving into the area")
    assert then(case) == [
        ("EligibilityOverridden", {"accepted": True, "reason": "GP practice moving into the area"})
    ]
    assert case.status == "eligible"


def test_an_override_needs_a_reason() -> None:
    case = given_referred()
    with pytest.raises(InvalidValue) as refused:
        case.override_eligibility(stamp(), accepted=True, reason="")
    assert (refused.value.field, refused.value.rule) == ("reason", "required")


def test_eligibility_is_settled_once_a_key_worker_is_in_place() -> None:
    case = given_active()
    with pytest.raises(NotAllowedNow):
        case.decide_eligibility(stamp(), NORFOLK_RULES, MEETS_NORFOLK)
