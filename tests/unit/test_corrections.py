from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.contacts import Contact
from domain.corrections import Replacement
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import event_id
from domain.tac import TacMember
from tests.unit.story import NOW, given_active, stamp, then

THERAPIST = uuid4()


def record_contact(case: Case, days_ago: int) -> UUID:
    """Records a phone call and returns the id of the event that recorded it."""
    case.record_contact(stamp(days_ago=days_ago), kind="phone", participants=[], note=None)
    return event_id(case.id, case.version)


def add_therapist(case: Case) -> UUID:
    case.add_tac_member(
        stamp(), practitioner_id=THERAPIST, role="physio", receives_plans=True, channel="email"
    )
    return event_id(case.id, case.version)


def test_the_event_id_names_the_recorded_contact() -> None:
    case = given_active()
    contact_event = record_contact(case, days_ago=1)
    assert list(case.contacts) == [contact_event]


def test_correcting_a_contacts_date_moves_the_last_contact_with_it() -> None:
    case = given_active()
    mistyped = record_contact(case, days_ago=1)
    record_contact(case, days_ago=3)
    assert case.last_contact_at == NOW - timedelta(days=1)
    case.collect_events()
    case.correct(
        stamp(),
        corrects_event_id=mistyped,
        reason="wrong day typed",
        replacement=Replacement(occurred_at=NOW - timedelta(days=5)),
    )
    corrected = Contact(NOW - timedelta(days=5), "phone", [], None)
    assert then(case) == [
        (
            "ContactCorrected",
            {"corrects_event_id": mistyped, "reason": "wrong day typed", "contact": corrected},
        )
    ]
    assert case.contacts[mistyped] == corrected
    assert case.last_contact_at == NOW - timedelta(days=3)


def test_a_correction_is_linked_to_the_event_it_corrects() -> None:
    case = given_active()
    mistyped = record_contact(case, days_ago=1)
    case.correct(
        stamp(),
        corrects_event_id=mistyped,
        reason="it was a visit",
        replacement=Replacement(kind="home_visit", participants=["Alex Parent"]),
    )
    name, fields = then(case)[-1]
    assert (name, fields["corrects_event_id"]) == ("ContactCorrected", mistyped)
    assert case.contacts[mistyped].kind == "home_visit"
    assert case.contacts[mistyped].participants == ["Alex Parent"]


def test_a_later_correction_replaces_the_earlier_one() -> None:
    case = given_active()
    mistyped = record_contact(case, days_ago=1)
    for kind in ("email", "text"):
        case.correct(
            stamp(), corrects_event_id=mistyped, reason="typo", replacement=Replacement(kind=kind)
        )
    assert case.contacts[mistyped].kind == "text"


def test_a_contact_cannot_be_corrected_into_the_future() -> None:
    case = given_active()
    mistyped = record_contact(case, days_ago=1)
    with pytest.raises(InvalidValue) as refused:
        case.correct(
            stamp(),
            corrects_event_id=mistyped,
            reason="typo",
            replacement=Replacement(occurred_at=NOW + timedelta(days=1)),
        )
    assert (refused.value.field, refused.value.rule) == ("occurred_at", "not_in_future")


def test_correcting_a_tac_members_role() -> None:
    case = given_active()
    added = add_therapist(case)
    case.collect_events()
    case.correct(
        stamp(),
        corrects_event_id=added,
        reason="misheard",
        replacement=Replacement(role="occupational therapist"),
    )
    corrected = TacMember(THERAPIST, "occupational therapist", True, "email")
    assert then(case) == [
        (
            "TacMemberCorrected",
            {"corrects_event_id": added, "reason": "misheard", "member": corrected},
        )
    ]
    assert case.tac[THERAPIST] == corrected


def test_a_tac_change_event_can_be_corrected_too() -> None:
    case = given_active()
    add_therapist(case)
    case.change_tac_member(stamp(), practitioner_id=THERAPIST, channel="letter")
    changed = event_id(case.id, case.version)
    case.correct(
        stamp(),
        corrects_event_id=changed,
        reason="wanted letters, not plans",
        replacement=Replacement(receives_plans=False),
    )
    assert case.tac[THERAPIST] == TacMember(THERAPIST, "physio", False, "letter")


def test_a_member_who_left_the_team_cannot_be_corrected() -> None:
    case = given_active()
    added = add_therapist(case)
    case.remove_tac_member(stamp(), practitioner_id=THERAPIST, reason="discharged")
    with pytest.raises(NotAllowedNow) as refused:
        case.correct(
            stamp(), corrects_event_id=added, reason="typo", replacement=Replacement(role="x")
        )
    assert refused.value.rule == "still_on_tac"


@pytest.mark.parametrize(
    ("corrects", "replacement", "field"),
    [
        ("contact", Replacement(role="physio"), "replacement.role"),
        ("contact", Replacement(kind="phone", channel="letter"), "replacement.channel"),
        ("tac", Replacement(note="a note"), "replacement.note"),
        ("tac", Replacement(occurred_at=NOW), "replacement.occurred_at"),
    ],
)
def test_a_field_that_is_not_part_of_the_corrected_event_is_refused(
    corrects: str, replacement: Replacement, field: str
) -> None:
    case = given_active()
    contact_event = record_contact(case, days_ago=1)
    tac_event = add_therapist(case)
    case.collect_events()
    with pytest.raises(InvalidValue) as refused:
        case.correct(
            stamp(),
            corrects_event_id=contact_event if corrects == "contact" else tac_event,
            reason="typo",
            replacement=replacement,
        )
    assert (refused.value.field, refused.value.rule) == (field, "not_for_this_event")
    assert then(case) == []


def test_an_event_that_is_not_a_contact_or_tac_change_is_an_unknown_part() -> None:
    case = given_active()
    allocation = event_id(case.id, case.version)  # the key worker's allocation
    for corrects_event_id in (uuid4(), allocation):
        with pytest.raises(UnknownPart) as refused:
            case.correct(
                stamp(),
                corrects_event_id=corrects_event_id,
                reason="typo",
                replacement=Replacement(kind="phone"),
            )
        assert (refused.value.field, refused.value.rule) == (
            "corrects_event_id",
            "correctable_event",
        )
    assert then(case) == []


def test_an_empty_replacement_is_refused() -> None:
    case = given_active()
    contact_event = record_contact(case, days_ago=1)
    with pytest.raises(InvalidValue) as refused:
        case.correct(
            stamp(), corrects_event_id=contact_event, reason="typo", replacement=Replacement()
        )
    assert (refused.value.field, refused.value.rule) == ("replacement", "a_change")


def test_a_correction_needs_a_reason() -> None:
    case = given_active()
    contact_event = record_contact(case, days_ago=1)
    with pytest.raises(InvalidValue) as refused:
        case.correct(
            stamp(),
            corrects_event_id=contact_event,
            reason=" ",
            replacement=Replacement(kind="text"),
        )
    assert refused.value.field == "reason"


def test_a_closed_case_is_not_corrected() -> None:
    case = given_active()
    contact_event = record_contact(case, days_ago=1)
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    with pytest.raises(NotAllowedNow) as refused:
        case.correct(
            stamp(),
            corrects_event_id=contact_event,
            reason="typo",
            replacement=Replacement(kind="text"),
        )
    assert refused.value.rule == "case_open"


def test_a_contacts_functions_are_corrected_and_checked() -> None:
    case = given_active()
    contact = record_contact(case, days_ago=1)
    case.correct(
        stamp(),
        corrects_event_id=contact,
        reason="It was advocacy too",
        replacement=Replacement(functions=["advocacy", "single_point_of_contact"]),
    )
    assert case.contacts[contact].functions == ["advocacy", "single_point_of_contact"]
    assert case.contacts[contact].kind == "phone"  # the rest kept
    with pytest.raises(InvalidValue) as refused:
        case.correct(
            stamp(),
            corrects_event_id=contact,
            reason="Twice",
            replacement=Replacement(functions=["advocacy", "advocacy"]),
        )
    assert (refused.value.field, refused.value.rule) == ("functions", "unique")
