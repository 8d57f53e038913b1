"""A change of a versioned row finds the row by index (projections/history.py): at England's size
a scan of the whole table for each change made rebuilds slow down as their tables grew. With
sequential scans priced out, PostgreSQL still scans when no index can answer the condition, so
the transaction's own scan counts show which way each statement went; a key naming NULL still
finds only the versions holding NULL, and a further condition narrows a change or an end."""

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections import history
from projections.held import HoldingCursor
from store.database import Database
from tests.integration.conftest import tables_made

TABLE = SQL("{table}").format(table=Identifier("public", "versioned"))
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def connection(own_database: Database) -> Iterator[psycopg.Connection]:
    with tables_made(
        own_database,
        "DROP TABLE IF EXISTS versioned;"
        "CREATE TABLE versioned (case_id uuid NOT NULL, ended_on date, status text, "
        "recorded_from timestamptz NOT NULL, recorded_until timestamptz);"
        "CREATE INDEX versioned_case ON versioned (case_id)",
    ) as connection:
        yield connection


def scans(cursor: HoldingCursor) -> dict[str, int]:
    cursor.execute(
        "SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'versioned'"
    )
    row = cursor.fetchone()
    assert row is not None
    return dict(row)


def current(cursor: HoldingCursor, case_id: UUID) -> list[DictRow]:
    cursor.execute(
        SQL("SELECT * FROM {table} WHERE case_id = %s AND recorded_until IS NULL").format(
            table=TABLE
        ),
        [case_id],
    )
    return cursor.fetchall()


def test_a_change_and_an_end_go_by_index(connection: psycopg.Connection) -> None:
    case_id = uuid4()
    with HoldingCursor(connection) as cursor:
        cursor.execute("SET LOCAL enable_seqscan TO off")
        for case in (case_id, uuid4(), uuid4()):
            history.insert(cursor, TABLE, {"case_id": case, "status": "open"}, AT)
        cursor.send_held()
        before = scans(cursor)
        history.change(cursor, TABLE, {"case_id": case_id}, {"status": "held"}, AT)
        history.end(cursor, TABLE, {"case_id": case_id}, AT, where=("status = %s", ["held"]))
        after = scans(cursor)
        assert current(cursor, case_id) == []
    assert after["seq_scan"] == before["seq_scan"]
    assert after["idx_scan"] == before["idx_scan"] + 2


def test_a_key_naming_null_changes_only_the_versions_holding_null(
    connection: psycopg.Connection,
) -> None:
    case_id = uuid4()
    with HoldingCursor(connection) as cursor:
        history.insert(cursor, TABLE, {"case_id": case_id, "ended_on": AT.date()}, AT)
        history.insert(cursor, TABLE, {"case_id": case_id, "ended_on": None}, AT)
        history.change(cursor, TABLE, {"case_id": case_id, "ended_on": None}, {"status": "x"}, AT)
        versions = current(cursor, case_id)
    assert sorted((v["ended_on"] is None, v["status"]) for v in versions) == [
        (False, None),
        (True, "x"),
    ]


def test_a_change_and_an_end_touch_only_the_current_versions_that_meet_the_condition(
    connection: psycopg.Connection,
) -> None:
    case_id = uuid4()
    with HoldingCursor(connection) as cursor:
        for status in ("open", "held", "held"):
            history.insert(cursor, TABLE, {"case_id": case_id, "status": status}, AT)
        later = AT.replace(hour=10)
        held = ("status = %s", ["held"])
        history.change(cursor, TABLE, {"case_id": case_id}, {"status": "closed"}, later, where=held)
        opened = ("status = %s", ["open"])
        history.end(cursor, TABLE, {"case_id": case_id}, later, where=opened)
        cursor.execute(SQL("SELECT * FROM {table}").format(table=TABLE))
        versions = sorted(
            (v["status"], v["recorded_from"] == later, v["recorded_until"] is None)
            for v in cursor.fetchall()
        )
    assert versions == [
        ("closed", True, True),
        ("closed", True, True),
        ("held", False, False),
        ("held", False, False),
        ("open", False, False),
    ]


def test_statements_made_once_a_cursor_still_follow_each_key_and_condition(
    connection: psycopg.Connection,
) -> None:
    """One cursor makes each statement's text once (`HoldingCursor.statement`): a key naming a
    value after one naming NULL, and another condition after the first, are statements apart."""
    case_id = uuid4()
    with HoldingCursor(connection) as cursor:
        for ended_on, status in ((None, "open"), (AT.date(), "open"), (AT.date(), "held")):
            row = {"case_id": case_id, "ended_on": ended_on, "status": status}
            history.insert(cursor, TABLE, row, AT)
        later = AT.replace(hour=10)
        no_end = {"case_id": case_id, "ended_on": None}
        history.change(cursor, TABLE, no_end, {"status": "a"}, later)
        ended = {"case_id": case_id, "ended_on": AT.date()}
        history.change(
            cursor, TABLE, ended, {"status": "b"}, later, where=("status = %s", ["open"])
        )
        history.end(cursor, TABLE, ended, later, where=("status = %s", ["held"]))
        versions = current(cursor, case_id)
    assert sorted((v["ended_on"] is None, v["status"]) for v in versions) == [
        (False, "b"),
        (True, "a"),
    ]
