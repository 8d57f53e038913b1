"""Closing a case, the practice supervisor's audit of every closure, and reopening.

A closed case can be reopened within a window the service sets ("leave the door open"); after it,
a new referral makes a new case linked to this one.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import ClosureReason
from domain.contacts import ContactsPart
from domain.errors import InvalidValue, NotAllowedNow
from domain.plans import PlansPart
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


def audit_due_on(closed_on: date) -> date:
    """The last day on which a closure's audit is on time."""
    return closed_on + timedelta(days=AUDIT_DUE_DAYS)


class ClosurePart(ContactsPart, TransferPart, PlansPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        closure_reason: ClosureReason | None
        closed_on: date | None
        closure_audited: bool

    def close(
        self, stamp: Stamp, *, reason: ClosureReason, final_plan_version: int | None = None
    ) -> None:
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
        if final_plan_version is not None:
            plan = self.plans.get(final_plan_version)
            if plan is None or plan.status != "signed":
                raise InvalidValue(
                    "final_plan_version",
                    "current_signed_plan",
                    "the final plan is the signed version in force",
                )
        self._closed(stamp, reason=reason, final_plan_version=final_plan_version)

    @event("Closed")
    def _closed(self, stamp: Stamp, reason: ClosureReason, final_plan_version: int | None) -> None:
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
