"""Use cases on who works with the family: the key worker (allocation, handover, cover) and the
Team Around the Child. Each practitioner named must be in post."""

from datetime import date
from uuid import UUID

from domain.case import Case
from domain.case_base import Channel
from domain.key_workers import KeyWorkerKind
from domain.start import Answer
from services.cases import CaseCommands
from services.commands import Command, Outcome


class KeyWorkingCommands(CaseCommands):
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
        return self._on_case(
            command,
            case_id,
            Case.allocate_key_worker,
            kind=kind,
            from_date=from_date,
            practitioner_id=practitioner_id,
            parent_carer_name=parent_carer_name,
        )

    def meet_the_family(
        self,
        command: Command,
        case_id: UUID,
        *,
        met_on: date,
        priorities: list[str],
        planning_meeting_needed: bool,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.meet_the_family,
            met_on=met_on,
            priorities=priorities,
            planning_meeting_needed=planning_meeting_needed,
        )

    def approach_key_worker(
        self,
        command: Command,
        case_id: UUID,
        *,
        practitioner_id: UUID,
        answer: Answer,
        reason: str | None = None,
    ) -> Outcome:
        self.require_in_post(practitioner_id, "practitioner_id")
        return self._on_case(
            command,
            case_id,
            Case.approach_key_worker,
            practitioner_id=practitioner_id,
            answer=answer,
            reason=reason,
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
        return self._on_case(
            command,
            case_id,
            Case.hand_over,
            kind=kind,
            on=on,
            reason=reason,
            to_practitioner_id=to_practitioner_id,
            parent_carer_name=parent_carer_name,
            overlap_until=overlap_until,
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
        return self._on_case(
            command,
            case_id,
            Case.arrange_cover,
            practitioner_id=practitioner_id,
            from_date=from_date,
            until=until,
            reason=reason,
        )

    def end_cover(
        self, command: Command, case_id: UUID, *, on: date | None = None, reason: str | None = None
    ) -> Outcome:
        """Ends the cover in place on `on`, by default the day the command happened."""
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.end_cover(
                stamp, on=on or stamp.occurred_at.date(), reason=reason
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
        channel: Channel,
    ) -> Outcome:
        self.require_in_post(practitioner_id, "practitioner_id")
        return self._on_case(
            command,
            case_id,
            Case.add_tac_member,
            practitioner_id=practitioner_id,
            role=role,
            receives_plans=receives_plans,
            channel=channel,
        )

    def change_tac_member(
        self,
        command: Command,
        case_id: UUID,
        *,
        practitioner_id: UUID,
        role: str | None = None,
        receives_plans: bool | None = None,
        channel: Channel | None = None,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.change_tac_member,
            practitioner_id=practitioner_id,
            role=role,
            receives_plans=receives_plans,
            channel=channel,
        )

    def remove_tac_member(
        self, command: Command, case_id: UUID, *, practitioner_id: UUID, reason: str
    ) -> Outcome:
        return self._on_case(
            command, case_id, Case.remove_tac_member, practitioner_id=practitioner_id, reason=reason
        )
