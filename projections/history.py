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

from psycopg.sql import SQL, Composable, Composed, Identifier
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


# A further condition on the versions, beside the key, and its values: statements never wait on
# a read of the rows they change, so in a pipeline a batch's statements go without a round trip.
Condition = tuple[Composable, Sequence[Any]]
EVERY: Condition = (SQL("true"), ())


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
    match, values = _match(key, where)
    cursor.execute(
        SQL(
            "WITH ended AS (UPDATE {table} AS version SET recorded_until = %s "
            "WHERE {match} RETURNING version) "
            "INSERT INTO {table} SELECT (jsonb_populate_record(ended.version, %s)).* FROM ended"
        ).format(table=table, match=match),
        [at, *values, Jsonb(successor, dumps=_as_json)],
    )


def end(
    cursor: HoldingCursor,
    table: Composed,
    key: dict[str, Any],
    at: datetime,
    where: Condition = EVERY,
) -> None:
    """Ends every current version matching `key` and `where`, with none to follow."""
    match, values = _match(key, where)
    cursor.execute(
        SQL("UPDATE {table} SET recorded_until = %s WHERE {match}").format(
            table=table, match=match
        ),
        [at, *values],
    )


def _as_json(values: dict[str, Any]) -> str:
    """Dates, times and ids as PostgreSQL reads them back into their columns."""
    return json.dumps(values, default=str)


def _match(key: dict[str, Any], where: Condition) -> tuple[Composed, list[Any]]:
    """The current versions whose columns hold `key`'s values (NULL for None) and that meet
    `where`, as a condition with its values: `=` and `IS NULL`, which an index on the columns
    answers, where `IS NOT DISTINCT FROM` would have every change scan its whole table."""
    conditions = [
        SQL("{column} IS NULL" if value is None else "{column} = %s").format(
            column=Identifier(column)
        )
        for column, value in key.items()
    ]
    condition, more = where
    match = SQL(" AND ").join(
        [*conditions, SQL("({})").format(condition), SQL("recorded_until IS NULL")]
    )
    return match, [*(value for value in key.values() if value is not None), *more]
