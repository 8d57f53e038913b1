"""Commands and reads for a child's case.

Most commands need nothing from the application but load, decide and save: they go through
`update_case` with the domain method to call. The methods here are the ones that also consult
something beyond the case: the area's rule set, the practitioners, earlier cases, settings.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.aggregate import KeyworkAggregate
from domain.case import Case, Child, Referrer, Route
from domain.case_base import Channel, FamilyMember
from domain.closure import REOPEN_WINDOW_DAYS
from domain.contacts import Told
from domain.directory import Practitioner
from domain.eligibility import EligibilityFacts
from domain.errors import NotAllowedNow
from domain.feedback import Occasion
from domain.key_workers import KeyWorkerKind
from domain.outcomes import OutcomeMeasure
from domain.plans import PlanAction
from domain.reviews import RequestedBy
from domain.stamp import Stamp, event_id
from domain.transfers import Transfer
from services.application import KeyworkApplication
from services.commands import Command, NotFound, Outcome


class CaseCommands(KeyworkApplication):
    reopen_window_days: int = REOPEN_WINDOW_DAYS
    outcome_measure: OutcomeMeasure = OutcomeMeasure()

    def update_case(
        self, command: Command, case_id: UUID, decide: Callable[[Case, Stamp], Any]
    ) -> Outcome:
        return self.change(command, Case, case_id, decide)

    def refer(
        self,
        command: Command,
        *,
        area: str,
        route: Route,
        referrer: Referrer,
        child: Child,
        family: list[FamilyMember],
        needs: list[str],
        consent_to_share: bool,
        previous_case_id: UUID | None = None,
    ) -> Outcome:
        self.areas.rules_for(area)
        if referrer.practitioner_id is not None:
            self.require_known(Practitioner, referrer.practitioner_id, "referrer.practitioner_id")
        if previous_case_id is not None:
            self._require_past_reopening(previous_case_id)
        return self.create(
            command,
            lambda stamp: Case.refer(
                stamp,
                area=area,
                route=route,
                referrer=referrer,
                child=child,
                family=family,
                needs=needs,
                consent_to_share=consent_to_share,
                previous_case_id=previous_case_id,
            ),
        )

    def decide_eligibility(
        self, command: Command, case_id: UUID, facts: EligibilityFacts
    ) -> Outcome:
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.decide_eligibility(
                stamp, self.areas.rules_for(case.area), facts
            ),
        )

    def allocate_key_worker(
        self,
        command: Command,
        case_id: UUID,
        *,
        kind: KeyWorkerKind,
        from_date: date,
        practitioner_id: UUID | None = None,
        parent_carer_name: str | None = None,
    ) -> Outcome:
        self.require_in_post(practitioner_id, "practitioner_id")
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.allocate_key_worker(
                stamp,
                kind=kind,
                from_date=from_date,
                practitioner_id=practitioner_id,
                parent_carer_name=parent_carer_name,
            ),
        )

    def hand_over(
        self,
        command: Command,
        case_id: UUID,
        *,
        kind: KeyWorkerKind,
        on: date,
        reason: str,
        to_practitioner_id: UUID | None = None,
        parent_carer_name: str | None = None,
        overlap_until: date | None = None,
    ) -> Outcome:
        self.require_in_post(to_practitioner_id, "to_practitioner_id")
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.hand_over(
                stamp,
                kind=kind,
                on=on,
                reason=reason,
                to_practitioner_id=to_practitioner_id,
                parent_carer_name=parent_carer_name,
                overlap_until=overlap_until,
            ),
        )

    def arrange_cover(
        self,
        command: Command,
        case_id: UUID,
        *,
        practitioner_id: UUID,
        from_date: date,
        until: date,
        reason: str,
    ) -> Outcome:
        self.require_in_post(practitioner_id, "practitioner_id")
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.arrange_cover(
                stamp,
                practitioner_id=practitioner_id,
                from_date=from_date,
                until=until,
                reason=reason,
            ),
        )

    def add_tac_member(
        self,
        command: Command,
        case_id: UUID,
        *,
        practitioner_id: UUID,
        role: str,
        receives_plans: bool,
        channel: Any,
    ) -> Outcome:
        self.require_in_post(practitioner_id, "practitioner_id")
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.add_tac_member(
                stamp,
                practitioner_id=practitioner_id,
                role=role,
                receives_plans=receives_plans,
                channel=channel,
            ),
        )

    def schedule_review(
        self,
        command: Command,
        case_id: UUID,
        *,
        at: datetime,
        location: str,
        requested_by: RequestedBy,
    ) -> tuple[UUID, Outcome]:
        """Schedules a review whose id is that of the event scheduling it, so a replay finds it."""
        outcome = self.update_case(
            command,
            case_id,
            lambda case, stamp: case.schedule_review(
                stamp,
                review_id=event_id(case.id, case.version + 1),
                at=at,
                location=location,
                requested_by=requested_by,
            ),
        )
        return outcome.event_ids[0], outcome

    def draft_plan(
        self,
        command: Command,
        case_id: UUID,
        *,
        summary: str,
        outcomes: list[str],
        actions: list[PlanAction],
    ) -> tuple[int, Outcome]:
        outcome = self.update_case(
            command,
            case_id,
            lambda case, stamp: case.draft_plan(
                stamp, summary=summary, outcomes=outcomes, actions=actions
            ),
        )
        [drafted] = self.events.get(case_id, gt=outcome.version - 1, lte=outcome.version)
        return int(vars(drafted)["plan_version"]), outcome

    def agree_transfer(self, command: Command, case_id: UUID, *, transfer: Transfer) -> Outcome:
        if not transfer.out_of_area:
            self.areas.rules_for(transfer.to_area)
        return self.update_case(
            command, case_id, lambda case, stamp: case.agree_transfer(stamp, transfer=transfer)
        )

    def reopen_case(self, command: Command, case_id: UUID, *, reason: str) -> Outcome:
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.reopen(
                stamp, reason=reason, window_days=self.reopen_window_days
            ),
        )

    def measure_outcomes(
        self, command: Command, case_id: UUID, review_id: UUID, scores: dict[str, int]
    ) -> Outcome:
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.measure_outcomes(
                stamp, review_id=review_id, scores=scores, measure=self.outcome_measure
            ),
        )

    def record_plan_copy(
        self,
        command: Command,
        case_id: UUID,
        *,
        plan_version: int,
        recipient: str,
        channel: Channel,
        sent: bool,
        reason: str | None = None,
    ) -> Outcome:
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.record_plan_copy(
                stamp,
                plan_version=plan_version,
                recipient=recipient,
                channel=channel,
                sent=sent,
                reason=reason,
            ),
        )

    def flag_contact_overdue(
        self, command: Command, case_id: UUID, *, due_on: date, told: Told
    ) -> Outcome:
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.flag_contact_overdue(stamp, due_on=due_on, told=told),
        )

    def record_feedback_invitation(
        self, command: Command, case_id: UUID, *, occasion: Occasion, emailed: int, posted: int
    ) -> Outcome:
        return self.update_case(
            command,
            case_id,
            lambda case, stamp: case.record_feedback_invitation(
                stamp, occasion=occasion, emailed=emailed, posted=posted
            ),
        )

    def case(self, case_id: UUID) -> Case:
        return self.load(Case, case_id)

    def timeline(self, case_id: UUID) -> Sequence[KeyworkAggregate.Event]:
        """The case's events, read once; a stream that is not a case's is not found."""
        events = [e for e in self.events.get(case_id) if isinstance(e, KeyworkAggregate.Event)]
        if not events or not isinstance(events[0], Case.Referred):  # type: ignore[attr-defined]
            raise NotFound("case")
        return events

    def _require_past_reopening(self, previous_case_id: UUID) -> None:
        previous = self.require_known(Case, previous_case_id, "previous_case_id")
        if previous.status != "closed":
            raise NotAllowedNow("previous_case_id", "closed_case", "the earlier case is open")
        if previous.may_reopen(self.clock().date(), self.reopen_window_days):
            raise NotAllowedNow(
                "previous_case_id", "reopen_instead", "the earlier case can still be reopened"
            )
