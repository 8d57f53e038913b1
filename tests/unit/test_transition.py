"""Transition to adult services and the end of key working (domain/transition.py and the service
agreement in domain/contacts.py): how long key working lasts and how it ends are agreed at the
start, a transition plan is made from the area's age for a day its age limit still covers, and
reminders come as the end of cover by age nears."""

from datetime import date, timedelta
from typing import Any

import pytest

from domain.case import Case
from domain.eligibility import NORFOLK_RULES, age_on
from domain.errors import DomainError
from domain.transition import TransitionPlan, months_after
from tests.unit.story import TODAY, given_active, read_as_first_version, stamp, stamp_on, then
from tests.unit.test_endings import active_child_born

# 17 on TODAY (3 March 2026): 18, Norfolk's age limit, on 1 September 2026, so covered until
# 31 August 2027, the day before their 19th birthday.
BORN = date(2008, 9, 1)
LAST_DAY_COVERED = date(2027, 8, 31)
TRANSITION_FROM_AGE = 14
REMINDERS = (12, 6)


def plan(**changes: Any) -> TransitionPlan:
    fields: dict[str, Any] = {
        "adult_services": "Adult social care, Norfolk County Council",
        "receiving_contact": "Pat Transition",
        "receiving_contact_email": "pat@example.org",
        "planned_on": date(2027, 6, 1),
    }
    return TransitionPlan(**(fields | changes))


def refused(case: Case, from_age: int = TRANSITION_FROM_AGE, **changes: Any) -> tuple[str, str]:
    with pytest.raises(DomainError) as refusal:
        case.plan_transition(stamp(), NORFOLK_RULES, from_age=from_age, plan=plan(**changes))
    return refusal.value.field, refusal.value.rule


def sign(case: Case, **ending: Any) -> None:
    """The service agreement, signed today with `ending`: its duration and exit plan."""
    case.sign_service_agreement(
        stamp(), contact_every_days=28, signed_by="Alex Parent", signed_on=TODAY, **ending
    )


def test_the_agreement_says_how_long_key_working_will_last_and_how_it_will_end() -> None:
    """The guide: "Be clear with families from the start about how long key working will
    last."; "it is important that this is explained clearly to families when key working begins
    and that strategies for exiting are put in place well in advance"."""
    case = given_active()
    exit_plan = "Reduce visits over the last six months; hand over to the school nurse"
    sign(case, expected_duration_months=24, exit_plan=exit_plan)
    assert then(case) == [
        (
            "ServiceAgreementSigned",
            {
                "contact_every_days": 28,
                "signed_by": "Alex Parent",
                "signed_on": TODAY,
                "expected_duration_months": 24,
                "exit_plan": exit_plan,
            },
        )
    ]
    assert (case.expected_duration_months, case.exit_plan) == (24, exit_plan)
    for months, rule in ((0, "between_1_and_300"), (301, "between_1_and_300")):
        with pytest.raises(DomainError) as refusal:
            sign(case, expected_duration_months=months)
        assert (refusal.value.field, refusal.value.rule) == ("expected_duration_months", rule)


def test_an_agreement_stored_before_it_said_how_long_reads_as_not_known() -> None:
    case = given_active()
    sign(case, expected_duration_months=24, exit_plan="Reviewed at 17")
    [signed] = case.collect_events()
    read = read_as_first_version(signed, "expected_duration_months", "exit_plan")
    assert read["expected_duration_months"] is None and read["exit_plan"] is None
    assert read["contact_every_days"] == 28


def test_a_transition_plan_is_made_from_the_areas_transition_age() -> None:
    """The guide: "strategies for exiting are put in place well in advance"."""
    thirteen = active_child_born(TODAY.replace(year=TODAY.year - 13))
    assert refused(thirteen) == ("status", "transition_age_reached")
    fifteen = active_child_born(TODAY.replace(year=TODAY.year - 15))
    assert refused(fifteen, from_age=16) == ("status", "transition_age_reached")
    fifteen.plan_transition(
        stamp(), NORFOLK_RULES, from_age=TRANSITION_FROM_AGE, plan=plan(planned_on=TODAY)
    )
    assert then(fifteen) == [("TransitionPlanned", {"plan": plan(planned_on=TODAY)})]
    assert fifteen.transition_plan == plan(planned_on=TODAY)


def test_the_planned_day_is_chosen_by_need_on_any_day_the_area_still_covers() -> None:
    """The NHS function: "a needs-based approach – instead of age-based - to transition to adult
    services"; the guide: key working "should be offered from birth to young adulthood and
    should also be available to cover transition into adult services"."""  # noqa: RUF002
    case = active_child_born(BORN)
    assert refused(case, planned_on=TODAY - timedelta(days=1)) == ("planned_on", "not_in_past")
    after_cover = LAST_DAY_COVERED + timedelta(days=1)
    assert refused(case, planned_on=after_cover) == ("planned_on", "within_age_limit")
    assert refused(case, adult_services=" ") == ("adult_services", "required")
    assert refused(case, receiving_contact="") == ("receiving_contact", "required")
    case.plan_transition(
        stamp(), NORFOLK_RULES, from_age=14, plan=plan(planned_on=LAST_DAY_COVERED)
    )
    in_a_complex_needs_school = active_child_born(BORN, in_complex_needs_school=True)
    in_a_complex_needs_school.plan_transition(
        stamp(), NORFOLK_RULES, from_age=14, plan=plan(planned_on=after_cover)
    )
    assert in_a_complex_needs_school.transition_plan == plan(planned_on=after_cover)


def test_a_later_plan_replaces_the_earlier_and_a_closed_case_takes_none() -> None:
    """Norfolk: "When a young person leaves children’s services to use adult services, the key
    worker service will come to an end."."""  # noqa: RUF002
    case = active_child_born(BORN)
    case.plan_transition(stamp(), NORFOLK_RULES, from_age=14, plan=plan())
    later = plan(adult_services="Adult learning disability team", receiving_contact="Sam Adult")
    case.plan_transition(stamp(), NORFOLK_RULES, from_age=14, plan=later)
    assert [name for name, _ in then(case)] == ["TransitionPlanned", "TransitionPlanned"]
    assert case.transition_plan == later
    case.close(stamp(), NORFOLK_RULES, reason="adult_services", family_agreed=True)
    assert refused(case) == ("status", "case_open")


def reminded_on(case: Case, day: date) -> list[tuple[str, dict[str, Any]]]:
    """The reminder recorded on `day`, if one is due; none otherwise."""
    try:
        case.remind_of_transition(stamp_on(day), NORFOLK_RULES, reminder_months=REMINDERS)
    except DomainError as refusal:
        assert (refusal.field, refusal.rule) == ("months", "reminder_due")
    return then(case)


def test_the_key_worker_and_managers_are_reminded_once_for_each_threshold() -> None:
    """The guide: "strategies for exiting are put in place well in advance"; the area sets how
    many months before the end of cover by age (Norfolk's limit: 18, so until the day before the
    19th birthday, 1 September 2027)."""
    case = active_child_born(BORN)
    assert reminded_on(case, date(2026, 8, 31)) == []
    due = [("TransitionReminderDue", {"months": 12, "transition_planned": False})]
    assert reminded_on(case, date(2026, 9, 1)) == due
    assert reminded_on(case, date(2026, 9, 2)) == []
    case.plan_transition(stamp_on(date(2026, 10, 1)), NORFOLK_RULES, from_age=14, plan=plan())
    case.collect_events()
    assert reminded_on(case, date(2027, 2, 28)) == []
    due = [("TransitionReminderDue", {"months": 6, "transition_planned": True})]
    assert reminded_on(case, date(2027, 3, 1)) == due
    assert reminded_on(case, date(2027, 3, 2)) == []
    assert reminded_on(case, date(2027, 9, 1)) == []  # past the age limit: nothing to remind


def test_a_case_already_near_the_limit_gets_only_the_nearest_reminder() -> None:
    case = active_child_born(BORN)
    assert reminded_on(case, date(2027, 4, 1)) == [
        ("TransitionReminderDue", {"months": 6, "transition_planned": False})
    ]
    assert reminded_on(case, date(2027, 4, 2)) == []


def test_months_count_as_ages_do_even_from_the_29th_of_february() -> None:
    born = date(2008, 2, 29)
    nineteenth_birthday = months_after(born, 19 * 12)
    assert nineteenth_birthday == date(2027, 3, 1)
    assert age_on(born, nineteenth_birthday) == 19
    assert age_on(born, nineteenth_birthday - timedelta(days=1)) == 18
    assert months_after(date(2027, 3, 1), -12) == date(2026, 3, 1)
