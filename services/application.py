"""The application layer's common part: load, decide in the domain, save — once for all commands.

Actor and times (the Stamp), If-Match, idempotent retries and version clashes are handled here,
so each command method is only what is particular to it.
"""

import copy
import random
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import (
    EventStore,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Recording,
)

from domain.aggregate import KeyworkAggregate
from domain.case_base import CaseBase
from domain.directory import Practitioner
from domain.errors import InvalidValue
from domain.stamp import Stamp, event_id
from services.areas import Areas
from services.clock import Clock, utc_now
from services.commands import Command, IdempotencyKeyReused, NotFound, Outcome, VersionConflict
from services.rules import ServiceRules
from store import transcodings
from store.data_keys import DataKeys, KeyDestroyed
from store.erasure_list import ErasureList
from store.receipts import Receipt
from store.recorder import KeyworkRecorder
from store.sealing import SealedAsText, SealedSnapshots, SealingMapper

A = TypeVar("A", bound=KeyworkAggregate)
# Without If-Match a command decides again when another writer saved first: a person's command
# can meet a run of the consumers' own writes to the case (plan copies recorded one by one), so
# it tries several times, each pause longer and at random so that racing writers fall apart.
ATTEMPTS_WITHOUT_IF_MATCH = 8
FIRST_PAUSE_SECONDS = 0.005


def snapshot_due(case: CaseBase, first_version: int, every: int) -> bool:
    """Whether a save of the case's events from `first_version` passed a multiple of `every`."""
    if not every or case.erased:
        return False
    return case.version // every != (first_version - 1) // every


class KeyworkApplication(Application[UUID]):
    name = "keywork"

    def __init__(
        self,
        env: dict[str, str],
        areas: Areas,
        keys: DataKeys,
        rules: ServiceRules,
        erasure_list: ErasureList,
        clock: Clock = utc_now,
        snapshot_every: int = 0,
    ) -> None:
        self.keys = keys  # before the library builds the mapper, which seals with them
        self.snapshot_every = snapshot_every
        super().__init__(env | {"IS_SNAPSHOTTING_ENABLED": "y" if snapshot_every else "n"})
        keys.store = self.store
        self.areas = areas
        self.clock = clock
        self.rules = rules
        self.erasure_list = erasure_list

    @property
    def store(self) -> KeyworkRecorder:
        assert isinstance(self.recorder, KeyworkRecorder)
        return self.recorder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)
        transcoder.register(SealedAsText())

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(self.construct_transcoder(), self.keys)

    def construct_snapshot_store(self) -> EventStore[UUID]:
        return SealedSnapshots(self.mapper, self.factory.aggregate_recorder(purpose="snapshots"))

    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        """Records the events; a case whose count of events passed a multiple of
        `snapshot_every` is then snapshotted as it stands."""
        recordings = super().save(*objs, **kwargs)
        first_versions: dict[UUID, int] = {}
        for recording in recordings:
            event = recording.domain_event
            first_versions.setdefault(event.originator_id, event.originator_version)
        for obj in objs:
            if isinstance(obj, CaseBase) and obj.id in first_versions:
                self._snapshot_if_due(obj, first_versions[obj.id])
        return recordings

    def _snapshot_if_due(self, case: CaseBase, first_version: int) -> None:
        if not snapshot_due(case, first_version, self.snapshot_every):
            return
        assert self.snapshots is not None
        # Erased by another process since it was loaded: its key is gone, and so is the need.
        with suppress(KeyDestroyed):
            self.snapshots.put([type(case).Snapshot.take(case)])

    def load(self, kind: type[A], aggregate_id: UUID, copy: bool = True) -> A:
        """The aggregate; `copy=False` may hand out the cached one itself: only to read it."""
        try:
            aggregate: KeyworkAggregate = self.repository.get(
                aggregate_id, deepcopy_from_cache=copy
            )
            if aggregate.erased:
                # A copy cached before the erasure still holds the personal data: replay it.
                aggregate = self.repository.get(aggregate_id, version=aggregate.version)
        except AggregateNotFoundError:
            raise NotFound(kind.__name__.lower()) from None
        if not isinstance(aggregate, kind):
            raise NotFound(kind.__name__.lower())
        return aggregate

    def require_known(self, kind: type[A], aggregate_id: UUID, field: str) -> A:
        """The aggregate a command refers to by id, or a validation error on that field."""
        try:
            return self.load(kind, aggregate_id)
        except NotFound:
            name = kind.__name__.lower()
            raise InvalidValue(field, f"known_{name}", f"{field} names no known {name}") from None

    def require_in_post(self, practitioner_id: UUID | None, field: str) -> None:
        if practitioner_id is None:
            return
        practitioner = self.require_known(Practitioner, practitioner_id, field)
        if practitioner.left_on is not None:
            raise InvalidValue(field, "in_post", f"{field} names a practitioner who has left")

    def create(self, command: Command, make: Callable[[Stamp], KeyworkAggregate]) -> Outcome:
        return self._replay(command) or self._commit(command, make(self._stamp(command)))

    def change(
        self,
        command: Command,
        kind: type[A],
        aggregate_id: UUID,
        decide: Callable[[A, Stamp], Any],
    ) -> Outcome:
        for attempt in range(1, ATTEMPTS_WITHOUT_IF_MATCH + 1):
            replayed = self._replay(command)
            if replayed:
                return replayed
            aggregate = self._to_change(command, kind, aggregate_id, attempt)
            expected = command.expected_version
            if expected is not None and expected != aggregate.version:
                raise VersionConflict(aggregate.version)
            aggregate.require_changeable()
            decide(aggregate, self._stamp(command))
            try:
                return self._commit(command, aggregate)
            except VersionConflict:
                # Without If-Match the caller asked for no particular version: decide again on
                # the record as it now stands (the rules are checked afresh).
                if expected is not None or attempt == ATTEMPTS_WITHOUT_IF_MATCH:
                    raise
                time.sleep(random.uniform(0, FIRST_PAUSE_SECONDS * 2**attempt))
        raise AssertionError("unreachable")

    def _to_change(self, command: Command, kind: type[A], aggregate_id: UUID, attempt: int) -> A:
        """The aggregate to decide on: first a copy of the one the command was handed, if any."""
        handed = command.loaded
        if attempt == 1 and isinstance(handed, kind) and handed.id == aggregate_id:
            return copy.deepcopy(handed)
        return self.load(kind, aggregate_id)

    def _stamp(self, command: Command) -> Stamp:
        recorded_at = self.clock()
        return Stamp(command.actor, command.occurred_at or recorded_at, recorded_at)

    def _commit(self, command: Command, aggregate: KeyworkAggregate) -> Outcome:
        first_version = aggregate.version - len(aggregate.pending_events) + 1
        receipt = None
        if command.idempotency_key is not None:
            receipt = Receipt(
                command.actor,
                command.idempotency_key,
                command.fingerprint,
                aggregate.id,
                first_version,
                aggregate.version,
            )
        try:
            recordings = self.save(aggregate, receipt=receipt)
        except IntegrityError:
            # Either a retry with the same key won the race, or another writer moved the record on.
            replayed = self._replay(command)
            if replayed:
                return replayed
            current: int = self.repository.get(aggregate.id).version
            raise VersionConflict(current) from None
        return self._outcome(
            aggregate.id, first_version, aggregate.version, recordings[-1].notification.id
        )

    def _replay(self, command: Command) -> Outcome | None:
        if command.idempotency_key is None:
            return None
        receipt = self.store.find_receipt(command.actor, command.idempotency_key)
        if receipt is None:
            return None
        if receipt.fingerprint != command.fingerprint:
            raise IdempotencyKeyReused
        position = self.store.position_of(receipt.aggregate_id, receipt.last_version)
        return self._outcome(
            receipt.aggregate_id, receipt.first_version, receipt.last_version, position
        )

    @staticmethod
    def _outcome(aggregate_id: UUID, first: int, last: int, position: int) -> Outcome:
        ids = [event_id(aggregate_id, version) for version in range(first, last + 1)]
        return Outcome(aggregate_id, last, ids, position)
