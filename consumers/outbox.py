"""The outbox: each message claimed in PostgreSQL before it is sent and confirmed after.

One row per (event, recipient), so a message goes at most once however often its event is
handled. A failure to reach the recipient's server releases the claim (nothing was sent); a crash
between sending and confirming leaves it claimed, never sent again, for a person to check.
"""

from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from consumers.notices import Notice


class Outbox:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore
        self.table = Identifier(datastore.schema, "notices")
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {table} (event_id uuid NOT NULL, "
                    "recipient text NOT NULL, channel text NOT NULL, state text NOT NULL, "
                    "claimed_at timestamptz NOT NULL DEFAULT now(), confirmed_at timestamptz, "
                    "PRIMARY KEY (event_id, recipient))"
                ).format(table=self.table)
            )

    def claim(self, event: UUID, notice: Notice, state: str) -> bool:
        """Claims the message in `state`; False if it was claimed before."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "INSERT INTO {table} (event_id, recipient, channel, state) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
                ).format(table=self.table),
                (event, notice.recipient, notice.channel, state),
            )
            return cursor.rowcount == 1

    def release(self, event: UUID, notice: Notice) -> None:
        self._set(event, notice, "DELETE FROM {table} WHERE event_id = %s AND recipient = %s")

    def confirm(self, event: UUID, notice: Notice, state: str) -> None:
        self._set(
            event,
            notice,
            "UPDATE {table} SET state = %s, confirmed_at = now() "
            "WHERE event_id = %s AND recipient = %s",
            state,
        )

    def state(self, event: UUID, notice: Notice) -> str | None:
        """How the message went: sent, queued, no_address, claimed (unconfirmed), or None."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT state FROM {table} WHERE event_id = %s AND recipient = %s").format(
                    table=self.table
                ),
                (event, notice.recipient),
            )
            row = cursor.fetchone()
        return str(row["state"]) if row else None

    def unconfirmed(self) -> list[tuple[UUID, str]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT event_id, recipient FROM {table} WHERE state = 'claimed'").format(
                    table=self.table
                )
            )
            return [(row["event_id"], row["recipient"]) for row in cursor.fetchall()]

    def _set(self, event: UUID, notice: Notice, statement: str, *first: object) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(statement).format(table=self.table),
                (*first, event, notice.recipient),
            )
