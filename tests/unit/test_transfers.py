from datetime import date, timedelta
from typing import Any

import pytest

from domain.case import Case
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.transfers import Transfer
from tests.unit.story import TODAY, closed, given_active, given_closed, stamp_on, then

MOVE_ON = TODAY + timedelta(days=30)


def within_area(**changes: Any) -> Transfer:
    fields: dict[str, Any] = {
        "to_area": "norfolk",
        "move_on": MOVE_ON,
        "out_of_area": False,
        "to_team": "west-norfolk",
    }
    return Transfer(**(fields | changes))


def out_of_area(**changes: Any) -> Transfer:
    fields: dict[str, Any] = {
        "to_area": "suffolk",
        "move_on": MOVE_ON,
        "out_of_area": True,
        "receiving_contact": "Suffolk key working scheme",
    }
    return Transfer(**(fields | changes))


def given_moving_out() -> Case:
    case = given_active()
    case.agree_transfer(stamp_on(TODAY), transfer=out_of_area())
    case.collect_events()
    return case


def test_a_move_within_the_area_is_agreed_with_the_receiving_team() -> None:
    case = given_active()
    case.agree_transfer(stamp_on(TODAY), transfer=within_area())
    assert then(case) == [("TransferAgreed", {"transfer": within_area()})]
    assert case.transfer == within_area()


@pytest.mark.parametrize("to_team", [None, ""])
def test_a_move_within_the_area_needs_the_receiving_team(to_team: str | None) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.agree_transfer(stamp_on(TODAY), transfer=within_area(to_team=to_team))
    assert (refused.value.field, refused.value.rule) == ("to_team", "required_within_area")
    assert case.transfer is None


def test_a_move_out_of_the_area_is_agreed_with_the_receiving_schemes_contact() -> None:
    case = given_active()
    case.agree_transfer(stamp_on(TODAY), transfer=out_of_area())
    assert then(case) == [("TransferAgreed", {"transfer": out_of_area()})]


@pytest.mark.parametrize("receiving_contact", [None, ""])
def test_a_move_out_of_the_area_needs_the_receiving_contact(receiving_contact: str | None) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.agree_transfer(
            stamp_on(TODAY), transfer=out_of_area(receiving_contact=receiving_contact)
        )
    assert (refused.value.field, refused.value.rule) == (
        "receiving_contact",
        "required_out_of_area",
    )


def test_a_blank_receiving_contact_is_refused() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.agree_transfer(stamp_on(TODAY), transfer=out_of_area(receiving_contact="  "))
    assert (refused.value.field, refused.value.rule) == ("receiving_contact", "required")


def test_a_transfer_names_the_area() -> None:
    with pytest.raises(InvalidValue) as refused:
        given_active().agree_transfer(stamp_on(TODAY), transfer=within_area(to_area=""))
    assert refused.value.field == "to_area"


@pytest.mark.parametrize("move_on", [TODAY, TODAY - timedelta(days=1)])
def test_the_move_must_be_after_the_day_it_is_agreed(move_on: date) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.agree_transfer(stamp_on(TODAY), transfer=within_area(move_on=move_on))
    assert (refused.value.field, refused.value.rule) == ("move_on", "after_agreement")


def test_a_move_the_day_after_the_agreement_is_allowed() -> None:
    case = given_active()
    case.agree_transfer(stamp_on(TODAY), transfer=within_area(move_on=TODAY + timedelta(1)))
    assert case.transfer is not None


def test_no_transfer_is_agreed_for_a_closed_case() -> None:
    with pytest.raises(NotAllowedNow) as refused:
        given_closed().agree_transfer(stamp_on(TODAY), transfer=within_area())
    assert refused.value.rule == "case_open"


def test_the_team_changes_on_the_move_date_within_the_area() -> None:
    case = given_active()
    case.agree_transfer(stamp_on(TODAY), transfer=within_area())
    assert case.team_on(MOVE_ON - timedelta(days=1)) is None
    assert case.team_on(MOVE_ON) == "west-norfolk"
    assert case.team_on(MOVE_ON + timedelta(days=100)) == "west-norfolk"


def test_a_move_out_of_the_area_does_not_change_the_team() -> None:
    case = given_moving_out()
    assert case.team_on(MOVE_ON) is None


def test_a_case_moving_out_is_closed_as_moved_out_of_area_on_the_move_date() -> None:
    case = given_moving_out()
    case.close(stamp_on(MOVE_ON), NORFOLK_RULES, reason="moved_out_of_area")
    assert then(case) == [("Closed", closed("moved_out_of_area", None, family_agreed=None))]
    assert case.closure_reason == "moved_out_of_area"


def test_a_case_moving_out_cannot_be_closed_as_moved_before_the_move_date() -> None:
    case = given_moving_out()
    with pytest.raises(NotAllowedNow) as refused:
        case.close(stamp_on(MOVE_ON - timedelta(days=1)), NORFOLK_RULES, reason="moved_out_of_area")
    assert (refused.value.field, refused.value.rule) == ("reason", "out_of_area_move_first")
    assert case.status == "active"


def test_a_case_without_an_out_of_area_move_cannot_be_closed_as_moved() -> None:
    case = given_active()
    with pytest.raises(NotAllowedNow):
        case.close(stamp_on(MOVE_ON), NORFOLK_RULES, reason="moved_out_of_area")
    case.agree_transfer(stamp_on(TODAY), transfer=within_area())
    with pytest.raises(NotAllowedNow) as refused:
        case.close(stamp_on(MOVE_ON), NORFOLK_RULES, reason="moved_out_of_area")
    assert refused.value.rule == "out_of_area_move_first"


def test_a_move_within_the_area_stays_in_the_cases_area() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.agree_transfer(stamp_on(TODAY), transfer=within_area(to_area="suffolk"))
    assert (refused.value.field, refused.value.rule) == ("to_area", "same_area_within")
