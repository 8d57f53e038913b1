"""The Team Around the Child: the professionals who work with the child and family.

The key worker and the parents are always on the distribution list; these are the others, each
with whether they receive plans and invites, and how.
"""

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import MAX_NAME_LENGTH, Channel, UnknownPart
from domain.errors import InvalidValue, NotAllowedNow
from domain.key_workers import KeyWorkerPart
from domain.stamp import Stamp


@dataclass(frozen=True)
class TacMember:
    practitioner_id: UUID
    role: str
    receives_plans: bool
    channel: Channel


def check_tac_member(member: TacMember) -> None:
    require_text("role", member.role, MAX_NAME_LENGTH)
    require_choice("channel", member.channel, Channel)


class TacPart(KeyWorkerPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        tac: dict[UUID, TacMember]
        tac_events: dict[UUID, UUID]  # the event that set a TAC member's details → practitioner

    def add_tac_member(
        self,
        stamp: Stamp,
        *,
        practitioner_id: UUID,
        role: str,
        receives_plans: bool,
        channel: Channel,
    ) -> None:
        self._require_open()
        if practitioner_id in self.tac:
            raise NotAllowedNow(
                "practitioner_id", "not_on_tac", "already in the Team Around the Child"
            )
        member = TacMember(practitioner_id, role, receives_plans, channel)
        check_tac_member(member)
        self._tac_member_added(stamp, member=member)

    @event("TacMemberAdded")
    def _tac_member_added(self, stamp: Stamp, member: TacMember) -> None:
        self._set_tac_member(member)

    def change_tac_member(
        self,
        stamp: Stamp,
        *,
        practitioner_id: UUID,
        role: str | None = None,
        receives_plans: bool | None = None,
        channel: Channel | None = None,
    ) -> None:
        current = self._require_tac_member(practitioner_id)
        changed = replace(
            current,
            role=current.role if role is None else role,
            receives_plans=current.receives_plans if receives_plans is None else receives_plans,
            channel=current.channel if channel is None else channel,
        )
        if changed == current:
            raise InvalidValue(
                "role", "a_change", "give a role, receives_plans or channel to change"
            )
        check_tac_member(changed)
        self._tac_member_changed(stamp, member=changed)

    @event("TacMemberChanged")
    def _tac_member_changed(self, stamp: Stamp, member: TacMember) -> None:
        self._set_tac_member(member)

    def remove_tac_member(self, stamp: Stamp, *, practitioner_id: UUID, reason: str) -> None:
        self._require_tac_member(practitioner_id)
        today = stamp.occurred_at.date()
        if any(
            k.practitioner_id == practitioner_id and (k.until is None or k.until >= today)
            for k in self.key_workers
        ):
            raise NotAllowedNow("practitioner_id", "key_worker_stays", "the key worker stays on")
        require_text("reason", reason)
        self._tac_member_removed(stamp, practitioner_id=practitioner_id, reason=reason)

    @event("TacMemberRemoved")
    def _tac_member_removed(self, stamp: Stamp, practitioner_id: UUID, reason: str) -> None:
        del self.tac[practitioner_id]

    def _set_tac_member(self, member: TacMember) -> None:
        self.tac[member.practitioner_id] = member
        self.tac_events[self._applying_event_id()] = member.practitioner_id

    def _require_tac_member(self, practitioner_id: UUID) -> TacMember:
        self._require_open()
        try:
            return self.tac[practitioner_id]
        except KeyError:
            raise UnknownPart(
                "practitioner_id", "on_tac", "not in the Team Around the Child"
            ) from None
