"""Rows with a history in recorded time, so a read model answers `known_at` as well as now.

Each row version holds `recorded_from` (when the fact it states was recorded) and
`recorded_until` (when a later event superseded it; NULL while current). Nothing is updated in
place: a change closes the current version and adds the next. A read as known at K keeps the
versions with recorded_from <= K < recorded_until.
"""

import json
from datetime import datetime
from typing import Any

from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier
from psycopg.types.json import Jsonb

from projections.held import HoldingCursor


def known_at(alias: str = "") -> str:
    """The condition keeping the versions known at %(known_at)s (of the table `alias`)."""
    prefix = f"{alias}." if alias else ""
    return (
        f"{prefix}recorded_from <= %(known_at)s "
        f"AND ({prefix}recorded_until IS NULL OR {prefix}recorded_until > %(known_at)s)"
    )


def insert(cursor: HoldingCursor, table: Composed, row: dict[str, Any], at: datetime) -> None:
    cursor.hold(table, row | {"recorded_from": at})


def insert_numbered(
    cursor: HoldingCursor,
    table: Composed,
    row: dict[str, Any],
    at: datetime,
    number: str,
    within: str,
) -> None:
    """Inserts `row` with its `number`: how many rows the table holds with its `within`, every
    version counted. One statement, so that in a pipeline it waits on nothing."""
    columns = [*row, "recorded_from"]
    cursor.execute(
        SQL(
            "INSERT INTO {table} ({columns}, {number}) SELECT {values}, count(*) FROM {table} "
            "WHERE {within} = %s"
        ).format(
            table=table,
            columns=SQL(", ").join(Identifier(c) for c in columns),
            number=Identifier(number),
            values=SQL(", ").join(SQL("%s") for _ in columns),
            within=Identifier(within),
        ),
        [*row.values(), at, row[within]],
    )


def current(cursor: HoldingCursor, table: Composed, key: dict[str, Any]) -> list[DictRow]:
    """The current versions matching `key`, read on a cursor of their own: in a pipeline, the
    results of statements sent earlier on `cursor` may still arrive and take the place of
    these on it. What `cursor` holds is sent first."""
    cursor.send_held()
    with cursor.connection.cursor() as own:
        match, values = _match(key)
        own.execute(
            SQL("SELECT * FROM {table} WHERE {match} AND recorded_until IS NULL").format(
                table=table, match=match
            ),
            values,
        )
        return own.fetchall()


def supersede(
    cursor: HoldingCursor,
    table: Composed,
    row: DictRow,
    changes: dict[str, Any] | None,
    at: datetime,
) -> None:
    """Ends the current version of `row`; with `changes`, records the version that follows."""
    key = {name: row[name] for name in row if name not in ("recorded_from", "recorded_until")}
    match, values = _match(key)
    cursor.execute(
        SQL(
            "UPDATE {table} SET recorded_until = %s WHERE {match} AND recorded_until IS NULL"
        ).format(table=table, match=match),
        [at, *values],
    )
    if changes is not None:
        insert(cursor, table, key | changes, at)


def change(
    cursor: HoldingCursor,
    table: Composed,
    key: dict[str, Any],
    changes: dict[str, Any],
    at: datetime,
) -> None:
    """Supersedes every current version matching `key` with one carrying `changes`.

    One statement, so that in a pipeline it waits on nothing: the versions it ends come back
    whole (`RETURNING version`) and their successors are those rows with the changes laid over them.
    """
    successor = changes | {"recorded_from": at, "recorded_until": None}
    match, values = _match(key)
    cursor.execute(
        SQL(
            "WITH ended AS (UPDATE {table} AS version SET recorded_until = %s "
            "WHERE {match} AND recorded_until IS NULL RETURNING version) "
            "INSERT INTO {table} SELECT (jsonb_populate_record(ended.version, %s)).* FROM ended"
        ).format(table=table, match=match),
        [at, *values, Jsonb(successor, dumps=_as_json)],
    )


def _as_json(values: dict[str, Any]) -> str:
    """Dates, times and ids as PostgreSQL reads them back into their columns."""
    return json.dumps(values, default=str)


def _match(key: dict[str, Any]) -> tuple[Composed, list[Any]]:
    """The versions whose columns hold `key`'s values (NULL for None), as a condition with its
    values: `=` and `IS NULL`, which an index on the columns answers, where `IS NOT DISTINCT
    FROM` would have every change scan its whole table."""
    conditions = (
        SQL("{column} IS NULL" if value is None else "{column} = %s").format(
            column=Identifier(column)
        )
        for column, value in key.items()
    )
    return SQL(" AND ").join(conditions), [value for value in key.values() if value is not None]
