"""Review meetings: scheduled (by whom, or at the family's request), reports received, held."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import MAX_NAME_LENGTH, UnknownPart
from domain.errors import InvalidValue, NotAllowedNow
from domain.schedule import Told, is_overdue
from domain.stamp import Stamp
from domain.tac import TacPart

RequestedBy = Literal["key_worker", "coordinator", "family"]
# "Shortly before the review meeting": the days before it that its reports go to the key worker,
# unless configured otherwise (a local choice).
REPORTS_FORWARDED_DAYS_BEFORE = 3
ReviewStatus = Literal["scheduled", "held", "cancelled"]


@dataclass(frozen=True)
class ReviewReport:
    from_practitioner_id: UUID
    title: str
    received_at: datetime


@dataclass(frozen=True)
class Review:
    at: datetime
    location: str
    requested_by: RequestedBy
    status: ReviewStatus = "scheduled"
    reports: list[ReviewReport] = field(default_factory=list)
    reports_forwarded: int = 0  # how many of the reports have gone to the key worker


class ReviewsPart(TacPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        reviews: dict[UUID, Review]
        next_review_on: date | None
        review_overdue_flags: set[str]  # "<due date>/<who was told>"

    def schedule_review(
        self,
        stamp: Stamp,
        *,
        review_id: UUID,
        at: datetime,
        location: str,
        requested_by: RequestedBy,
    ) -> None:
        self._require_open()
        require_text("location", location, MAX_NAME_LENGTH)
        require_choice("requested_by", requested_by, RequestedBy)
        self._review_scheduled(
            stamp, review_id=review_id, at=at, location=location, requested_by=requested_by
        )

    @event("ReviewScheduled")
    def _review_scheduled(
        self, stamp: Stamp, review_id: UUID, at: datetime, location: str, requested_by: RequestedBy
    ) -> None:
        self.reviews[review_id] = Review(at, location, requested_by)

    def forward_review_reports(self, stamp: Stamp, *, review_id: UUID) -> None:
        """Lincolnshire: "Reports received by ESCO Business Support will be forwarded to the
        Non-Designated Key Worker shortly before the review meeting". Forwards those received
        since the last forwarding."""
        review = self._require_scheduled(review_id)
        if len(review.reports) == review.reports_forwarded:
            raise NotAllowedNow("review_id", "reports_to_forward", "no report is left to forward")
        self._review_reports_forwarded(stamp, review_id=review_id, reports=len(review.reports))

    @event("ReviewReportsForwarded")
    def _review_reports_forwarded(self, stamp: Stamp, review_id: UUID, reports: int) -> None:
        self.reviews[review_id] = replace(self.reviews[review_id], reports_forwarded=reports)

    def reschedule_review(
        self, stamp: Stamp, *, review_id: UUID, at: datetime, reason: str
    ) -> None:
        self._require_scheduled(review_id)
        require_text("reason", reason)
        self._review_rescheduled(stamp, review_id=review_id, at=at, reason=reason)

    @event("ReviewRescheduled")
    def _review_rescheduled(self, stamp: Stamp, review_id: UUID, at: datetime, reason: str) -> None:
        self.reviews[review_id] = replace(self.reviews[review_id], at=at)

    def cancel_review(self, stamp: Stamp, *, review_id: UUID, reason: str) -> None:
        self._require_scheduled(review_id)
        require_text("reason", reason)
        self._review_cancelled(stamp, review_id=review_id, reason=reason)

    @event("ReviewCancelled")
    def _review_cancelled(self, stamp: Stamp, review_id: UUID, reason: str) -> None:
        self.reviews[review_id] = replace(self.reviews[review_id], status="cancelled")

    def receive_review_report(
        self, stamp: Stamp, *, review_id: UUID, from_practitioner_id: UUID, title: str
    ) -> None:
        self._require_scheduled(review_id)
        if from_practitioner_id not in self.tac:
            raise InvalidValue(
                "from_practitioner_id",
                "tac_member",
                "reports come from Team Around the Child members",
            )
        require_text("title", title, MAX_NAME_LENGTH)
        self._review_report_received(
            stamp, review_id=review_id, from_practitioner_id=from_practitioner_id, title=title
        )

    @event("ReviewReportReceived")
    def _review_report_received(
        self, stamp: Stamp, review_id: UUID, from_practitioner_id: UUID, title: str
    ) -> None:
        review = self.reviews[review_id]
        report = ReviewReport(from_practitioner_id, title, stamp.occurred_at)
        self.reviews[review_id] = replace(review, reports=[*review.reports, report])

    def record_review_outcome(
        self,
        stamp: Stamp,
        *,
        review_id: UUID,
        attendees: list[str],
        child_views: str,
        decisions: list[str],
        next_review_on: date,
        key_worker_confirmed: bool,
    ) -> None:
        self._require_scheduled(review_id)
        for index, attendee in enumerate(attendees):
            require_text(f"attendees[{index}]", attendee, MAX_NAME_LENGTH)
        require_text("child_views", child_views)
        for index, decision in enumerate(decisions):
            require_text(f"decisions[{index}]", decision)
        if next_review_on <= stamp.occurred_at.date():
            raise InvalidValue("next_review_on", "after_this_review", "the next review is later")
        self._review_held(
            stamp,
            review_id=review_id,
            attendees=attendees,
            child_views=child_views,
            decisions=decisions,
            next_review_on=next_review_on,
            key_worker_confirmed=key_worker_confirmed,
        )

    @event("ReviewHeld")
    def _review_held(
        self,
        stamp: Stamp,
        review_id: UUID,
        attendees: list[str],
        child_views: str,
        decisions: list[str],
        next_review_on: date,
        key_worker_confirmed: bool,
    ) -> None:
        self.reviews[review_id] = replace(self.reviews[review_id], status="held")
        self.next_review_on = next_review_on

    def next_review(self) -> date | None:
        """The day of the next scheduled meeting, or else the date the last review set."""
        scheduled = [r.at.date() for r in self.reviews.values() if r.status == "scheduled"]
        return min(scheduled) if scheduled else self.next_review_on

    def is_review_overdue(self, today: date) -> bool:
        return is_overdue(self.next_review(), today)

    def flag_review_overdue(self, stamp: Stamp, *, due_on: date, told: Told) -> None:
        """Records, once per due date and per person told, that the next review is overdue: a
        meeting whose day has passed without its outcome, or none held by the date the last
        review set."""
        self._require_open()
        due = self.next_review()
        if due != due_on or not is_overdue(due, stamp.occurred_at.date()):
            raise NotAllowedNow("due_on", "review_overdue", "no review is overdue for that date")
        if f"{due_on}/{told}" in self.review_overdue_flags:
            raise NotAllowedNow("due_on", "flagged_once", "that overdue review is flagged")
        self._review_overdue(stamp, due_on=due_on, told=told)

    @event("ReviewOverdue")
    def _review_overdue(self, stamp: Stamp, due_on: date, told: Told) -> None:
        self.review_overdue_flags.add(f"{due_on}/{told}")

    def _require_scheduled(self, review_id: UUID) -> Review:
        self._require_open()
        review = self.reviews.get(review_id)
        if review is None:
            raise UnknownPart("review_id", "known_review", "the case has no such review")
        if review.status != "scheduled":
            raise NotAllowedNow("review_id", "scheduled_review", f"the review is {review.status}")
        return review
