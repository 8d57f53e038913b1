"""Use cases on review meetings: scheduling, reports received before the meeting, what it
decided, and the outcome scores given at it."""

from datetime import date, datetime
from uuid import UUID

from domain.case import Case
from domain.reviews import RequestedBy
from domain.stamp import event_id
from services.cases import CaseCommands
from services.commands import Command, Outcome


class ReviewCommands(CaseCommands):
    def schedule_review(
        self,
        command: Command,
        case_id: UUID,
        *,
        at: datetime,
        location: str,
        requested_by: RequestedBy | None = None,
    ) -> tuple[UUID, Outcome]:
        """Schedules a review whose id is that of the event scheduling it, so a replay finds it.

        Unless said otherwise, a key worker asked for it if one schedules it, else a coordinator.
        """
        requester = requested_by or (
            "key_worker" if command.role == "key_worker" else "coordinator"
        )
        outcome = self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.schedule_review(
                stamp,
                review_id=event_id(case.id, case.version + 1),
                at=at,
                location=location,
                requested_by=requester,
            ),
        )
        return outcome.event_ids[0], outcome

    def reschedule_review(
        self, command: Command, case_id: UUID, *, review_id: UUID, at: datetime, reason: str
    ) -> Outcome:
        return self._on_case(
            command, case_id, Case.reschedule_review, review_id=review_id, at=at, reason=reason
        )

    def forward_review_reports(
        self, command: Command, case_id: UUID, *, review_id: UUID
    ) -> Outcome:
        return self._on_case(command, case_id, Case.forward_review_reports, review_id=review_id)

    def cancel_review(
        self, command: Command, case_id: UUID, *, review_id: UUID, reason: str
    ) -> Outcome:
        return self._on_case(
            command, case_id, Case.cancel_review, review_id=review_id, reason=reason
        )

    def receive_review_report(
        self,
        command: Command,
        case_id: UUID,
        *,
        review_id: UUID,
        from_practitioner_id: UUID,
        title: str,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.receive_review_report,
            review_id=review_id,
            from_practitioner_id=from_practitioner_id,
            title=title,
        )

    def record_review_outcome(
        self,
        command: Command,
        case_id: UUID,
        *,
        review_id: UUID,
        attendees: list[str],
        child_views: str,
        decisions: list[str],
        next_review_on: date,
        key_worker_confirmed: bool,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.record_review_outcome,
            review_id=review_id,
            attendees=attendees,
            child_views=child_views,
            decisions=decisions,
            next_review_on=next_review_on,
            key_worker_confirmed=key_worker_confirmed,
        )

    def measure_outcomes(
        self, command: Command, case_id: UUID, review_id: UUID, scores: dict[str, int]
    ) -> Outcome:
        """On the area's outcome measure."""
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.measure_outcomes(
                stamp,
                review_id=review_id,
                scores=scores,
                measure=self.areas.settings_for(case.area).outcome_measure,
            ),
        )
