from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.tac import TacMember
from tests.unit.story import PRACTITIONER, TODAY, given_active, given_closed, stamp, stamp_on, then

THERAPIST = uuid4()


def add(case: Case, practitioner_id: UUID = THERAPIST, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "practitioner_id": practitioner_id,
        "role": "physiotherapist",
        "receives_plans": True,
        "channel": "email",
    }
    case.add_tac_member(stamp(), **(fields | changes))


def given_team() -> Case:
    case = given_active()
    add(case)
    case.collect_events()
    return case


def test_a_member_joins_the_team_around_the_child() -> None:
    case = given_active()
    add(case)
    member = TacMember(THERAPIST, "physiotherapist", True, "email")
    assert then(case) == [("TacMemberAdded", {"member": member})]
    assert case.tac == {THERAPIST: member}


def test_a_member_is_not_added_twice() -> None:
    case = given_team()
    with pytest.raises(NotAllowedNow) as refused:
        add(case, role="speech therapist")
    assert (refused.value.field, refused.value.rule) == ("practitioner_id", "not_on_tac")
    assert then(case) == []
    assert case.tac[THERAPIST].role == "physiotherapist"


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"role": " "}, "role", "required"),
        ({"role": "x" * 201}, "role", "max_length"),
        ({"channel": "pager"}, "channel", "one_of"),
    ],
)
def test_a_member_needs_a_role_and_a_known_channel(
    changes: dict[str, Any], field: str, rule: str
) -> None:
    case = given_active()
    with pytest.raises(InvalidValue) as refused:
        add(case, **changes)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert case.tac == {}


def test_no_member_joins_a_closed_case() -> None:
    with pytest.raises(NotAllowedNow) as refused:
        add(given_closed())
    assert refused.value.rule == "case_open"


def test_a_members_role_changes_and_the_rest_is_kept() -> None:
    case = given_team()
    case.change_tac_member(stamp(), practitioner_id=THERAPIST, role="lead physiotherapist")
    member = TacMember(THERAPIST, "lead physiotherapist", True, "email")
    assert then(case) == [("TacMemberChanged", {"member": member})]
    assert case.tac[THERAPIST] == member


def test_a_member_can_stop_receiving_plans_and_switch_to_letters() -> None:
    case = given_team()
    case.change_tac_member(
        stamp(), practitioner_id=THERAPIST, receives_plans=False, channel="letter"
    )
    assert case.tac[THERAPIST] == TacMember(THERAPIST, "physiotherapist", False, "letter")


@pytest.mark.parametrize(
    "changes",
    [{}, {"role": "physiotherapist"}, {"receives_plans": True, "channel": "email"}],
)
def test_a_change_that_changes_nothing_is_refused(changes: dict[str, Any]) -> None:
    case = given_team()
    with pytest.raises(InvalidValue) as refused:
        case.change_tac_member(stamp(), practitioner_id=THERAPIST, **changes)
    assert refused.value.rule == "a_change"
    assert then(case) == []


def test_a_change_to_a_blank_role_is_refused() -> None:
    case = given_team()
    with pytest.raises(InvalidValue) as refused:
        case.change_tac_member(stamp(), practitioner_id=THERAPIST, role="")
    assert refused.value.field == "role"


def test_a_member_leaves_the_team_with_a_reason() -> None:
    case = given_team()
    case.remove_tac_member(stamp(), practitioner_id=THERAPIST, reason="discharged from physio")
    assert then(case) == [
        ("TacMemberRemoved", {"practitioner_id": THERAPIST, "reason": "discharged from physio"})
    ]
    assert case.tac == {}


def test_leaving_the_team_needs_a_reason() -> None:
    case = given_team()
    with pytest.raises(InvalidValue):
        case.remove_tac_member(stamp(), practitioner_id=THERAPIST, reason=" ")
    assert THERAPIST in case.tac


def test_a_member_who_left_can_join_again() -> None:
    case = given_team()
    case.remove_tac_member(stamp(), practitioner_id=THERAPIST, reason="discharged")
    add(case, role="hydrotherapist")
    assert case.tac[THERAPIST].role == "hydrotherapist"


def test_the_key_worker_stays_in_the_team() -> None:
    case = given_active()
    add(case, PRACTITIONER, role="key worker")
    with pytest.raises(NotAllowedNow) as refused:
        case.remove_tac_member(stamp(), practitioner_id=PRACTITIONER, reason="tidying up")
    assert (refused.value.field, refused.value.rule) == ("practitioner_id", "key_worker_stays")
    assert PRACTITIONER in case.tac


def test_a_former_key_worker_can_leave_the_team_after_a_handover() -> None:
    case = given_active()
    add(case, PRACTITIONER, role="key worker")
    case.hand_over(
        stamp_on(TODAY),
        kind="designated",
        on=TODAY + timedelta(days=1),
        reason="moving job",
        to_practitioner_id=uuid4(),
    )
    case.remove_tac_member(
        stamp_on(TODAY + timedelta(days=2)), practitioner_id=PRACTITIONER, reason="left"
    )
    assert PRACTITIONER not in case.tac


def test_an_outgoing_key_worker_stays_in_the_team_until_their_overlap_ends() -> None:
    case = given_active()
    add(case, PRACTITIONER, role="key worker")
    case.hand_over(
        stamp_on(TODAY),
        kind="designated",
        on=TODAY + timedelta(days=1),
        overlap_until=TODAY + timedelta(days=10),
        reason="moving job",
        to_practitioner_id=uuid4(),
    )
    with pytest.raises(NotAllowedNow) as refused:
        case.remove_tac_member(
            stamp_on(TODAY + timedelta(days=5)), practitioner_id=PRACTITIONER, reason="left"
        )
    assert refused.value.rule == "key_worker_stays"
    case.remove_tac_member(
        stamp_on(TODAY + timedelta(days=11)), practitioner_id=PRACTITIONER, reason="left"
    )
    assert PRACTITIONER not in case.tac


@pytest.mark.parametrize("command", ["change", "remove"])
def test_an_unknown_member_cannot_be_changed_or_removed(command: str) -> None:
    case = given_team()
    stranger = uuid4()
    with pytest.raises(UnknownPart) as refused:
        if command == "change":
            case.change_tac_member(stamp(), practitioner_id=stranger, role="teacher")
        else:
            case.remove_tac_member(stamp(), practitioner_id=stranger, reason="never here")
    assert (refused.value.field, refused.value.rule) == ("practitioner_id", "on_tac")
    assert then(case) == []


def test_members_cannot_be_changed_or_removed_once_the_case_is_closed() -> None:
    case = given_team()
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    with pytest.raises(NotAllowedNow) as refused:
        case.change_tac_member(stamp(), practitioner_id=THERAPIST, role="teacher")
    assert refused.value.rule == "case_open"
    with pytest.raises(NotAllowedNow) as refused:
        case.remove_tac_member(stamp(), practitioner_id=THERAPIST, reason="closed")
    assert refused.value.rule == "case_open"
