"""Commands and reads for a child's case: one method per use case."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from domain.case import (
    Case,
    Child,
    ClosureReason,
    ContactKind,
    FamilyMember,
    KeyWorkerKind,
    Referrer,
    Route,
)
from domain.directory import Practitioner
from domain.eligibility import EligibilityFacts
from services.application import KeyworkApplication
from services.commands import Command, Outcome


class CaseCommands(KeyworkApplication):
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
    ) -> Outcome:
        self.areas.rules_for(area)
        if referrer.practitioner_id is not None:
            self.require_known(Practitioner, referrer.practitioner_id, "referrer.practitioner_id")
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
            ),
        )

    def decide_eligibility(
        self, command: Command, case_id: UUID, facts: EligibilityFacts
    ) -> Outcome:
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.decide_eligibility(
                stamp, self.areas.rules_for(case.area), facts
            ),
        )

    def override_eligibility(
        self, command: Command, case_id: UUID, *, accepted: bool, reason: str
    ) -> Outcome:
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.override_eligibility(stamp, accepted, reason),
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
        if practitioner_id is not None:
            self.require_known(Practitioner, practitioner_id, "practitioner_id")
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.allocate_key_worker(
                stamp,
                kind=kind,
                from_date=from_date,
                practitioner_id=practitioner_id,
                parent_carer_name=parent_carer_name,
            ),
        )

    def sign_service_agreement(
        self,
        command: Command,
        case_id: UUID,
        *,
        contact_every_days: int,
        signed_by: str,
        signed_on: date,
    ) -> Outcome:
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.sign_service_agreement(
                stamp,
                contact_every_days=contact_every_days,
                signed_by=signed_by,
                signed_on=signed_on,
            ),
        )

    def record_contact(
        self,
        command: Command,
        case_id: UUID,
        *,
        kind: ContactKind,
        participants: list[str],
        note: str | None = None,
    ) -> Outcome:
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.record_contact(
                stamp, kind=kind, participants=participants, note=note
            ),
        )

    def close_case(
        self,
        command: Command,
        case_id: UUID,
        *,
        reason: ClosureReason,
        final_plan_version: int | None = None,
    ) -> Outcome:
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.close(
                stamp, reason=reason, final_plan_version=final_plan_version
            ),
        )

    def reopen_case(self, command: Command, case_id: UUID, *, reason: str) -> Outcome:
        return self.change(
            command, Case, case_id, lambda case, stamp: case.reopen(stamp, reason=reason)
        )

    def case(self, case_id: UUID) -> Case:
        return self.load(Case, case_id)

    def timeline(self, case_id: UUID) -> Sequence[Case.Event]:
        self.load(Case, case_id)
        return [event for event in self.events.get(case_id) if isinstance(event, Case.Event)]
