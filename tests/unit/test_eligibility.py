from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from domain.eligibility import (
    NHS_KEY_WORKING_RULES,
    NORFOLK_RULES,
    Check,
    Criterion,
    EligibilityFacts,
    age_on,
    unmet_criteria,
)
from domain.errors import InvalidValue, MissingValues, NotAllowedNow
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
        (
            replace(
                MEETS_NORFOLK,
                complex_health_needs=False,
                severe_learning_or_physical_disability=False,
            ),
            ["no_complex_health_needs"],
        ),
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


def test_an_area_can_cover_young_people_until_their_26th_birthday() -> None:
    """The guide: "Ensure that there is key working provision for children and young people from
    ages 0-25"."""
    rules = replace(
        NORFOLK_RULES, id="other", until_birthday=26, until_birthday_in_complex_needs_school=26
    )
    assert unmet_criteria(rules, MEETS_NORFOLK, age=25, in_complex_needs_school=False) == []
    assert unmet_criteria(rules, MEETS_NORFOLK, age=26, in_complex_needs_school=False) == [
        "over_age_limit"
    ]


def test_a_rule_set_cannot_cover_beyond_the_26th_birthday() -> None:
    with pytest.raises(InvalidValue) as refused:
        replace(NORFOLK_RULES, until_birthday_in_complex_needs_school=27)
    assert refused.value.rule == "up_to_26th"


@pytest.mark.parametrize(
    ("facts", "unmet"),
    [
        (
            EligibilityFacts(False, False, severe_learning_or_physical_disability=False),
            ["no_complex_health_needs"],
        ),
        (
            EligibilityFacts(
                complex_health_needs=False, severe_learning_or_physical_disability=True
            ),
            [],
        ),
        (EligibilityFacts(severe_learning_or_physical_disability=True), []),
        (EligibilityFacts(complex_health_needs=True), []),
    ],
)
def test_norfolks_severe_learning_or_physical_disability_is_a_route_of_its_own(
    facts: EligibilityFacts, unmet: list[str]
) -> None:
    """Norfolk: "Have complex health needs ... These children/young people have a severe learning
    and/or physical disability and need support to carry out activities of daily living"."""
    facts = replace(facts, gp_in_area=True, specialist_count=3, agency_count=2)
    assert unmet_criteria(NORFOLK_RULES, facts, age=10, in_complex_needs_school=False) == unmet


@pytest.mark.parametrize(
    ("facts", "unmet"),
    [
        (EligibilityFacts(autism=True, inpatient=True), []),
        (EligibilityFacts(learning_disability=True, at_risk_of_admission=True), []),
        (
            EligibilityFacts(autism=True, inpatient=False, at_risk_of_admission=False),
            ["not_inpatient_or_at_risk_of_admission"],
        ),
        (
            EligibilityFacts(
                learning_disability=False,
                autism=False,
                inpatient=False,
                at_risk_of_admission=False,
                looked_after=True,
            ),
            ["no_learning_disability_or_autism", "not_inpatient_or_at_risk_of_admission"],
        ),
    ],
)
def test_the_nhs_function_is_for_a_learning_disability_or_autism_and_a_risk_of_admission(
    facts: EligibilityFacts, unmet: list[str]
) -> None:
    """The NHS Key Working Function: "key worker support will be provided to children and young
    people with a learning disability, autism or both, who are inpatients or at risk of being
    admitted to hospital"."""
    assert unmet_criteria(NHS_KEY_WORKING_RULES, facts, age=24, in_complex_needs_school=False) == (
        unmet
    )


def test_a_criterion_can_ask_for_a_register_rating_in_the_areas_own_words() -> None:
    rules = replace(
        NHS_KEY_WORKING_RULES,
        criteria=(
            Criterion(
                "not_on_the_register",
                "Red or amber on the Dynamic Support Register",
                (Check("dynamic_support_register", "one_of", ("red", "amber")),),
            ),
        ),
    )
    for rating, unmet in (("amber", []), ("green", ["not_on_the_register"])):
        facts = EligibilityFacts(dynamic_support_register=rating)
        assert unmet_criteria(rules, facts, 12, False) == unmet


@pytest.mark.parametrize(
    ("facts", "missing"),
    [
        (
            EligibilityFacts(),
            [
                "facts.learning_disability",
                "facts.autism",
                "facts.inpatient",
                "facts.at_risk_of_admission",
            ],
        ),
        (EligibilityFacts(autism=True, at_risk_of_admission=False), ["facts.inpatient"]),
    ],
)
def test_the_facts_a_criterion_needs_are_asked_for_all_at_once(
    facts: EligibilityFacts, missing: list[str]
) -> None:
    """A fact the area's criteria name is needed, unless another of its criterion's checks holds:
    a criterion is never taken as unmet for want of a fact."""
    with pytest.raises(MissingValues) as refused:
        unmet_criteria(NHS_KEY_WORKING_RULES, facts, 12, False)
    assert refused.value.errors() == [(field, "missing") for field in missing]


@pytest.mark.parametrize(
    ("test", "rule"),
    [
        (lambda: Check("shoe_size", "at_least", 3), "known_fact"),
        (lambda: Check("autism", "at_least", 1), "fits_the_fact"),
        (lambda: Check("specialist_count", "at_least", True), "fits_the_fact"),
        (lambda: Check("dynamic_support_register", "one_of", "red"), "fits_the_fact"),
    ],
)
def test_a_criterion_names_a_known_fact_and_compares_it_by_its_kind(
    test: Callable[[], Check], rule: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        test()
    assert refused.value.rule == rule


def test_criteria_have_names_of_their_own() -> None:
    twice = NORFOLK_RULES.criteria[0]
    with pytest.raises(InvalidValue) as refused:
        replace(NORFOLK_RULES, criteria=(twice, twice))
    assert refused.value.rule == "unique"


def test_specialists_cannot_come_from_more_agencies_than_there_are_specialists() -> None:
    with pytest.raises(InvalidValue) as refused:
        given_referred().decide_eligibility(
            stamp(), NORFOLK_RULES, EligibilityFacts(True, True, specialist_count=1, agency_count=2)
        )
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
