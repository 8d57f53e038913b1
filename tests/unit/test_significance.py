"""Marking a case's events significant, for its chronology (domain/significance.py)."""

from uuid import uuid4

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.catalogue import events_of
from domain.errors import InvalidValue, NotAllowedNow
from domain.significance import MILESTONES
from domain.stamp import event_id
from tests.unit.story import given_active, given_closed, stamp, then


def test_an_event_of_the_case_is_marked_with_why_it_matters() -> None:
    case = given_active()
    case.record_contact(stamp(), kind="phone", participants=[], note=None)
    call = event_id(case.id, case.version)
    case.mark_significant(stamp(), marked_event_id=call, reason="first contact after discharge")
    assert then(case)[-1] == (
        "EventMarkedSignificant",
        {"marked_event_id": call, "reason": "first contact after discharge"},
    )
    assert case.significant == {call: "first contact after discharge"}


def test_a_closed_case_can_still_have_its_chronology_put_together() -> None:
    case = given_closed()
    first = event_id(case.id, 1)
    case.mark_significant(stamp(), marked_event_id=first, reason="the first referral")
    assert first in case.significant


def test_only_an_event_of_this_case_once_and_with_a_reason() -> None:
    case = given_active()
    with pytest.raises(UnknownPart):
        case.mark_significant(stamp(), marked_event_id=uuid4(), reason="not ours")
    with pytest.raises(UnknownPart):  # an id of this case's next event, not yet recorded
        case.mark_significant(
            stamp(), marked_event_id=event_id(case.id, case.version + 1), reason="too soon"
        )
    first = event_id(case.id, 1)
    with pytest.raises(InvalidValue):
        case.mark_significant(stamp(), marked_event_id=first, reason=" ")
    case.mark_significant(stamp(), marked_event_id=first, reason="the referral")
    with pytest.raises(NotAllowedNow):
        case.mark_significant(stamp(), marked_event_id=first, reason="again")


def test_every_milestone_names_an_event_of_a_case() -> None:
    assert {kind.__name__ for kind in events_of(Case)} >= MILESTONES
