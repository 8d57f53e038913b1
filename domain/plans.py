"""Family Support Plans: versions drafted, signed by a parent/carer (or, from 18, by the young
person themselves: domain/young_adults.py), then distributed.

A signed version is never edited: a change is a new version, which supersedes the older ones.
Each copy sent (or not) to a recipient is a fact of its own.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import MAX_NAME_LENGTH, CaseBase, Channel, UnknownPart
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import Stamp

PlanStatus = Literal["draft", "signed", "superseded"]


@dataclass(frozen=True)
class PlanAction:
    who: str
    what: str
    by: date


@dataclass(frozen=True)
class PlanCopy:
    recipient: str
    channel: Channel
    sent: bool
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class PlanVersion:
    summary: str
    outcomes: list[str]
    actions: list[PlanAction]
    status: PlanStatus = "draft"
    signed_by: str | None = None  # the parent/carer who signed
    signed_on: date | None = None
    copies: list[PlanCopy] = field(default_factory=list)
    signed_by_young_person: bool = False

    @property
    def signer(self) -> str | None:
        """Who signed, in words: the parent/carer, or the young person themselves."""
        return "the young person" if self.signed_by_young_person else self.signed_by

    def distribution(self) -> dict[str, PlanCopy]:
        """Each recipient's latest copy: a failed send followed by a good one counts as sent."""
        return {copy.recipient: copy for copy in self.copies}


class PlansPart(CaseBase):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        plans: dict[int, PlanVersion]

    def draft_plan(
        self, stamp: Stamp, *, summary: str, outcomes: list[str], actions: list[PlanAction]
    ) -> int:
        self._require_open()
        require_text("summary", summary)
        for index, outcome in enumerate(outcomes):
            require_text(f"outcomes[{index}]", outcome)
        for index, action in enumerate(actions):
            require_text(f"actions[{index}].who", action.who, MAX_NAME_LENGTH)
            require_text(f"actions[{index}].what", action.what)
        version = len(self.plans) + 1
        self._plan_drafted(
            stamp, plan_version=version, summary=summary, outcomes=outcomes, actions=actions
        )
        return version

    @event("PlanDrafted")
    def _plan_drafted(
        self,
        stamp: Stamp,
        plan_version: int,
        summary: str,
        outcomes: list[str],
        actions: list[PlanAction],
    ) -> None:
        self._supersede("draft")
        self.plans[plan_version] = PlanVersion(summary, outcomes, actions)

    def sign_plan(
        self,
        stamp: Stamp,
        *,
        plan_version: int,
        signed_on: date,
        signed_by: str | None = None,
        signed_by_young_person: bool = False,
    ) -> None:
        """Signed by a parent/carer with parental responsibility (`signed_by`), or by the young
        person themselves once they are 18."""
        self._require_open()
        plan = self._plan(plan_version)
        if plan.status != "draft":
            raise NotAllowedNow("plan_version", "draft_plan", f"that version is {plan.status}")
        if signed_by_young_person:
            if signed_by is not None:
                raise InvalidValue(
                    "signed_by", "not_for_young_person", "the young person signed: name no one"
                )
            self._require_young_adult("signed_by_young_person", signed_on)
        else:
            self._require_parental_responsibility(signed_by)
        if signed_on > stamp.recorded_at.date():
            raise InvalidValue("signed_on", "not_in_future", "signed_on is in the future")
        self._plan_signed(
            stamp,
            plan_version=plan_version,
            signed_by=signed_by,
            signed_on=signed_on,
            signed_by_young_person=signed_by_young_person,
        )

    def _require_parental_responsibility(self, signed_by: str | None) -> None:
        if signed_by is None:
            raise InvalidValue("signed_by", "missing", "name who signed")
        signer = self._require_family_member("signed_by", signed_by)
        if not signer.has_parental_responsibility:
            raise InvalidValue(
                "signed_by", "parental_responsibility", "the signer needs parental responsibility"
            )

    @event("PlanSigned")
    def _plan_signed(
        self,
        stamp: Stamp,
        plan_version: int,
        signed_by: str | None,
        signed_on: date,
        signed_by_young_person: bool,
    ) -> None:
        self._supersede("signed")
        self.plans[plan_version] = replace(
            self.plans[plan_version],
            status="signed",
            signed_by=signed_by,
            signed_on=signed_on,
            signed_by_young_person=signed_by_young_person,
        )

    def record_plan_copy(
        self,
        stamp: Stamp,
        *,
        plan_version: int,
        recipient: str,
        channel: Channel,
        sent: bool,
        reason: str | None = None,
    ) -> None:
        plan = self._plan(plan_version)
        if plan.signed_on is None:
            raise NotAllowedNow("plan_version", "signed_plan", "only a signed plan is distributed")
        require_text("recipient", recipient, MAX_NAME_LENGTH)
        require_choice("channel", channel, Channel)
        if sent:
            self._plan_copy_sent(
                stamp, plan_version=plan_version, recipient=recipient, channel=channel
            )
            return
        if reason is None:
            raise InvalidValue("reason", "required_for_failure", "say why the copy failed")
        require_text("reason", reason)
        self._plan_copy_failed(
            stamp, plan_version=plan_version, recipient=recipient, channel=channel, reason=reason
        )

    @event("PlanCopySent")
    def _plan_copy_sent(
        self, stamp: Stamp, plan_version: int, recipient: str, channel: Channel
    ) -> None:
        self._add_copy(plan_version, PlanCopy(recipient, channel, True, stamp.occurred_at))

    @event("PlanCopyFailed")
    def _plan_copy_failed(
        self, stamp: Stamp, plan_version: int, recipient: str, channel: Channel, reason: str
    ) -> None:
        self._add_copy(plan_version, PlanCopy(recipient, channel, False, stamp.occurred_at, reason))

    def plan(self, plan_version: int) -> PlanVersion:
        return self._plan(plan_version)

    def _plan(self, plan_version: int) -> PlanVersion:
        try:
            return self.plans[plan_version]
        except KeyError:
            raise UnknownPart(
                "plan_version", "known_plan_version", "no such plan version"
            ) from None

    def _add_copy(self, plan_version: int, copy: PlanCopy) -> None:
        plan = self.plans[plan_version]
        self.plans[plan_version] = replace(plan, copies=[*plan.copies, copy])

    def _supersede(self, status: PlanStatus) -> None:
        for version, plan in self.plans.items():
            if plan.status == status:
                self.plans[version] = replace(plan, status="superseded")


def _signed_v1_v2(state: dict[str, object]) -> None:
    """A plan signed before young people could sign their own was signed by a parent/carer."""
    state.setdefault("signed_by_young_person", False)


# PlanSigned gained who signed in its second version; stored first versions are upcast as they
# are read. The class is the one the event decorator made here, which is the one stored.
PlansPart.PlanSigned.class_version = 2  # type: ignore[attr-defined]
PlansPart.PlanSigned.upcast_v1_v2 = staticmethod(_signed_v1_v2)  # type: ignore[attr-defined]
