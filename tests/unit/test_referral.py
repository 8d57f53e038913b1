from datetime import timedelta

import pytest

from domain.case import Referrer
from domain.errors import InvalidValue
from domain.stamp import Stamp
from tests.unit.story import NOW, TODAY, child, mother, refer, then


def test_a_referral_opens_a_case_recording_who_and_when() -> None:
    case = refer()
    [(name, fields)] = then(case)
    assert name == "Referred"
    assert fields["route"] == "professional"
    assert fields["consent_to_share"] is True
    assert case.status == "referred"
    assert case.referred_at == NOW - timedelta(days=30)


def test_every_route_is_accepted() -> None:
    for route in ("professional", "single_point", "self"):
        assert refer(route=route).route == route


def test_an_unknown_route_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(route="fax")
    assert (refused.value.field, refused.value.rule) == ("route", "one_of")


def test_a_date_of_birth_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(child=child(date_of_birth=TODAY + timedelta(days=1)))
    assert (refused.value.field, refused.value.rule) == ("child.date_of_birth", "not_in_future")


def test_a_child_born_today_can_be_referred() -> None:
    assert refer(child=child(date_of_birth=TODAY)).child.date_of_birth == TODAY


def test_an_nhs_number_failing_its_check_digit_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(child=child(nhs_number="9434765918"))
    assert (refused.value.field, refused.value.rule) == ("child.nhs_number", "modulus_11")
    assert "9434765918" not in refused.value.detail


def test_a_referral_names_at_least_one_family_member() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(family=[])
    assert refused.value.field == "family"


def test_a_family_member_reached_by_letter_needs_an_address() -> None:
    by_letter = mother(preferred_channel="letter", email=None)
    with pytest.raises(InvalidValue) as refused:
        refer(family=[mother(name="Other Parent"), by_letter])
    assert (refused.value.field, refused.value.rule) == (
        "family[1].postal_address",
        "required_for_channel",
    )


def test_a_referrer_must_be_named() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(referrer=Referrer(" "))
    assert (refused.value.field, refused.value.rule) == ("referrer.name", "required")


def test_a_need_longer_than_2000_characters_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(needs=["x" * 2001])
    assert (refused.value.field, refused.value.rule) == ("needs[0]", "max_length")


def test_an_event_cannot_occur_after_it_was_recorded() -> None:
    with pytest.raises(InvalidValue) as refused:
        Stamp("someone", NOW + timedelta(seconds=1), NOW)
    assert (refused.value.field, refused.value.rule) == ("occurred_at", "not_in_future")


def test_each_family_members_communication_needs_are_recorded() -> None:
    """The guide: services should "understand the varied needs of the families in their area,
    for example regarding cultural expectations and potential interpretation support"."""
    needs = {"language": "Polish", "needs_interpreter": True, "accessible_format": "large_print"}
    case = refer(family=[mother(**needs)])
    member = case.family[0]
    assert (member.language, member.needs_interpreter, member.accessible_format) == (
        "Polish",
        True,
        "large_print",
    )
    assert refer().family[0].needs_interpreter is False  # none said: none assumed


def test_an_interpreter_needs_the_language_and_a_format_is_one_the_service_prints() -> None:
    with pytest.raises(InvalidValue) as refused:
        refer(family=[mother(needs_interpreter=True)])
    assert (refused.value.field, refused.value.rule) == (
        "family[0].language",
        "required_for_interpreter",
    )
    with pytest.raises(InvalidValue) as refused:
        refer(family=[mother(accessible_format="braille")])
    assert (refused.value.field, refused.value.rule) == ("family[0].accessible_format", "one_of")
