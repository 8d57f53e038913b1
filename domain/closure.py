"""Closing a case, the practice supervisor's audit of every closure, and reopening.

Lincolnshire's ending: "if a review meeting identifies that there are no remaining unmet needs or
if the young person has reached the age of 18 years then in agreement with parents a decision can
be confirmed to close ... The final Family Support Plan should be completed and once signed by
parents, forwarded to ESCO Business Support who will then distribute the plan with closure
letters." So a planned ending records the family's agreement (or why it was not possible), the
final plan once a plan has been signed (or why there is none), and may name the review at which
it was agreed; an ending for age needs the child to have reached the area's age limit.

A closed case can be reopened within a window the service sets ("leave the door open"); after it,
a new referral makes a new case linked to this one.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal, TypedDict, Unpack
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import ClosureReason, UnknownPart
from domain.contacts import ContactsPart
from domain.eligibility import RuleSet
from domain.errors import InvalidValue, NotAllowedNow
from domain.plans import PlansPart
from domain.reviews import Review
from domain.stamp import Stamp
from domain.transfers import TransferPart

AuditOutcome = Literal["good", "requires_improvement", "inadequate"]
# A closure is audited within four weeks: a local standard, not one the seeds set.
AUDIT_DUE_DAYS = 28
REOPEN_WINDOW_DAYS = 180  # the default an area's service may change
# A referral within a year of the child's earlier case closing is a return to the service: the
# referrer is shown that case, and the metrics count it (returns_within_12_months).
RETURN_WINDOW_DAYS = 365
# What a new referral for the same child does about this case: it is still open, so work it;
# it closed within the reopen window, so reopen it; or refer, naming it as `previous_case_id`.
NextStep = Literal["work_the_case", "reopen", "refer_naming_previous_case"]
# The endings agreed with the family; the others are the family's own choice (family_withdrew),
# a declined referral, or a move, agreed when the move was.
PLANNED_ENDINGS = frozenset({"needs_met", "age_limit", "adult_services"})


class Ending(TypedDict, total=False):
    """How an ending was agreed, besides its reason: each left out is not known."""

    final_plan_version: int | None
    why_no_final_plan: str | None  # sealed
    family_agreed: bool | None
    why_not_agreed: str | None  # sealed
    agreed_at_review_id: UUID | None


def audit_due_on(closed_on: date) -> date:
    """The last day on which a closure's audit is on time."""
    return closed_on + timedelta(days=AUDIT_DUE_DAYS)


class ClosurePart(ContactsPart, TransferPart, PlansPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        closure_reason: ClosureReason | None
        closed_on: date | None
        closure_audited: bool
        # Read, not owned: the reviews (domain/reviews.py).
        reviews: dict[UUID, Review]

        def has_reached_age_limit(self, day: date, rules: RuleSet) -> bool:
            """Whether the child has reached the area's age limit on `day` (domain/case.py)."""

    def close(
        self, stamp: Stamp, rules: RuleSet, *, reason: ClosureReason, **ending: Unpack[Ending]
    ) -> None:
        """Closes the case under the area's `rules` (its age limit)."""
        self._require_open()
        require_choice("reason", reason, ClosureReason)
        if reason == "not_eligible" and self.status != "not_eligible":
            raise NotAllowedNow(
                "reason", "declined_decision_first", "the case has no declined eligibility decision"
            )
        if reason == "moved_out_of_area":
            moving = self.transfer
            if (
                moving is None
                or not moving.out_of_area
                or stamp.occurred_at.date() < moving.move_on
            ):
                raise NotAllowedNow(
                    "reason", "out_of_area_move_first", "no out-of-area move has happened"
                )
        self._require_family_agreement_or_why_not(
            reason, ending.get("family_agreed"), ending.get("why_not_agreed")
        )
        if reason == "age_limit":
            self._require_age_limit_reached(stamp.occurred_at.date(), rules)
        self._require_final_plan_or_why_not(
            ending.get("final_plan_version"), ending.get("why_no_final_plan")
        )
        review_id = ending.get("agreed_at_review_id")
        if review_id is not None:
            self._require_held_review(review_id)
        self._closed(stamp, reason=reason, **ending)

    def _require_age_limit_reached(self, day: date, rules: RuleSet) -> None:
        if not self.has_reached_age_limit(day, rules):
            raise NotAllowedNow(
                "reason", "age_limit_reached", "the child has not reached the area's age limit"
            )

    def _require_final_plan_or_why_not(
        self, final_plan_version: int | None, why_no_final_plan: str | None
    ) -> None:
        if final_plan_version is not None:
            plan = self.plans.get(final_plan_version)
            if plan is None or plan.status != "signed":
                raise InvalidValue(
                    "final_plan_version",
                    "current_signed_plan",
                    "the final plan is the signed version in force",
                )
            if why_no_final_plan is not None:
                raise InvalidValue(
                    "why_no_final_plan", "without_final_plan", "there is a final plan"
                )
            return
        if why_no_final_plan is not None:
            require_text("why_no_final_plan", why_no_final_plan)
        elif any(plan.status != "draft" for plan in self.plans.values()):
            raise NotAllowedNow(
                "final_plan_version",
                "final_plan_or_why_not",
                "a plan was signed: name the final plan, or say why there is none",
            )

    def _require_family_agreement_or_why_not(
        self, reason: ClosureReason, family_agreed: bool | None, why_not_agreed: str | None
    ) -> None:
        if family_agreed is None and reason in PLANNED_ENDINGS:
            raise InvalidValue(
                "family_agreed",
                "required_for_a_planned_ending",
                "say whether the family agreed to the ending",
            )
        if family_agreed is False:
            if not (why_not_agreed or "").strip():
                raise InvalidValue(
                    "why_not_agreed",
                    "required_without_agreement",
                    "say why the family did not agree to the ending",
                )
            require_text("why_not_agreed", why_not_agreed or "")
        elif why_not_agreed is not None:
            raise InvalidValue("why_not_agreed", "without_agreement", "the family agreed")

    def _require_held_review(self, review_id: UUID) -> None:
        review = self.reviews.get(review_id)
        if review is None:
            raise UnknownPart("agreed_at_review_id", "review_of_the_case", "no such review")
        if review.status != "held":
            raise NotAllowedNow(
                "agreed_at_review_id", "held_review", "the ending is agreed at a review held"
            )

    @event("Closed")
    def _closed(
        self,
        stamp: Stamp,
        reason: ClosureReason,
        final_plan_version: int | None = None,
        why_no_final_plan: str | None = None,
        family_agreed: bool | None = None,
        why_not_agreed: str | None = None,
        agreed_at_review_id: UUID | None = None,
    ) -> None:
        closed_on = stamp.occurred_at.date()
        self._end_key_working(closed_on)
        self.status = "closed"
        self.closure_reason = reason
        self.closed_on = closed_on
        self.closure_audited = False
        self.contact_every_days = None
        self.agreement_signed_on = None
        self.transfer = None

    def audit_closure(self, stamp: Stamp, *, outcome: AuditOutcome, findings: str) -> None:
        if self.status != "closed":
            raise NotAllowedNow("status", "closed_first", "only a closed case is audited")
        if self.closure_audited:
            raise NotAllowedNow("status", "audited_once", "this closure has been audited")
        require_choice("outcome", outcome, AuditOutcome)
        require_text("findings", findings)
        self._closure_audited(stamp, outcome=outcome, findings=findings)

    @event("ClosureAudited")
    def _closure_audited(self, stamp: Stamp, outcome: AuditOutcome, findings: str) -> None:
        self.closure_audited = True

    def is_closure_audit_overdue(self, today: date) -> bool:
        if self.status != "closed" or self.closure_audited or self.closed_on is None:
            return False
        return today > audit_due_on(self.closed_on)

    def next_step(self, day: date, window_days: int) -> NextStep:
        """What a new referral for this case's child should do about this case on `day`."""
        if self.status != "closed":
            return "work_the_case"
        return "reopen" if self.may_reopen(day, window_days) else "refer_naming_previous_case"

    def may_reopen(self, day: date, window_days: int) -> bool:
        return (
            self.status == "closed"
            and self.closed_on is not None
            and day <= self.closed_on + timedelta(days=window_days)
        )

    def reopen(self, stamp: Stamp, *, reason: str, window_days: int) -> None:
        if self.status != "closed":
            raise NotAllowedNow("status", "closed_first", "only a closed case can be reopened")
        if not self.may_reopen(stamp.occurred_at.date(), window_days):
            raise NotAllowedNow(
                "status", "within_reopen_window", "the reopen window has passed: refer again"
            )
        require_text("reason", reason)
        self._reopened(stamp, reason=reason)

    @event("Reopened")
    def _reopened(self, stamp: Stamp, reason: str) -> None:
        self.status = "eligible" if self.eligible else "referred"
        self.closure_reason = None
        self.closed_on = None
