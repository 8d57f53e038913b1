"""The accountability trail: who did what, when and why — and who viewed what.

Two read models, as the facts come from two stores: `actions` follows the cases (and the
directory), `views` follows the access log. A trail reads both, in time order.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.erasure import ERASURE_EVENT
from domain.personal import EVENT_FIELDS
from domain.stamp import event_id
from projections.held import HoldingCursor
from projections.read_model import Handler, ReadModel


@dataclass(frozen=True)
class TrailEntry:
    at: datetime  # when it happened (occurred, for an action)
    recorded_at: datetime
    actor: str
    subject_id: str
    action: str
    reason: str | None
    event_id: str | None


SEALED_REASONS = [name for name, fields in EVENT_FIELDS.items() if "reason" in fields]


class Actions(ReadModel):
    name = "actions"
    case_tables = {"actions": "subject_id"}
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}actions ("
        "event_id uuid PRIMARY KEY, subject_id text NOT NULL, action text NOT NULL, "
        "actor text NOT NULL, occurred_at timestamptz NOT NULL, "
        "recorded_at timestamptz NOT NULL, reason text)",
        "CREATE INDEX IF NOT EXISTS {p}actions_subject ON {schema}.{p}actions (subject_id)",
        # A practitioner's trail is read for a period: by index on both, however long their
        # record (it replaced an index on the actor alone).
        "DROP INDEX IF EXISTS {schema}.{p}actions_actor",
        "CREATE INDEX IF NOT EXISTS {p}actions_actor_occurred "
        "ON {schema}.{p}actions (actor, occurred_at)",
    )

    # A family's answers are no one's action: not on any trail, not even as a time.
    ignores = frozenset({"FeedbackGiven"})
    reads_personal = frozenset(SEALED_REASONS)  # of personal data, only the reasons given

    def handles(self) -> dict[str, Handler]:
        return {"*": self._acted, ERASURE_EVENT: self._erased}

    def _erased(self, cursor: HoldingCursor, event: Any) -> None:
        """The erasure is an action too; the reasons given on the case were the family's data."""
        self._acted(cursor, event)
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}actions SET reason = NULL "
                "WHERE subject_id = %s AND action = ANY(%s)"
            ),
            (str(event.originator_id), SEALED_REASONS),
        )

    def _acted(self, cursor: HoldingCursor, event: Any) -> None:
        reason = getattr(event, "reason", None)
        row = {
            "event_id": event_id(event.originator_id, event.originator_version),
            "subject_id": str(event.originator_id),
            "action": type(event).__name__,
            "actor": event.stamp.actor,
            "occurred_at": event.stamp.occurred_at,
            "recorded_at": event.stamp.recorded_at,
            "reason": reason if isinstance(reason, str) else None,
        }
        cursor.hold(self.table("actions"), row)


class Views(ReadModel):
    name = "views"
    follows = "access"
    case_tables = {"views": "subject_id"}
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}views ("
        "event_id uuid PRIMARY KEY, subject_kind text NOT NULL, subject_id text NOT NULL, "
        "what text NOT NULL, actor text NOT NULL, role text NOT NULL, purpose text, "
        "allowed boolean NOT NULL, at timestamptz NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {p}views_subject ON {schema}.{p}views (subject_id)",
        "DROP INDEX IF EXISTS {schema}.{p}views_actor",
        "CREATE INDEX IF NOT EXISTS {p}views_actor_at ON {schema}.{p}views (actor, at)",
    )

    def handles(self) -> dict[str, Handler]:
        return {"Viewed": self._viewed}

    def _viewed(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "event_id": event_id(event.originator_id, event.originator_version),
            "subject_kind": event.subject_kind,
            "subject_id": event.subject_id,
            "what": event.what,
            "actor": event.stamp.actor,
            "role": event.role,
            "purpose": event.purpose,
            "allowed": event.allowed,
            "at": event.stamp.occurred_at,
        }
        cursor.hold(self.table("views"), row)


def trail(
    actions: Actions,
    views: Views,
    *,
    subject_id: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[TrailEntry]:
    """Actions and views, oldest first, filtered by subject, actor and period (inclusive)."""
    filters = {"subject_id": subject_id, "actor": actor, "since": since, "until": until}
    statement = (
        "SELECT * FROM ("
        "SELECT occurred_at AS at, recorded_at, actor, subject_id, action, reason, "
        "event_id::text FROM {schema}." + actions.prefix + "actions "
        "UNION ALL SELECT at, at, actor, subject_id, "
        "'viewed ' || what || CASE WHEN allowed THEN '' ELSE ' (refused)' END, purpose, "
        "event_id::text FROM {schema}." + views.prefix + "views"
        ") AS trail WHERE (%(subject_id)s::text IS NULL OR subject_id = %(subject_id)s) "
        "AND (%(actor)s::text IS NULL OR actor = %(actor)s) "
        "AND (%(since)s::timestamptz IS NULL OR at >= %(since)s) "
        "AND (%(until)s::timestamptz IS NULL OR at <= %(until)s) "
        "ORDER BY at, recorded_at, event_id LIMIT %(limit)s OFFSET %(offset)s"
    )
    with actions.datastore.transaction(commit=False) as cursor:
        cursor.execute(actions.sql(statement), filters | {"limit": limit, "offset": offset})
        rows = cursor.fetchall()
    return [TrailEntry(**row) for row in rows]
