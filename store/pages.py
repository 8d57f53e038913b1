"""A page of a store's notifications, as the passes over it read them.

The library's `select_notifications` reads rows in PostgreSQL's text format, each made a dict;
in a rebuild of metrics that reading held the interpreter a tenth of the pass (py-spy --gil).
Here the same rows come in the binary format, as tuples. A page may also be of one share of the
store's aggregates, by the last byte of the aggregate's id (which is random), as
`projections/shares.py` splits a rebuild between processes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import InterfaceError, Notification, OperationalError
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composable, Identifier


@dataclass(frozen=True)
class Share:
    """The aggregates whose id's last byte leaves `number` when divided by `of`."""

    number: int
    of: int


# As the library retries its own reads while a connection is lost.
@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def page(
    recorder: Any,
    after: int,
    limit: int,
    stop: int | None = None,
    topics: Sequence[str] = (),
    share: Share | None = None,
) -> list[Notification]:
    """The first `limit` notifications after position `after` (up to `stop`; of `topics` only,
    if any are named; of `share` only, if given), in order."""
    conditions: list[Composable] = [SQL("notification_id > %s")]
    values: list[Any] = [after]
    if stop is not None:
        conditions.append(SQL("notification_id <= %s"))
        values.append(stop)
    if topics:
        conditions.append(SQL("topic = ANY(%s)"))
        values.append(list(topics))
    if share is not None:
        conditions.append(SQL("get_byte(uuid_send(originator_id), 15) %% %s = %s"))
        values += [share.of, share.number]
    statement = SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {table} "
        "WHERE {conditions} ORDER BY notification_id LIMIT %s"
    ).format(
        table=Identifier(recorder.datastore.schema, recorder.events_table_name),
        conditions=SQL(" AND ").join(conditions),
    )
    with (
        recorder.datastore.get_connection() as connection,
        connection.cursor(binary=True, row_factory=tuple_row) as cursor,
    ):
        cursor.execute(statement, [*values, limit], prepare=True)
        return [
            Notification(
                id=id,
                originator_id=originator_id,
                originator_version=version,
                topic=topic,
                state=state,
            )
            for id, originator_id, version, topic, state in cursor.fetchall()
        ]
