"""Commands and reads for agencies and practitioners."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.case import Case
from domain.directory import Agency, Course, Practitioner, Sector
from domain.supervision import SupervisionKind
from services.application import KeyworkApplication
from services.commands import Command, Outcome


class DirectoryCommands(KeyworkApplication):
    def register_agency(self, command: Command, *, name: str, sector: Sector) -> Outcome:
        return self.create(command, lambda stamp: Agency.register(stamp, name, sector))

    def register_practitioner(
        self,
        command: Command,
        *,
        name: str,
        role_title: str,
        agency_id: UUID,
        email: str | None = None,
        phone: str | None = None,
        postal_address: str | None = None,
        team_id: str | None = None,
    ) -> Outcome:
        self.require_known(Agency, agency_id, "agency_id")
        return self.create(
            command,
            lambda stamp: Practitioner.register(
                stamp,
                name=name,
                role_title=role_title,
                agency_id=agency_id,
                email=email,
                phone=phone,
                postal_address=postal_address,
                team_id=team_id,
            ),
        )

    def _on_practitioner(
        self, command: Command, practitioner_id: UUID, decision: Callable[..., Any], **fields: Any
    ) -> Outcome:
        """Loads the practitioner, calls the domain's `decision` with `fields`, saves them."""
        return self.change(
            command,
            Practitioner,
            practitioner_id,
            lambda practitioner, stamp: decision(practitioner, stamp, **fields),
        )

    def change_contact_details(
        self,
        command: Command,
        practitioner_id: UUID,
        *,
        email: str | None,
        phone: str | None,
        postal_address: str | None,
    ) -> Outcome:
        return self._on_practitioner(
            command,
            practitioner_id,
            Practitioner.change_contact_details,
            email=email,
            phone=phone,
            postal_address=postal_address,
        )

    def agree_protected_time(
        self, command: Command, practitioner_id: UUID, *, hours_per_week: float
    ) -> Outcome:
        return self._on_practitioner(
            command,
            practitioner_id,
            Practitioner.agree_protected_time,
            hours_per_week=hours_per_week,
        )

    def leave_agency(
        self, command: Command, practitioner_id: UUID, *, on: date, reason: str
    ) -> Outcome:
        return self._on_practitioner(
            command, practitioner_id, Practitioner.leave_agency, on=on, reason=reason
        )

    def record_training(
        self,
        command: Command,
        practitioner_id: UUID,
        *,
        course: Course,
        completed_on: date,
        expires_on: date | None,
    ) -> Outcome:
        return self._on_practitioner(
            command,
            practitioner_id,
            Practitioner.record_training,
            course=course,
            completed_on=completed_on,
            expires_on=expires_on,
        )

    def record_supervision(
        self,
        command: Command,
        practitioner_id: UUID,
        *,
        held_on: date,
        kind: SupervisionKind,
        supervisor_id: UUID,
        cases_discussed: list[UUID],
        actions: list[str],
    ) -> Outcome:
        self.require_in_post(supervisor_id, "supervisor_id")
        for index, case_id in enumerate(cases_discussed):
            self.require_known(Case, case_id, f"cases_discussed[{index}]")
        return self._on_practitioner(
            command,
            practitioner_id,
            Practitioner.record_supervision,
            held_on=held_on,
            kind=kind,
            supervisor_id=supervisor_id,
            cases_discussed=cases_discussed,
            actions=actions,
        )

    def practitioner(self, practitioner_id: UUID) -> Practitioner:
        return self.load(Practitioner, practitioner_id)

    def agency(self, agency_id: UUID) -> Agency:
        return self.load(Agency, agency_id)
