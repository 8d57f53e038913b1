"""A batch's inserts are held and sent together (projections/held.py): as one statement for each
table, before any other statement, so that statement sees them; and in as many statements as the
protocol's limit on parameters asks for, with every row arriving. PostgreSQL counts the statements
itself, with a trigger run once for each INSERT statement."""

from collections.abc import Iterator

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from projections.held import MOST_PARAMETERS, HoldingCursor
from store.database import Database
from tests.integration.conftest import tables_made

TABLE = SQL("{table}").format(table=Identifier("public", "held"))
OTHER = SQL("{table}").format(table=Identifier("public", "other"))


@pytest.fixture
def connection(own_database: Database) -> Iterator[psycopg.Connection]:
    with tables_made(
        own_database,
        "DROP TABLE IF EXISTS held, statements, other;"
        "CREATE TABLE held (number int NOT NULL, name text);"
        "CREATE TABLE other (number int NOT NULL);"
        "CREATE TABLE statements (counted int NOT NULL);"
        "CREATE OR REPLACE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN INSERT INTO statements VALUES (1); RETURN NULL; END $$;"
        "CREATE TRIGGER counted AFTER INSERT ON held "
        "FOR EACH STATEMENT EXECUTE FUNCTION count_statement();",
    ) as connection:
        yield connection


def counts(cursor: HoldingCursor) -> tuple[int, int]:
    """The rows in `held`, and the INSERT statements that put them there."""
    cursor.execute("SELECT (SELECT count(*) FROM held) AS rows, (SELECT count(*) FROM statements)")
    row = cursor.fetchone()
    assert row is not None
    return row["rows"], row["count"]


def test_rows_held_for_a_table_go_as_one_statement_before_the_next_one(
    connection: psycopg.Connection,
) -> None:
    with connection.pipeline(), HoldingCursor(connection) as cursor:
        for number in range(500):
            cursor.hold(TABLE, {"number": number, "name": f"row {number}"})
        cursor.hold(TABLE, {"number": 500})  # other columns: a statement of its own
        assert counts(cursor) == (501, 2)
        cursor.execute("SELECT max(number) AS last, count(name) AS named FROM held")
        assert cursor.fetchone() == {"last": 500, "named": 500}


def test_more_rows_than_one_statement_takes_all_arrive(connection: psycopg.Connection) -> None:
    rows = MOST_PARAMETERS // 2 + 10  # two values each: a little over one statement's worth
    with connection.pipeline(), HoldingCursor(connection) as cursor:
        for number in range(rows):
            cursor.hold(TABLE, {"number": number, "name": None})
        cursor.send_held()
        assert counts(cursor) == (rows, 2)
        cursor.execute("SELECT count(DISTINCT number) AS numbers FROM held")
        assert cursor.fetchone() == {"numbers": rows}


def test_nothing_held_is_sent_twice(connection: psycopg.Connection) -> None:
    with connection.pipeline(), HoldingCursor(connection) as cursor:
        cursor.hold(TABLE, {"number": 1, "name": "one"})
        cursor.send_held()
        cursor.send_held()
        cursor.execute("SELECT 1")
        assert counts(cursor) == (1, 1)


def test_a_statement_on_one_table_goes_after_its_rows_alone(
    connection: psycopg.Connection,
) -> None:
    with connection.pipeline(), HoldingCursor(connection) as cursor:
        cursor.hold(TABLE, {"number": 1, "name": "one"})
        cursor.hold(OTHER, {"number": 2})
        cursor.execute_on(OTHER, b"UPDATE other SET number = number * 10", [])
        cursor.hold(TABLE, {"number": 3, "name": "three"})
        # A statement on no one table goes after every row held: those of `held` in one statement.
        assert counts(cursor) == (2, 1)
        cursor.execute("SELECT number FROM other")
        assert cursor.fetchall() == [{"number": 20}]
