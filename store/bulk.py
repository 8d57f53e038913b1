"""Stored events written in bulk: COPY into the library's own tables, one transaction a batch.

For loading histories (`keywork demo seed`), where inserting through the application costs more
than deciding the events. The rows are the application mapper's stored events, so they read back
exactly as if saved, and the library's ordering guarantee holds: each events table is locked
`IN EXCLUSIVE MODE` (the library's own lock statements) before its rows are copied, so the
notification ids a batch takes follow every id committed before it, in the order given, and a
reader following the table never passes over an id committed later. The library's recorders
lock one events table per transaction, so locking several here, always in the order given,
cannot deadlock with them.

The batch's new data keys and its receipt commit in the same transaction: a batch is recorded
whole or not at all, and its receipt says so. An erasure is not for here: the recorder destroys the
child's key in the transaction that records it (store/recorder.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from domain.erasure import ERASURE_EVENT
from store.receipts import Receipt
from store.recorder import KeyworkRecorder

COLUMNS = SQL("(originator_id, originator_version, topic, state)")
TYPES = ("uuid", "int8", "text", "bytea")
ERASED = f".{ERASURE_EVENT}"

# A stored event as its table's row, the originator id as its 16 bytes: a plain tuple is several
# times cheaper to pass between processes than the library's StoredEvent.
Row = tuple[bytes, int, str, bytes]


def row(event: StoredEvent) -> Row:
    assert isinstance(event.originator_id, UUID)
    return event.originator_id.bytes, event.originator_version, event.topic, event.state


@dataclass
class Batch:
    """What one transaction records: each application's events in notification order, the
    cases' snapshots, and the wrapped keys of children first seen in the batch."""

    receipt: Receipt
    events: list[tuple[PostgresApplicationRecorder, Sequence[Row]]]
    snapshots: Sequence[Row] = ()
    keys: Sequence[tuple[UUID, bytes]] = ()


def write(store: KeyworkRecorder, snapshots: PostgresAggregateRecorder | None, batch: Batch) -> int:
    """Records the batch in one transaction on the store's connection; returns its event count."""
    count = 0
    with store.datastore.transaction(commit=True) as curs:
        for recorder, events in batch.events:
            if not events:
                continue
            erasure = any(topic.endswith(ERASED) for _, _, topic, _ in events)
            assert not erasure, "an erasure is recorded by the recorder, with its key destroyed"
            for statement in recorder.lock_table_statements:
                curs.execute(statement)
            curs.execute(SQL("NOTIFY {channel}").format(channel=Identifier(recorder.channel_name)))
            _copy(curs, recorder, events)
            count += len(events)
        if batch.snapshots:
            assert snapshots is not None, "snapshots are written by the snapshot recorder"
            _copy(curs, snapshots, batch.snapshots)
        if batch.keys:
            statement = SQL("COPY {table} (subject_id, wrapped) FROM STDIN (FORMAT BINARY)")
            with curs.copy(statement.format(table=store.data_keys_table)) as copy:
                copy.set_types(["uuid", "bytea"])
                for key in batch.keys:
                    copy.write_row(key)
        store.insert_receipt(curs, batch.receipt)
    return count


def _copy(curs: Cursor[DictRow], recorder: PostgresAggregateRecorder, rows: Sequence[Row]) -> None:
    table = Identifier(recorder.datastore.schema, recorder.events_table_name)
    statement = SQL("COPY {table} {columns} FROM STDIN (FORMAT BINARY)")
    with curs.copy(statement.format(table=table, columns=COLUMNS)) as copy:
        copy.set_types(list(TYPES))
        for originator_id, version, topic, state in rows:
            copy.write_row((UUID(bytes=originator_id), version, topic, state))
