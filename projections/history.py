"""Rows with a history in recorded time, so a read model answers `known_at` as well as now.

Each row version holds `recorded_from` (when the fact it states was recorded) and
`recorded_until` (when a later event superseded it; NULL while current). Nothing is updated in
place: a change closes the current version and adds the next. A read as known at K keeps the
versions with recorded_from <= K < recorded_until.
"""

from datetime import datetime
from typing import Any

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier


def known_at(alias: str = "") -> str:
    """The condition keeping the versions known at %(known_at)s (of the table `alias`)."""
    prefix = f"{alias}." if alias else ""
    return (
        f"{prefix}recorded_from <= %(known_at)s "
        f"AND ({prefix}recorded_until IS NULL OR {prefix}recorded_until > %(known_at)s)"
    )


def insert(cursor: Cursor[DictRow], table: Composed, row: dict[str, Any], at: datetime) -> None:
    columns = [*row, "recorded_from"]
    cursor.execute(
        SQL("INSERT INTO {table} ({columns}) VALUES ({values})").format(
            table=table,
            columns=SQL(", ").join(Identifier(c) for c in columns),
            values=SQL(", ").join(SQL("%s") for _ in columns),
        ),
        [*row.values(), at],
    )


def current(cursor: Cursor[DictRow], table: Composed, key: dict[str, Any]) -> list[DictRow]:
    cursor.execute(
        SQL("SELECT * FROM {table} WHERE {match} AND recorded_until IS NULL").format(
            table=table, match=_match(key)
        ),
        list(key.values()),
    )
    return cursor.fetchall()


def supersede(
    cursor: Cursor[DictRow],
    table: Composed,
    row: DictRow,
    changes: dict[str, Any] | None,
    at: datetime,
) -> None:
    """Ends the current version of `row`; with `changes`, records the version that follows."""
    key = {name: row[name] for name in row if name not in ("recorded_from", "recorded_until")}
    cursor.execute(
        SQL(
            "UPDATE {table} SET recorded_until = %s WHERE {match} AND recorded_until IS NULL"
        ).format(table=table, match=_match(key)),
        [at, *key.values()],
    )
    if changes is not None:
        insert(cursor, table, key | changes, at)


def change(
    cursor: Cursor[DictRow],
    table: Composed,
    key: dict[str, Any],
    changes: dict[str, Any],
    at: datetime,
) -> None:
    """Supersedes every current version matching `key` with one carrying `changes`."""
    for row in current(cursor, table, key):
        supersede(cursor, table, row, changes, at)


def _match(key: dict[str, Any]) -> Composed:
    return SQL(" AND ").join(
        SQL("{column} IS NOT DISTINCT FROM %s").format(column=Identifier(c)) for c in key
    )
