"""Who the key worker is: allocation, handover with an optional overlap, and absence cover.

A key worker is a practitioner (designated, or non-designated: in another role), a parent/carer,
or, from 18, the young person themselves (domain/young_adults.py).

Each key worker holds the role for a period (inclusive dates); a handover ends the current
period the day before the new one starts, or at the end of an agreed overlap, when both are key
workers. Cover is a period too, and ends by itself on its last day.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import CaseBase
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import Stamp

KeyWorkerKind = Literal["designated", "non_designated", "parent_carer", "young_person"]


@dataclass(frozen=True)
class KeyWorker:
    kind: KeyWorkerKind
    from_date: date
    practitioner_id: UUID | None = None
    parent_carer_name: str | None = None
    until: date | None = None  # the last day in the role; None while it goes on

    def on(self, day: date) -> bool:
        return self.from_date <= day and (self.until is None or day <= self.until)

    def is_same_person(self, other: "KeyWorker") -> bool:
        return (self.practitioner_id, self.parent_carer_name) == (
            other.practitioner_id,
            other.parent_carer_name,
        )


@dataclass(frozen=True)
class Cover:
    practitioner_id: UUID
    from_date: date
    until: date
    reason: str

    def on(self, day: date) -> bool:
        return self.from_date <= day <= self.until


def handover_last_day(on: date, overlap_until: date | None) -> date:
    """The outgoing key worker's last day: the end of the agreed overlap, or else the day before
    the incoming one starts (`on`)."""
    return overlap_until if overlap_until is not None else on - timedelta(days=1)


def cover_last_day(ended_on: date) -> date:
    """The last day of a cover ended early on `ended_on`: from that day there is none."""
    return ended_on - timedelta(days=1)


class KeyWorkerPart(CaseBase):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        key_workers: list[KeyWorker]
        covers: list[Cover]

    def allocate_key_worker(
        self,
        stamp: Stamp,
        *,
        kind: KeyWorkerKind,
        from_date: date,
        practitioner_id: UUID | None = None,
        parent_carer_name: str | None = None,
    ) -> None:
        self._require_open()
        if self.current_key_worker() is not None:
            raise NotAllowedNow(
                "kind", "one_key_worker", "a key worker is already in place: use a handover"
            )
        if self.status != "eligible":
            raise NotAllowedNow("status", "eligible_first", "the case has not been accepted")
        worker = self._check_key_worker(kind, from_date, practitioner_id, parent_carer_name)
        if from_date < self.referred_at.date():
            raise InvalidValue("from", "not_before_referral", "from is before the referral")
        # After a reopening, the earlier key working (ended at the closure) is history: a new
        # allocation cannot start inside it.
        if any(k.until is not None and k.until >= from_date for k in self.key_workers):
            raise InvalidValue(
                "from", "after_earlier_key_working", "from is within an earlier key worker's period"
            )
        self._key_worker_allocated(stamp, key_worker=worker)

    @event("KeyWorkerAllocated")
    def _key_worker_allocated(self, stamp: Stamp, key_worker: KeyWorker) -> None:
        self.key_workers.append(key_worker)
        self.status = "active"

    def hand_over(
        self,
        stamp: Stamp,
        *,
        kind: KeyWorkerKind,
        on: date,
        reason: str,
        to_practitioner_id: UUID | None = None,
        parent_carer_name: str | None = None,
        overlap_until: date | None = None,
    ) -> None:
        self._require_open()
        current = self.current_key_worker()
        if current is None:
            raise NotAllowedNow("kind", "key_worker_first", "there is no key worker to hand over")
        incoming = self._check_key_worker(
            kind, on, to_practitioner_id, parent_carer_name, "to_practitioner_id"
        )
        if incoming.is_same_person(current):
            raise InvalidValue(
                "to_practitioner_id", "different_key_worker", "that is the key worker"
            )
        if on <= current.from_date:
            raise InvalidValue("on", "after_current_start", "on must be after the current start")
        if any(k.until is not None and k.until >= on for k in self.key_workers):
            raise NotAllowedNow("on", "overlap_in_progress", "an earlier overlap has not ended")
        if overlap_until is not None and overlap_until < on:
            raise InvalidValue(
                "overlap_until", "not_before_on", "the overlap ends before it starts"
            )
        require_text("reason", reason)
        self._key_worker_handed_over(
            stamp, incoming=incoming, on=on, overlap_until=overlap_until, reason=reason
        )

    @event("KeyWorkerHandedOver")
    def _key_worker_handed_over(
        self,
        stamp: Stamp,
        incoming: KeyWorker,
        on: date,
        overlap_until: date | None,
        reason: str,
    ) -> None:
        outgoing = self.key_workers[-1]
        self.key_workers[-1] = replace(outgoing, until=handover_last_day(on, overlap_until))
        self.key_workers.append(incoming)

    def arrange_cover(
        self, stamp: Stamp, *, practitioner_id: UUID, from_date: date, until: date, reason: str
    ) -> None:
        self._require_open()
        if self.current_key_worker() is None:
            raise NotAllowedNow("practitioner_id", "key_worker_first", "there is no key worker")
        if until < from_date:
            raise InvalidValue("until", "not_before_from", "the cover ends before it starts")
        current = self.current_key_worker()
        if current is None or from_date < current.from_date:
            raise InvalidValue("from", "within_key_working", "cover starts before the key worker")
        if any(
            k.practitioner_id == practitioner_id
            and k.from_date <= until
            and (k.until is None or from_date <= k.until)
            for k in self.key_workers
        ):
            raise InvalidValue("practitioner_id", "not_the_key_worker", "covers someone else")
        if any(c.from_date <= until and from_date <= c.until for c in self.covers):
            raise NotAllowedNow("from", "one_cover_at_a_time", "another cover overlaps this one")
        require_text("reason", reason)
        self._cover_arranged(
            stamp,
            cover=Cover(
                practitioner_id=practitioner_id, from_date=from_date, until=until, reason=reason
            ),
        )

    @event("CoverArranged")
    def _cover_arranged(self, stamp: Stamp, cover: Cover) -> None:
        self.covers.append(cover)

    def end_cover(self, stamp: Stamp, *, on: date, reason: str | None = None) -> None:
        """Ends early the cover in place on `on`: from that day there is none."""
        self._require_open()
        cover = self.cover_on(on)
        if cover is None:
            raise NotAllowedNow("on", "cover_in_place", "there is no cover on that day")
        if reason is not None:
            require_text("reason", reason)
        self._cover_ended(stamp, on=on, reason=reason)

    @event("CoverEnded")
    def _cover_ended(self, stamp: Stamp, on: date, reason: str | None) -> None:
        self.covers = [replace(c, until=cover_last_day(on)) if c.on(on) else c for c in self.covers]

    def current_key_worker(self) -> KeyWorker | None:
        """The latest key worker still in the role (the incoming one during an overlap)."""
        if self.key_workers and self.key_workers[-1].until is None:
            return self.key_workers[-1]
        return None

    def key_workers_on(self, day: date) -> list[KeyWorker]:
        return [worker for worker in self.key_workers if worker.on(day)]

    def cover_on(self, day: date) -> Cover | None:
        return next((cover for cover in self.covers if cover.on(day)), None)

    def acting_on(self, day: date) -> list[KeyWorker | Cover]:
        """Who acts as the key worker on `day`, and so is told and contacted: the cover while
        one is in place (the key worker is away), else the key workers. The guide asks for
        "formal arrangements for covering the absence of key working practitioners"."""
        cover = self.cover_on(day)
        return [cover] if cover is not None else list(self.key_workers_on(day))

    def _end_key_working(self, last_day: date) -> None:
        self.key_workers = [
            replace(k, until=last_day) if k.until is None or k.until > last_day else k
            for k in self.key_workers
            if k.from_date <= last_day
        ]
        self.covers = [
            replace(c, until=last_day) if c.until > last_day else c
            for c in self.covers
            if c.from_date <= last_day
        ]

    def _check_key_worker(
        self,
        kind: KeyWorkerKind,
        from_date: date,
        practitioner_id: UUID | None,
        parent_carer_name: str | None,
        practitioner_field: str = "practitioner_id",
    ) -> KeyWorker:
        require_choice("kind", kind, KeyWorkerKind)
        if kind == "young_person":
            if practitioner_id is not None or parent_carer_name is not None:
                raise InvalidValue(
                    practitioner_field if practitioner_id is not None else "parent_carer_name",
                    "not_for_young_person",
                    "the young person is their own key worker: name no one else",
                )
            self._require_young_adult("kind", from_date)
        elif kind == "parent_carer":
            if practitioner_id is not None or parent_carer_name is None:
                raise InvalidValue(
                    "parent_carer_name", "required_for_parent_carer", "name the parent/carer"
                )
            self._require_family_member("parent_carer_name", parent_carer_name)
        elif practitioner_id is None or parent_carer_name is not None:
            raise InvalidValue(
                practitioner_field, "required_for_practitioner", "name the practitioner"
            )
        return KeyWorker(kind, from_date, practitioner_id, parent_carer_name)
