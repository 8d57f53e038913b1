"""Which of a case's events belong in its chronology: the milestones of every case, and any
other event a key worker or manager marks as significant, with why it matters."""

from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_text
from domain.case_base import CaseBase, UnknownPart
from domain.errors import NotAllowedNow
from domain.stamp import Stamp, event_id

# The milestones: in every case's chronology without being marked.
MILESTONES = frozenset(
    {
        "Referred",
        "FamilyMet",
        "EligibilityDecided",
        "EligibilityOverridden",
        "KeyWorkerAllocated",
        "KeyWorkerHandedOver",
        "ServiceAgreementSigned",
        "ReviewHeld",
        "PlanSigned",
        "ConsentWithdrawn",
        "ConsentOverridden",
        "TransferAgreed",
        "TransitionPlanned",
        "Closed",
        "ClosureAudited",
        "Reopened",
    }
)


class SignificancePart(CaseBase):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        significant: dict[UUID, str]  # an event's id → why it matters

    def mark_significant(self, stamp: Stamp, *, marked_event_id: UUID, reason: str) -> None:
        require_text("reason", reason)
        # An event of this case is one of its versions so far (the ids are derived from them).
        known = {event_id(self.id, version) for version in range(1, self.version + 1)}
        if marked_event_id not in known:
            raise UnknownPart("marked_event_id", "event_of_the_case", "no event of this case")
        if marked_event_id in self.significant:
            raise NotAllowedNow(
                "marked_event_id", "not_yet_marked", "that event is already marked significant"
            )
        self._marked_significant(stamp, marked_event_id=marked_event_id, reason=reason)

    @event("EventMarkedSignificant")
    def _marked_significant(self, stamp: Stamp, marked_event_id: UUID, reason: str) -> None:
        self.significant[marked_event_id] = reason
