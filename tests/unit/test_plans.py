from datetime import timedelta
from typing import Any

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.eligibility import NORFOLK_RULES
from domain.errors import InvalidValue, NotAllowedNow
from domain.plans import PlanAction, PlanCopy, PlanVersion
from tests.unit.story import NOW, TODAY, mother, refer, stamp, then

GRANDMOTHER = mother(
    name="Pat Parent", relationship="grandmother", has_parental_responsibility=False
)
ACTION = PlanAction("Physio", "weekly hydrotherapy", TODAY + timedelta(days=30))


def given_case() -> Case:
    case = refer(family=[mother(), GRANDMOTHER])
    case.collect_events()
    return case


def draft(case: Case, summary: str = "Plan after the first review") -> int:
    return case.draft_plan(stamp(), summary=summary, outcomes=["Sam swims"], actions=[ACTION])


def sign(case: Case, plan_version: int, signed_by: str = "Alex Parent") -> None:
    case.sign_plan(stamp(), plan_version=plan_version, signed_by=signed_by, signed_on=TODAY)


def given_signed() -> Case:
    case = given_case()
    sign(case, draft(case))
    case.collect_events()
    return case


def copy(case: Case, plan_version: int = 1, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "plan_version": plan_version,
        "recipient": "Physio",
        "channel": "email",
        "sent": True,
    }
    case.record_plan_copy(stamp(), **(fields | changes))


def test_drafts_are_numbered_from_one() -> None:
    case = given_case()
    assert draft(case) == 1
    assert then(case) == [
        (
            "PlanDrafted",
            {
                "plan_version": 1,
                "summary": "Plan after the first review",
                "outcomes": ["Sam swims"],
                "actions": [ACTION],
            },
        )
    ]
    assert draft(case, "Second thoughts") == 2
    assert draft(case, "Third thoughts") == 3
    assert list(case.plans) == [1, 2, 3]
    assert case.plan(2).summary == "Second thoughts"


def test_a_newer_draft_supersedes_an_older_draft() -> None:
    case = given_case()
    draft(case)
    draft(case, "Second thoughts")
    assert case.plan(1).status == "superseded"
    assert case.plan(2).status == "draft"


def test_a_plan_needs_a_summary_and_well_formed_actions() -> None:
    case = given_case()
    with pytest.raises(InvalidValue) as refused:
        case.draft_plan(stamp(), summary=" ", outcomes=[], actions=[])
    assert refused.value.field == "summary"
    with pytest.raises(InvalidValue) as refused:
        case.draft_plan(stamp(), summary="ok", outcomes=[], actions=[PlanAction("", "x", TODAY)])
    assert refused.value.field == "actions[0].who"
    assert case.plans == {}


def test_a_parent_with_parental_responsibility_signs_the_plan() -> None:
    case = given_case()
    version = draft(case)
    case.collect_events()
    sign(case, version)
    assert then(case) == [
        (
            "PlanSigned",
            {
                "plan_version": 1,
                "signed_by": "Alex Parent",
                "signed_on": TODAY,
                "signed_by_young_person": False,
            },
        )
    ]
    signed = case.plan(1)
    assert (signed.status, signed.signed_by, signed.signed_on) == ("signed", "Alex Parent", TODAY)


def test_a_family_member_without_parental_responsibility_cannot_sign() -> None:
    case = given_case()
    version = draft(case)
    case.collect_events()
    with pytest.raises(InvalidValue) as refused:
        sign(case, version, signed_by="Pat Parent")
    assert (refused.value.field, refused.value.rule) == ("signed_by", "parental_responsibility")
    assert then(case) == []
    assert case.plan(1).status == "draft"


def test_a_practitioner_cannot_sign_the_plan() -> None:
    case = given_case()
    version = draft(case)
    with pytest.raises(InvalidValue) as refused:
        sign(case, version, signed_by="Dr Who")
    assert (refused.value.field, refused.value.rule) == ("signed_by", "family_member")
    assert case.plan(1).signed_by is None


def test_a_plan_cannot_be_signed_in_the_future() -> None:
    case = given_case()
    version = draft(case)
    with pytest.raises(InvalidValue) as refused:
        case.sign_plan(
            stamp(), plan_version=version, signed_by="Alex Parent", signed_on=TODAY + timedelta(1)
        )
    assert (refused.value.field, refused.value.rule) == ("signed_on", "not_in_future")


def test_a_signed_version_cannot_be_signed_again() -> None:
    case = given_signed()
    with pytest.raises(NotAllowedNow) as refused:
        sign(case, 1)
    assert (refused.value.field, refused.value.rule) == ("plan_version", "draft_plan")
    assert then(case) == []


def test_a_superseded_draft_cannot_be_signed() -> None:
    case = given_case()
    draft(case)
    draft(case, "Second thoughts")
    with pytest.raises(NotAllowedNow) as refused:
        sign(case, 1)
    assert refused.value.rule == "draft_plan"


def test_a_new_draft_leaves_the_signed_version_in_force() -> None:
    case = given_signed()
    draft(case, "Second thoughts")
    assert case.plan(1).status == "signed"
    assert case.plan(2).status == "draft"


def test_signing_version_two_supersedes_the_signed_version_one() -> None:
    case = given_signed()
    sign(case, draft(case, "Second thoughts"))
    assert case.plan(1).status == "superseded"
    assert case.plan(1).signed_by == "Alex Parent"  # who signed it stays a fact
    assert case.plan(2).status == "signed"


def test_a_copy_sent_to_each_recipient_is_a_fact_of_its_own() -> None:
    case = given_signed()
    copy(case)
    copy(case, recipient="Alex Parent", channel="letter")
    assert then(case) == [
        ("PlanCopySent", {"plan_version": 1, "recipient": "Physio", "channel": "email"}),
        ("PlanCopySent", {"plan_version": 1, "recipient": "Alex Parent", "channel": "letter"}),
    ]
    assert case.plan(1).distribution() == {
        "Physio": PlanCopy("Physio", "email", True, NOW),
        "Alex Parent": PlanCopy("Alex Parent", "letter", True, NOW),
    }


def test_a_failed_copy_says_why() -> None:
    case = given_signed()
    copy(case, sent=False, reason="mailbox full")
    assert then(case) == [
        (
            "PlanCopyFailed",
            {
                "plan_version": 1,
                "recipient": "Physio",
                "channel": "email",
                "reason": "mailbox full",
            },
        )
    ]
    assert case.plan(1).distribution()["Physio"].sent is False


@pytest.mark.parametrize("reason", [None, " "])
def test_a_failed_copy_without_a_reason_is_refused(reason: str | None) -> None:
    case = given_signed()
    with pytest.raises(InvalidValue) as refused:
        copy(case, sent=False, reason=reason)
    assert refused.value.field == "reason"
    assert case.plan(1).copies == []


def test_a_good_copy_after_a_failed_one_counts_as_sent() -> None:
    case = given_signed()
    copy(case, sent=False, reason="bounced")
    copy(case, channel="letter")
    assert case.plan(1).distribution() == {"Physio": PlanCopy("Physio", "letter", True, NOW)}
    assert len(case.plan(1).copies) == 2


def test_copies_are_kept_per_version() -> None:
    case = given_signed()
    copy(case)
    sign(case, draft(case, "Second thoughts"))
    copy(case, 2, recipient="Alex Parent")
    assert set(case.plan(1).distribution()) == {"Physio"}
    assert set(case.plan(2).distribution()) == {"Alex Parent"}


def test_only_a_signed_version_is_distributed() -> None:
    case = given_case()
    draft(case)
    case.collect_events()
    with pytest.raises(NotAllowedNow) as refused:
        copy(case)
    assert (refused.value.field, refused.value.rule) == ("plan_version", "signed_plan")
    assert then(case) == []


def test_a_copy_to_an_unknown_channel_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        copy(given_signed(), channel="fax")
    assert refused.value.field == "channel"


def test_the_final_plan_is_distributed_after_closure() -> None:
    case = given_signed()
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", final_plan_version=1, family_agreed=True)
    copy(case)
    assert set(case.plan(1).distribution()) == {"Physio"}


@pytest.mark.parametrize("command", ["sign", "copy", "read"])
def test_an_unknown_version_is_an_unknown_part(command: str) -> None:
    case = given_signed()
    with pytest.raises(UnknownPart) as refused:
        if command == "sign":
            sign(case, 2)
        elif command == "copy":
            copy(case, 2)
        else:
            case.plan(0)
    assert (refused.value.field, refused.value.rule) == ("plan_version", "known_plan_version")
    assert then(case) == []


def test_no_plan_is_drafted_or_signed_on_a_closed_case() -> None:
    case = given_case()
    version = draft(case)
    case.close(stamp(), NORFOLK_RULES, reason="family_withdrew")
    with pytest.raises(NotAllowedNow):
        draft(case)
    with pytest.raises(NotAllowedNow):
        sign(case, version)
    assert case.plans == {1: PlanVersion("Plan after the first review", ["Sam swims"], [ACTION])}
