"""The event recorder, extended with command receipts and the children's data keys.

A receipt (who, their Idempotency-Key, a fingerprint of the request, and the versions it wrote)
is inserted in the same transaction as the command's events, so a command is either recorded
with its receipt or not at all, and a concurrent retry with the same key fails as a whole.

An erasure event destroys the child's key in the same transaction that records it: the store
never says "erased" while the key survives, nor loses a key without saying why.
"""

import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.generators import send
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from domain.erasure import ERASURE_EVENT
from store.group_commit import Append, GroupCommit
from store.receipts import Receipt


class KeyworkRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        table = Identifier(datastore.schema, "command_receipts")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {table} ("
                "actor text NOT NULL, idempotency_key text NOT NULL, fingerprint text NOT NULL, "
                "aggregate_id uuid NOT NULL, first_version bigint NOT NULL, "
                "last_version bigint NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(), "
                "PRIMARY KEY (actor, idempotency_key))"
            ).format(table=table)
        )
        self._insert_receipt = SQL(
            "INSERT INTO {table} (actor, idempotency_key, fingerprint, aggregate_id, "
            "first_version, last_version) VALUES (%s, %s, %s, %s, %s, %s)"
        ).format(table=table)
        self._select_receipt = SQL(
            "SELECT actor, idempotency_key, fingerprint, aggregate_id, first_version, last_version "
            "FROM {table} WHERE actor = %s AND idempotency_key = %s"
        ).format(table=table)
        keys = self.data_keys_table = Identifier(datastore.schema, "data_keys")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {keys} (subject_id uuid PRIMARY KEY, wrapped bytea, "
                "created_at timestamptz NOT NULL DEFAULT now(), erased_at timestamptz)"
            ).format(keys=keys)
        )
        self._insert_key = SQL(
            "INSERT INTO {keys} (subject_id, wrapped) VALUES (%s, %s) ON CONFLICT DO NOTHING"
        ).format(keys=keys)
        self._select_key = SQL("SELECT wrapped FROM {keys} WHERE subject_id = %s").format(keys=keys)
        self._select_keys = SQL(
            "SELECT subject_id, wrapped FROM {keys} WHERE subject_id = ANY(%s)"
        ).format(keys=keys)
        self._destroy_key = SQL(
            "UPDATE {keys} SET wrapped = NULL, erased_at = now() "
            "WHERE subject_id = %s AND wrapped IS NOT NULL"
        ).format(keys=keys)
        self._select_erased = SQL(
            "SELECT subject_id FROM {keys} WHERE wrapped IS NULL ORDER BY erased_at"
        ).format(keys=keys)
        self._select_position = SQL(
            "SELECT notification_id FROM {table} "
            "WHERE originator_id = %s AND originator_version = %s"
        ).format(table=Identifier(datastore.schema, events_table_name))
        self._select_recorded = SQL(
            "SELECT originator_id, originator_version, topic, state, notification_id "
            "FROM {table} JOIN unnest(%s::uuid[], %s::bigint[]) AS sent (id, version) "
            "ON originator_id = sent.id AND originator_version = sent.version"
        ).format(table=Identifier(datastore.schema, events_table_name))
        self.group_commit = GroupCommit(self._commit_together, self.recorded_as)
        self._sent = threading.local()  # how many times this thread's commit sent its events

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        receipt: Receipt | None = None,
        tracking: Any = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        if tracking is not None or kwargs or not stored_events:
            receipts = [] if receipt is None else [receipt]
            return super().insert_events(
                stored_events, receipts=receipts, tracking=tracking, **kwargs
            )
        return self.group_commit.append(Append(stored_events, receipt))

    def _commit_together(self, appends: list[Append]) -> list[Sequence[int]]:
        events = [event for append in appends for event in append.events]
        receipts = [append.receipt for append in appends if append.receipt is not None]
        self._sent.times = 0
        try:
            ids = super().insert_events(events, receipts=receipts)
        except IntegrityError:
            if self._sent.times > 1:  # the library retried after an attempt went unanswered
                for append in appends:
                    append.unsure = True
            raise
        assert ids is not None and len(ids) == len(events)
        split, start = [], 0
        for append in appends:
            split.append(ids[start : start + len(append.events)])
            start += len(append.events)
        return split

    def recorded_as(self, stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
        """The positions of these events if each is recorded exactly as given (topic and bytes),
        in their order; None if any is missing or differs."""
        ids = [event.originator_id for event in stored_events]
        versions = [event.originator_version for event in stored_events]
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_recorded, (ids, versions))
            found = {(row["originator_id"], row["originator_version"]): row for row in curs}
        positions = []
        for event in stored_events:
            row = found.get((event.originator_id, event.originator_version))
            if row is None or row["topic"] != event.topic or bytes(row["state"]) != event.state:
                return None
            positions.append(int(row["notification_id"]))
        return positions

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        self._sent.times = getattr(self._sent, "times", 0) + 1
        super()._insert_stored_events(curs, stored_events, **kwargs)
        # The library syncs the pipeline next, and psycopg's sync (3.2 and 3.3 at least) then
        # only waits to read, even when its last flush left part of the insert in libpq's
        # buffer: the server waits for the rest of the insert, the client for its results, for
        # ever. So the whole insert is sent first.
        connection = curs.connection
        with connection.lock:
            connection.wait(send(connection.pgconn))

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Any,
        *,
        receipts: Sequence[Receipt] = (),
        **kwargs: Any,
    ) -> Any:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        for stored in stored_events:
            if stored.topic.endswith(f".{ERASURE_EVENT}"):
                curs.execute(self._destroy_key, (stored.originator_id,))
        # Last in the transaction's pipeline: a clash with a retry's receipt fails the whole
        # transaction, and no statement queued after it is skipped (which would leave the
        # connection's prepared statements out of step with the server's).
        for receipt in receipts:
            self.insert_receipt(curs, receipt)
        return ids

    def insert_receipt(self, curs: Cursor[DictRow], receipt: Receipt) -> None:
        """The receipt, in the caller's transaction (its events' own)."""
        curs.execute(
            self._insert_receipt,
            (
                receipt.actor,
                receipt.idempotency_key,
                receipt.fingerprint,
                receipt.aggregate_id,
                receipt.first_version,
                receipt.last_version,
            ),
        )

    def find_receipt(self, actor: str, idempotency_key: str) -> Receipt | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_receipt, (actor, idempotency_key), prepare=True)
            row = curs.fetchone()
        return Receipt(**row) if row else None

    def position_of(self, originator_id: UUID, version: int) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_position, (originator_id, version), prepare=True)
            row = curs.fetchone()
        assert row is not None, "a receipt always points at recorded events"
        return int(row["notification_id"])

    def add_wrapped_key(self, subject_id: UUID, wrapped: bytes) -> bytes | None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._insert_key, (subject_id, wrapped))
            curs.execute(self._select_key, (subject_id,))
            row = curs.fetchone()
        assert row is not None, "the key was just inserted, or was already there"
        return None if row["wrapped"] is None else bytes(row["wrapped"])

    def wrapped_keys(self, subject_ids: Sequence[UUID]) -> dict[UUID, bytes | None]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_keys, (list(subject_ids),), prepare=True)
            rows = curs.fetchall()
        return {
            row["subject_id"]: None if row["wrapped"] is None else bytes(row["wrapped"])
            for row in rows
        }

    def erased_subjects(self) -> list[UUID]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_erased)
            return [row["subject_id"] for row in curs.fetchall()]
