"""Rows with a history in recorded time, so a read model answers `known_at` as well as now.

Each row version holds `recorded_from` (when the fact it states was recorded) and
`recorded_until` (when a later event superseded it; NULL while current). Nothing is updated in
place: a change closes the current version and adds the next. A read as known at K keeps the
versions with recorded_from <= K < recorded_until.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

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
    statement = cursor.statement(
        table,
        ("insert_numbered", *columns, number, within),
        lambda: SQL(
            "INSERT INTO {table} ({columns}, {number}) SELECT {values}, count(*) FROM {table} "
            "WHERE {within} = %s"
        ).format(
            table=table,
            columns=SQL(", ").join(Identifier(c) for c in columns),
            number=Identifier(number),
            values=SQL(", ").join(SQL("%s") for _ in columns),
            within=Identifier(within),
        ),
    )
    cursor.execute_on(table, statement, [*row.values(), at, row[within]])


# A further condition on the versions, beside the key, and its values: statements never wait on
# a read of the rows they change, so in a pipeline a batch's statements go without a round trip.
# Its text may name the table changed as {table}, and reads no other table (`execute_on`).
Condition = tuple[str, Sequence[Any]]
EVERY: Condition = ("true", ())


def change(
    cursor: HoldingCursor,
    table: Composed,
    key: dict[str, Any],
    changes: dict[str, Any],
    at: datetime,
    where: Condition = EVERY,
) -> None:
    """Supersedes every current version matching `key` and `where` with one carrying `changes`.

    One statement: the versions it ends come back whole (`RETURNING version`) and their
    successors are those rows with the changes laid over them.
    """
    successor = changes | {"recorded_from": at, "recorded_until": None}
    statement = cursor.statement(
        table,
        ("change", *_shape(key), where[0]),
        lambda: SQL(
            "WITH ended AS (UPDATE {table} AS version SET recorded_until = %s "
            "WHERE {match} RETURNING version) "
            "INSERT INTO {table} SELECT (jsonb_populate_record(ended.version, %s)).* FROM ended"
        ).format(table=table, match=_match(table, key, where[0])),
    )
    cursor.execute_on(
        table, statement, [at, *_values(key, where), Jsonb(successor, dumps=_as_json)]
    )


def end(
    cursor: HoldingCursor,
    table: Composed,
    key: dict[str, Any],
    at: datetime,
    where: Condition = EVERY,
) -> None:
    """Ends every current version matching `key` and `where`, with none to follow."""
    statement = cursor.statement(
        table,
        ("end", *_shape(key), where[0]),
        lambda: SQL("UPDATE {table} SET recorded_until = %s WHERE {match}").format(
            table=table, match=_match(table, key, where[0])
        ),
    )
    cursor.execute_on(table, statement, [at, *_values(key, where)])


def _as_json(values: dict[str, Any]) -> str:
    """Dates, times and ids as PostgreSQL reads them back into their columns."""
    return json.dumps(values, default=str)


def _shape(key: dict[str, Any]) -> tuple[tuple[str, bool], ...]:
    """What a statement matching `key` depends on: its columns, and which it matches to NULL."""
    return tuple((column, value is None) for column, value in key.items())


def _match(table: Composed, key: dict[str, Any], condition: str) -> Composed:
    """The current versions whose columns hold `key`'s values (NULL for None) and that meet
    `condition`: `=` and `IS NULL`, which an index on the columns answers, where `IS NOT
    DISTINCT FROM` would have every change scan its whole table."""
    conditions = [
        SQL("{column} IS NULL" if value is None else "{column} = %s").format(
            column=Identifier(column)
        )
        for column, value in key.items()
    ]
    further = SQL("({})").format(SQL(condition).format(table=table))
    return SQL(" AND ").join([*conditions, further, SQL("recorded_until IS NULL")])


def _values(key: dict[str, Any], where: Condition) -> list[Any]:
    """The values of `_match`'s placeholders: the key's that are not NULL, then the condition's."""
    return [*(value for value in key.values() if value is not None), *where[1]]
