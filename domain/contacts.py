"""The service agreement (how often the key worker is in touch, how long key working is expected
to last and how it will end), and the contacts made with the family."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import MAX_NAME_LENGTH
from domain.errors import InvalidValue, NotAllowedNow
from domain.functions import KeyWorkingFunction, check_functions
from domain.key_workers import KeyWorkerPart
from domain.schedule import Told, is_overdue, next_contact_due
from domain.stamp import Stamp

ContactKind = Literal["home_visit", "phone", "text", "email", "meeting", "school_visit", "other"]
MAX_CONTACT_EVERY_DAYS = 365
MAX_EXPECTED_DURATION_MONTHS = 300  # 25 years: from birth to the oldest age key working covers


@dataclass(frozen=True)
class Contact:
    occurred_at: datetime
    kind: ContactKind
    participants: list[str]
    note: str | None
    functions: list[KeyWorkingFunction] = field(default_factory=list)


def check_contact(contact: Contact, recorded_at: datetime) -> None:
    require_choice("kind", contact.kind, ContactKind)
    if contact.occurred_at > recorded_at:
        raise InvalidValue("occurred_at", "not_in_future", "occurred_at is in the future")
    for index, participant in enumerate(contact.participants):
        require_text(f"with[{index}]", participant, MAX_NAME_LENGTH)
    if contact.note is not None:
        require_text("note", contact.note)
    check_functions(contact.functions)


class ContactsPart(KeyWorkerPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        contact_every_days: int | None
        agreement_signed_on: date | None
        expected_duration_months: int | None
        exit_plan: str | None
        contacts: dict[UUID, Contact]
        overdue_flags: set[str]  # "<due date>/<who was told>"

    def sign_service_agreement(
        self,
        stamp: Stamp,
        *,
        contact_every_days: int,
        signed_by: str,
        signed_on: date,
        expected_duration_months: int | None = None,
        exit_plan: str | None = None,
    ) -> None:
        """The guide: "Be clear with families from the start about how long key working will
        last", with "strategies for exiting" (the exit plan, sealed)."""
        self._require_open()
        if not self.key_workers:
            raise NotAllowedNow("status", "key_worker_first", "allocate a key worker first")
        if not 1 <= contact_every_days <= MAX_CONTACT_EVERY_DAYS:
            raise InvalidValue(
                "contact_every_days", "between_1_and_365", "contact_every_days must be 1-365"
            )
        self._require_family_member("signed_by", signed_by)
        if signed_on > stamp.recorded_at.date():
            raise InvalidValue("signed_on", "not_in_future", "signed_on is in the future")
        if expected_duration_months is not None and not (
            1 <= expected_duration_months <= MAX_EXPECTED_DURATION_MONTHS
        ):
            raise InvalidValue(
                "expected_duration_months",
                "between_1_and_300",
                "expected_duration_months must be 1-300",
            )
        if exit_plan is not None:
            require_text("exit_plan", exit_plan)
        self._service_agreement_signed(
            stamp,
            contact_every_days=contact_every_days,
            signed_by=signed_by,
            signed_on=signed_on,
            expected_duration_months=expected_duration_months,
            exit_plan=exit_plan,
        )

    @event("ServiceAgreementSigned")
    def _service_agreement_signed(
        self,
        stamp: Stamp,
        contact_every_days: int,
        signed_by: str,
        signed_on: date,
        expected_duration_months: int | None,
        exit_plan: str | None,
    ) -> None:
        self.contact_every_days = contact_every_days
        self.agreement_signed_on = signed_on
        self.expected_duration_months = expected_duration_months
        self.exit_plan = exit_plan

    def record_contact(
        self,
        stamp: Stamp,
        *,
        kind: ContactKind,
        participants: list[str],
        note: str | None,
        functions: list[KeyWorkingFunction] | None = None,
    ) -> None:
        self._require_open()
        contact = Contact(stamp.occurred_at, kind, participants, note, functions or [])
        check_contact(contact, stamp.recorded_at)
        self._contact_recorded(
            stamp, kind=kind, participants=participants, note=note, functions=contact.functions
        )

    @event("ContactRecorded")
    def _contact_recorded(
        self,
        stamp: Stamp,
        kind: ContactKind,
        participants: list[str],
        note: str | None,
        # Contacts recorded before functions were asked for have none.
        functions: list[KeyWorkingFunction] | None = None,
    ) -> None:
        contact = Contact(stamp.occurred_at, kind, participants, note, functions or [])
        self.contacts[self._applying_event_id()] = contact

    def flag_contact_overdue(self, stamp: Stamp, *, due_on: date, told: Told) -> None:
        """Records, once per due date and per person told, that the next contact is overdue."""
        self._require_open()
        due = self.next_contact_due()
        if due != due_on or not is_overdue(due, stamp.occurred_at.date()):
            raise NotAllowedNow("due_on", "contact_overdue", "no contact is overdue for that date")
        if f"{due_on}/{told}" in self.overdue_flags:
            raise NotAllowedNow("due_on", "flagged_once", "that overdue contact is flagged")
        self._contact_overdue(stamp, due_on=due_on, told=told)

    @event("ContactOverdue")
    def _contact_overdue(self, stamp: Stamp, due_on: date, told: Told) -> None:
        self.overdue_flags.add(f"{due_on}/{told}")

    @property
    def last_contact_at(self) -> datetime | None:
        # Contacts are often recorded days later and out of order: the latest by when it occurred.
        return max((c.occurred_at for c in self.contacts.values()), default=None)

    def next_contact_due(self) -> date | None:
        if self.contact_every_days is None or self.agreement_signed_on is None:
            return None
        last = self.last_contact_at
        return next_contact_due(
            last.date() if last else None, self.agreement_signed_on, self.contact_every_days
        )

    def is_contact_overdue(self, today: date) -> bool:
        return is_overdue(self.next_contact_due(), today)
