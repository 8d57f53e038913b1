"""Agencies and the practitioners who work for them."""

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import KeyworkAggregate, require_choice, require_text
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import Stamp
from domain.supervision import MAX_ACTIONS, Supervision, SupervisionKind, last_held, next_due

Sector = Literal["health", "education", "social_care", "housing", "voluntary", "other"]
# The courses a service records for its key workers. The research brief asks that "the service
# manager's role should include inducting key workers, organising ongoing training"; which
# courses, and that a non-designated key worker has the induction, are local choices.
Course = Literal["key_working_induction", "early_support", "safeguarding"]
MOST_PROTECTED_HOURS = 40


@dataclass(frozen=True)
class Training:
    course: Course
    completed_on: date
    expires_on: date | None  # None: it does not expire

    def current_on(self, day: date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)


class Agency(KeyworkAggregate):
    @classmethod
    def register(cls, stamp: Stamp, name: str, sector: Sector) -> "Agency":
        require_text("name", name, 200)
        require_choice("sector", sector, Sector)
        return cls(stamp, name, sector)

    @event("AgencyRegistered")
    def __init__(self, stamp: Stamp, name: str, sector: Sector) -> None:
        self.name = name
        self.sector = sector


class Practitioner(KeyworkAggregate):
    @classmethod
    def register(
        cls,
        stamp: Stamp,
        *,
        name: str,
        role_title: str,
        agency_id: UUID,
        email: str | None = None,
        phone: str | None = None,
        postal_address: str | None = None,
        team_id: str | None = None,
    ) -> "Practitioner":
        require_text("name", name, 200)
        require_text("role_title", role_title, 200)
        return cls(stamp, name, role_title, agency_id, email, phone, postal_address, team_id)

    @event("PractitionerRegistered")
    def __init__(
        self,
        stamp: Stamp,
        name: str,
        role_title: str,
        agency_id: UUID,
        email: str | None,
        phone: str | None,
        postal_address: str | None,
        team_id: str | None,
    ) -> None:
        self.name = name
        self.role_title = role_title
        self.agency_id = agency_id
        self.email = email
        self.phone = phone
        self.postal_address = postal_address
        self.team_id = team_id
        self.registered_on = stamp.occurred_at.date()
        self.left_on: date | None = None
        self.training: list[Training] = []
        self.supervision: list[Supervision] = []
        self.protected_hours_per_week: float | None = None

    def change_contact_details(
        self, stamp: Stamp, *, email: str | None, phone: str | None, postal_address: str | None
    ) -> None:
        self._require_in_post()
        if (email, phone, postal_address) == (self.email, self.phone, self.postal_address):
            raise InvalidValue("email", "a_change", "the contact details are unchanged")
        self._contact_details_changed(
            stamp, email=email, phone=phone, postal_address=postal_address
        )

    @event("PractitionerContactDetailsChanged")
    def _contact_details_changed(
        self, stamp: Stamp, email: str | None, phone: str | None, postal_address: str | None
    ) -> None:
        self.email = email
        self.phone = phone
        self.postal_address = postal_address

    def agree_protected_time(self, stamp: Stamp, *, hours_per_week: float) -> None:
        """The time their employing agency agrees they keep for key working. The research brief:
        "Non-designated key workers should have protected time to undertake the key worker role
        effectively ... Time commitments of the role should be recognised and agreed between the
        service and the agencies that provide key workers"."""
        self._require_in_post()
        if not 0 <= hours_per_week <= MOST_PROTECTED_HOURS:
            raise InvalidValue(
                "hours_per_week", "between_0_and_40", "hours_per_week must be between 0 and 40"
            )
        self._protected_time_agreed(stamp, hours_per_week=hours_per_week)

    @event("ProtectedTimeAgreed")
    def _protected_time_agreed(self, stamp: Stamp, hours_per_week: float) -> None:
        self.protected_hours_per_week = hours_per_week

    def leave_agency(self, stamp: Stamp, *, on: date, reason: str) -> None:
        self._require_in_post()
        require_text("reason", reason)
        self._left_agency(stamp, on=on, reason=reason)

    @event("PractitionerLeftAgency")
    def _left_agency(self, stamp: Stamp, on: date, reason: str) -> None:
        self.left_on = on

    def record_training(
        self, stamp: Stamp, *, course: Course, completed_on: date, expires_on: date | None
    ) -> None:
        self._require_in_post()
        require_choice("course", course, Course)
        if completed_on > stamp.recorded_at.date():
            raise InvalidValue("completed_on", "not_in_future", "completed_on is in the future")
        if expires_on is not None and expires_on <= completed_on:
            raise InvalidValue("expires_on", "after_completed_on", "it expires after completion")
        self._training_completed(stamp, training=Training(course, completed_on, expires_on))

    @event("TrainingCompleted")
    def _training_completed(self, stamp: Stamp, training: Training) -> None:
        self.training.append(training)

    def trained_on(self, course: Course, day: date) -> bool:
        """Whether a completion of `course` is current on `day`."""
        return any(t.course == course and t.current_on(day) for t in self.training)

    def record_supervision(
        self,
        stamp: Stamp,
        *,
        held_on: date,
        kind: SupervisionKind,
        supervisor_id: UUID,
        cases_discussed: list[UUID],
        actions: list[str],
    ) -> None:
        self._require_in_post()
        require_choice("kind", kind, SupervisionKind)
        if held_on > stamp.recorded_at.date():
            raise InvalidValue("held_on", "not_in_future", "held_on is in the future")
        if supervisor_id == self.id:
            raise InvalidValue("supervisor_id", "someone_else", "a supervisor is someone else")
        if len(set(cases_discussed)) != len(cases_discussed):
            raise InvalidValue("cases_discussed", "unique", "name each case once")
        if len(actions) > MAX_ACTIONS:
            raise InvalidValue("actions", "at_most_20", "agree at most 20 actions a session")
        for index, action in enumerate(actions):
            require_text(f"actions[{index}]", action)
        session = Supervision(held_on, kind, supervisor_id, list(cases_discussed), list(actions))
        self._supervision_recorded(stamp, session=session)

    @event("SupervisionRecorded")
    def _supervision_recorded(self, stamp: Stamp, session: Supervision) -> None:
        self.supervision.append(session)

    def supervision_due(self, day: date, every_days: int) -> date:
        return next_due(last_held(self.supervision, day), self.registered_on, every_days)

    def _require_in_post(self) -> None:
        if self.left_on is not None:
            raise NotAllowedNow("practitioner_id", "in_post", "the practitioner has left")
