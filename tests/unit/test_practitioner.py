from datetime import timedelta
from uuid import uuid4

import pytest

from domain.directory import Agency, Practitioner
from domain.errors import InvalidValue, NotAllowedNow
from tests.unit.story import TODAY, stamp, then


def given_practitioner() -> Practitioner:
    practitioner = Practitioner.register(
        stamp(),
        name="Jo Physio",
        role_title="Physiotherapist",
        agency_id=uuid4(),
        email="jo@nhs.example",
        phone="01603 000000",
    )
    practitioner.collect_events()
    return practitioner


def test_an_agency_is_registered_in_a_known_sector() -> None:
    agency = Agency.register(stamp(), "Norfolk Community Health", "health")
    assert (agency.name, agency.sector) == ("Norfolk Community Health", "health")
    with pytest.raises(InvalidValue) as refused:
        Agency.register(stamp(), "Somewhere", "retail")  # type: ignore[arg-type]
    assert refused.value.field == "sector"


def test_a_practitioner_needs_a_name_and_a_role_title() -> None:
    with pytest.raises(InvalidValue) as refused:
        Practitioner.register(stamp(), name=" ", role_title="Physio", agency_id=uuid4())
    assert refused.value.field == "name"


def test_a_practitioner_changes_their_contact_details() -> None:
    practitioner = given_practitioner()
    practitioner.change_contact_details(
        stamp(), email="jo.physio@nhs.example", phone=None, postal_address="1 High St"
    )
    assert then(practitioner) == [
        (
            "PractitionerContactDetailsChanged",
            {"email": "jo.physio@nhs.example", "phone": None, "postal_address": "1 High St"},
        )
    ]
    assert (practitioner.email, practitioner.phone, practitioner.postal_address) == (
        "jo.physio@nhs.example",
        None,
        "1 High St",
    )


def test_unchanged_contact_details_are_refused() -> None:
    practitioner = given_practitioner()
    with pytest.raises(InvalidValue) as refused:
        practitioner.change_contact_details(
            stamp(), email="jo@nhs.example", phone="01603 000000", postal_address=None
        )
    assert (refused.value.field, refused.value.rule) == ("email", "a_change")
    assert then(practitioner) == []


def test_a_practitioner_leaves_their_agency_on_a_day_with_a_reason() -> None:
    practitioner = given_practitioner()
    leaving = TODAY + timedelta(days=14)
    practitioner.leave_agency(stamp(), on=leaving, reason="retiring")
    assert then(practitioner) == [("PractitionerLeftAgency", {"on": leaving, "reason": "retiring"})]
    assert practitioner.left_on == leaving


def test_leaving_needs_a_reason() -> None:
    practitioner = given_practitioner()
    with pytest.raises(InvalidValue):
        practitioner.leave_agency(stamp(), on=TODAY, reason="")
    assert practitioner.left_on is None


def test_nothing_changes_after_a_practitioner_has_left() -> None:
    practitioner = given_practitioner()
    practitioner.leave_agency(stamp(), on=TODAY, reason="moved away")
    practitioner.collect_events()
    with pytest.raises(NotAllowedNow) as refused:
        practitioner.change_contact_details(
            stamp(), email="new@example.org", phone=None, postal_address=None
        )
    assert (refused.value.field, refused.value.rule) == ("practitioner_id", "in_post")
    with pytest.raises(NotAllowedNow):
        practitioner.leave_agency(stamp(), on=TODAY, reason="again")
    assert then(practitioner) == []
    assert practitioner.email == "jo@nhs.example"


def test_training_is_current_from_completion_to_expiry() -> None:
    practitioner = given_practitioner()
    completed = TODAY - timedelta(days=400)
    practitioner.record_training(
        stamp(),
        course="safeguarding",
        completed_on=completed,
        expires_on=completed + timedelta(days=365),
    )
    practitioner.record_training(
        stamp(), course="key_working_induction", completed_on=TODAY, expires_on=None
    )
    assert [name for name, _ in then(practitioner)] == ["TrainingCompleted"] * 2
    assert practitioner.trained_on("safeguarding", completed + timedelta(days=365))
    assert not practitioner.trained_on("safeguarding", TODAY)  # expired
    assert not practitioner.trained_on("safeguarding", completed - timedelta(days=1))
    assert practitioner.trained_on("key_working_induction", TODAY + timedelta(days=3650))
    assert not practitioner.trained_on("early_support", TODAY)


@pytest.mark.parametrize(
    ("course", "days_ago", "lasts_days", "field"),
    [
        ("first_aid", 0, None, "course"),
        ("safeguarding", -1, None, "completed_on"),  # tomorrow
        ("safeguarding", 10, 0, "expires_on"),  # expires the day it is completed
    ],
)
def test_training_refused(course: str, days_ago: int, lasts_days: int | None, field: str) -> None:
    practitioner = given_practitioner()
    completed_on = TODAY - timedelta(days=days_ago)
    with pytest.raises(InvalidValue) as refused:
        practitioner.record_training(
            stamp(),
            course=course,  # type: ignore[arg-type]
            completed_on=completed_on,
            expires_on=None if lasts_days is None else completed_on + timedelta(days=lasts_days),
        )
    assert refused.value.field == field
    assert then(practitioner) == []


def test_no_training_is_recorded_for_someone_who_has_left() -> None:
    practitioner = given_practitioner()
    practitioner.leave_agency(stamp(), on=TODAY, reason="Moved away")
    with pytest.raises(NotAllowedNow):
        practitioner.record_training(
            stamp(), course="safeguarding", completed_on=TODAY, expires_on=None
        )


def test_the_protected_time_their_agency_agrees_is_recorded() -> None:
    """The research brief: "Non-designated key workers should have protected time to undertake
    the key worker role effectively"."""
    practitioner = given_practitioner()
    practitioner.agree_protected_time(stamp(), hours_per_week=7.5)
    assert then(practitioner) == [("ProtectedTimeAgreed", {"hours_per_week": 7.5})]
    assert practitioner.protected_hours_per_week == 7.5
    with pytest.raises(InvalidValue) as refused:
        practitioner.agree_protected_time(stamp(), hours_per_week=41)
    assert refused.value.rule == "between_0_and_40"
    practitioner.leave_agency(stamp(), on=TODAY, reason="retiring")
    with pytest.raises(NotAllowedNow):
        practitioner.agree_protected_time(stamp(), hours_per_week=4)
