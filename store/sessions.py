"""Page sessions, kept on the server: the browser holds only a random id.

A session ends after `idle` without a request and `lifetime` after sign-in, whichever comes
first, and at sign-out. The table keeps a hash of each id, so reading it does not give anyone a
session, and who the session is for: opaque ids and a role, nothing personal.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier


@dataclass(frozen=True)
class SessionHolder:
    user: str
    role: str
    team: str | None
    area: str | None
    # Signed in through the organisation's provider, whose session sign-out also ends.
    by_provider: bool


class Sessions:
    def __init__(self, datastore: PostgresDatastore, idle: timedelta, lifetime: timedelta) -> None:
        self.datastore = datastore
        self.idle = idle
        self.lifetime = lifetime
        self.table = Identifier(datastore.schema, "page_sessions")
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {table} (id_hash bytea PRIMARY KEY, "
                    "holder text NOT NULL, role text NOT NULL, team text, area text, "
                    "by_provider boolean NOT NULL, seen timestamptz NOT NULL, "
                    "ends timestamptz NOT NULL)"
                ).format(table=self.table)
            )
            cursor.execute(
                SQL("CREATE INDEX IF NOT EXISTS page_sessions_ends ON {table} (ends)").format(
                    table=self.table
                )
            )

    def start(self, holder: SessionHolder, now: datetime, ends_by: datetime | None = None) -> str:
        """A new session and its id; it also ends at `ends_by` (a token's expiry) if sooner."""
        session_id = secrets.token_urlsafe(32)
        ends = min(now + self.lifetime, ends_by or now + self.lifetime)
        with self.datastore.transaction(commit=True) as cursor:
            # Sessions that have ended are removed as new ones start.
            cursor.execute(
                SQL("DELETE FROM {table} WHERE ends <= %s OR seen <= %s").format(table=self.table),
                (now, now - self.idle),
            )
            cursor.execute(
                SQL("INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)").format(
                    table=self.table
                ),
                (
                    _hash(session_id),
                    holder.user,
                    holder.role,
                    holder.team,
                    holder.area,
                    holder.by_provider,
                    now,
                    ends,
                ),
            )
        return session_id

    def resume(self, session_id: str, now: datetime) -> SessionHolder | None:
        """Who holds the session, if it has not ended; the request counts as activity."""
        with self.datastore.transaction(commit=True) as cursor:
            # Once over, it is gone: a later request (or another process's clock) cannot revive it.
            cursor.execute(
                SQL("DELETE FROM {table} WHERE id_hash = %s AND (seen <= %s OR ends <= %s)").format(
                    table=self.table
                ),
                (_hash(session_id), now - self.idle, now),
            )
            cursor.execute(
                SQL(
                    "UPDATE {table} SET seen = greatest(seen, %s) WHERE id_hash = %s "
                    'RETURNING holder AS "user", role, team, area, by_provider'
                ).format(table=self.table),
                (now, _hash(session_id)),
            )
            row = cursor.fetchone()
        return SessionHolder(**row) if row else None

    def end(self, session_id: str) -> SessionHolder | None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "DELETE FROM {table} WHERE id_hash = %s "
                    'RETURNING holder AS "user", role, team, area, by_provider'
                ).format(table=self.table),
                (_hash(session_id),),
            )
            row = cursor.fetchone()
        return SessionHolder(**row) if row else None


def _hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()
