"""Corrections: a new event that supersedes a named earlier one. Nothing is ever edited.

What can be corrected: a contact (when it occurred, its kind, who took part, the note) and a Team
Around the Child member's details (role, receives plans, channel).
"""

from dataclasses import dataclass, fields, replace
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_text
from domain.case_base import CaseBase, Channel, UnknownPart
from domain.contacts import Contact, ContactKind, ContactsPart, check_contact
from domain.errors import InvalidValue, NotAllowedNow
from domain.functions import KeyWorkingFunction
from domain.stamp import Stamp
from domain.tac import TacMember, TacPart, check_tac_member

CONTACT_FIELDS = {"occurred_at", "kind", "participants", "note", "functions"}
TAC_FIELDS = {"role", "receives_plans", "channel"}


@dataclass(frozen=True)
class Replacement:
    """The corrected values; a field left None keeps the value being corrected."""

    occurred_at: datetime | None = None
    kind: ContactKind | None = None
    participants: list[str] | None = None
    note: str | None = None
    functions: list[KeyWorkingFunction] | None = None
    role: str | None = None
    receives_plans: bool | None = None
    channel: Channel | None = None

    def given(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


class CorrectionsPart(ContactsPart, TacPart, CaseBase):
    def correct(
        self, stamp: Stamp, *, corrects_event_id: UUID, reason: str, replacement: Replacement
    ) -> None:
        self._require_open()
        require_text("reason", reason)
        changes = replacement.given()
        if not changes:
            raise InvalidValue("replacement", "a_change", "give at least one corrected value")
        if corrects_event_id in self.contacts:
            _only(changes, CONTACT_FIELDS)
            contact = replace(self.contacts[corrects_event_id], **changes)  # type: ignore[arg-type]
            check_contact(contact, stamp.recorded_at)
            self._contact_corrected(
                stamp, corrects_event_id=corrects_event_id, reason=reason, contact=contact
            )
        elif corrects_event_id in self.tac_events:
            _only(changes, TAC_FIELDS)
            practitioner_id = self.tac_events[corrects_event_id]
            if practitioner_id not in self.tac:
                raise NotAllowedNow(
                    "corrects_event_id", "still_on_tac", "that member has left the team"
                )
            member = replace(self.tac[practitioner_id], **changes)  # type: ignore[arg-type]
            check_tac_member(member)
            self._tac_member_corrected(
                stamp, corrects_event_id=corrects_event_id, reason=reason, member=member
            )
        else:
            raise UnknownPart(
                "corrects_event_id", "correctable_event", "no contact or TAC change with that id"
            )

    @event("ContactCorrected")
    def _contact_corrected(
        self, stamp: Stamp, corrects_event_id: UUID, reason: str, contact: Contact
    ) -> None:
        self.contacts[corrects_event_id] = contact

    @event("TacMemberCorrected")
    def _tac_member_corrected(
        self, stamp: Stamp, corrects_event_id: UUID, reason: str, member: TacMember
    ) -> None:
        self.tac[member.practitioner_id] = member


def _only(changes: dict[str, object], allowed: set[str]) -> None:
    for name in changes:
        if name not in allowed:
            raise InvalidValue(
                f"replacement.{name}", "not_for_this_event", f"{name} is not part of it"
            )
