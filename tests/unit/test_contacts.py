from copy import deepcopy
from datetime import timedelta
from typing import get_args

import pytest

from domain.errors import InvalidValue, NotAllowedNow
from domain.functions import AREAS, KeyWorkingFunction
from domain.schedule import next_contact_due
from tests.unit.story import NOW, TODAY, given_active, given_closed, given_eligible, stamp, then


def test_a_service_agreement_sets_the_agreed_contact_frequency() -> None:
    case = given_active()
    case.sign_service_agreement(
        stamp(), contact_every_days=28, signed_by="Alex Parent", signed_on=TODAY
    )
    assert then(case) == [
        (
            "ServiceAgreementSigned",
            {
                "contact_every_days": 28,
                "signed_by": "Alex Parent",
                "signed_on": TODAY,
                "expected_duration_months": None,
                "exit_plan": None,
            },
        )
    ]
    assert case.next_contact_due() == TODAY + timedelta(days=28)


def test_the_agreement_is_signed_by_someone_in_the_family() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.sign_service_agreement(
            stamp(), contact_every_days=28, signed_by="Dr Who", signed_on=TODAY
        )
    assert (refused.value.field, refused.value.rule) == ("signed_by", "family_member")


def test_the_agreement_needs_a_key_worker_first() -> None:
    case = given_eligible()
    with pytest.raises(NotAllowedNow):
        case.sign_service_agreement(
            stamp(), contact_every_days=28, signed_by="Alex Parent", signed_on=TODAY
        )


@pytest.mark.parametrize("days", [0, 366, -5])
def test_the_contact_frequency_is_between_a_day_and_a_year(days: int) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.sign_service_agreement(
            stamp(), contact_every_days=days, signed_by="Alex Parent", signed_on=TODAY
        )
    assert refused.value.field == "contact_every_days"


def test_a_contact_recorded_late_keeps_when_it_occurred() -> None:
    case = given_active()
    case.record_contact(
        stamp(days_ago=3), kind="home_visit", participants=["Alex Parent"], note=None
    )
    assert then(case)[0][0] == "ContactRecorded"
    assert case.last_contact_at == NOW - timedelta(days=3)


def test_an_older_contact_recorded_later_does_not_move_the_last_contact_back() -> None:
    case = given_active()
    case.record_contact(stamp(days_ago=1), kind="phone", participants=[], note=None)
    case.record_contact(stamp(days_ago=5), kind="email", participants=[], note=None)
    assert case.last_contact_at == NOW - timedelta(days=1)


def test_the_next_contact_is_due_from_the_last_contact_and_is_overdue_after() -> None:
    case = given_active()
    case.sign_service_agreement(
        stamp(),
        contact_every_days=14,
        signed_by="Alex Parent",
        signed_on=TODAY - timedelta(days=30),
    )
    case.record_contact(stamp(days_ago=20), kind="phone", participants=[], note=None)
    assert case.next_contact_due() == TODAY - timedelta(days=6)
    assert case.is_contact_overdue(TODAY)
    assert not case.is_contact_overdue(TODAY - timedelta(days=6))


def test_with_no_contact_yet_the_first_is_due_from_the_agreement() -> None:
    assert next_contact_due(None, TODAY, 7) == TODAY + timedelta(days=7)


def test_a_contact_on_a_closed_case_is_refused() -> None:
    case = given_closed()
    with pytest.raises(NotAllowedNow) as refused:
        case.record_contact(stamp(), kind="phone", participants=[], note=None)
    assert refused.value.rule == "case_open"
    assert then(case) == []


def test_an_unknown_kind_of_contact_is_refused() -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.record_contact(stamp(), kind="carrier_pigeon", participants=[], note=None)  # type: ignore[arg-type]
    assert refused.value.field == "kind"


def test_an_overdue_contact_is_flagged_once_for_each_person_told() -> None:
    case = given_active()
    case.sign_service_agreement(
        stamp(days_ago=30),
        contact_every_days=14,
        signed_by="Alex Parent",
        signed_on=TODAY - timedelta(days=30),
    )
    case.collect_events()
    due = TODAY - timedelta(days=16)
    case.flag_contact_overdue(stamp(), due_on=due, told="key_worker")
    assert then(case) == [("ContactOverdue", {"due_on": due, "told": "key_worker"})]
    with pytest.raises(NotAllowedNow) as refused:
        case.flag_contact_overdue(stamp(), due_on=due, told="key_worker")
    assert refused.value.rule == "flagged_once"
    case.flag_contact_overdue(stamp(), due_on=due, told="manager")
    assert then(case)[0][1]["told"] == "manager"


def test_a_contact_that_is_not_overdue_is_not_flagged() -> None:
    case = given_active()
    case.sign_service_agreement(
        stamp(), contact_every_days=14, signed_by="Alex Parent", signed_on=TODAY
    )
    with pytest.raises(NotAllowedNow) as refused:
        case.flag_contact_overdue(stamp(), due_on=TODAY + timedelta(days=14), told="key_worker")
    assert refused.value.rule == "contact_overdue"


def test_a_contact_names_the_key_working_functions_it_served() -> None:
    case = given_active()
    served: list[KeyWorkingFunction] = ["single_point_of_contact", "advocacy"]
    case.record_contact(stamp(), kind="meeting", participants=[], note=None, functions=served)
    [(name, fields)] = then(case)
    assert (name, fields["functions"]) == ("ContactRecorded", served)
    assert [contact.functions for contact in case.contacts.values()] == [served]


@pytest.mark.parametrize(
    ("functions", "field", "rule"),
    [
        (["tea_and_biscuits"], "functions[0]", "one_of"),
        (["advocacy", "advocacy"], "functions", "unique"),
    ],
)
def test_functions_outside_the_ten_or_named_twice_are_refused(
    functions: list[KeyWorkingFunction], field: str, rule: str
) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        case.record_contact(stamp(), kind="phone", participants=[], note=None, functions=functions)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert then(case) == []


def test_a_contact_recorded_before_functions_existed_replays_with_none() -> None:
    case = given_active()
    replayed = deepcopy(case)
    case.record_contact(stamp(), kind="phone", participants=[], note=None)
    [event] = case.collect_events()
    del event.__dict__["functions"]  # as the store holds such an event
    event.mutate(replayed)
    assert [contact.functions for contact in replayed.contacts.values()] == [[]]


def test_the_guide_names_ten_functions_in_four_areas() -> None:
    named = [function for functions in AREAS.values() for function in functions]
    assert len(AREAS) == 4
    assert sorted(named) == sorted(get_args(KeyWorkingFunction))
    assert len(named) == 10
