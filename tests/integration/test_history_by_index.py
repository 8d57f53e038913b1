"""A change of a versioned row finds the row by index (projections/history.py): at England's size
a scan of the whole table for each change made rebuilds slow down as their tables grew. With
sequential scans priced out, PostgreSQL still scans when no index can answer the condition, so
the transaction's own scan counts show which way each statement went; and a key naming NULL
still finds only the versions holding NULL."""

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import psycopg
import pytest
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


def test_a_change_and_a_read_of_the_current_versions_go_by_index(
    connection: psycopg.Connection,
) -> None:
    case_id = uuid4()
    with HoldingCursor(connection) as cursor:
        cursor.execute("SET LOCAL enable_seqscan TO off")
        for case in (case_id, uuid4(), uuid4()):
            history.insert(cursor, TABLE, {"case_id": case, "status": "open"}, AT)
        cursor.send_held()
        before = scans(cursor)
        history.change(cursor, TABLE, {"case_id": case_id}, {"status": "held"}, AT)
        (found,) = history.current(cursor, TABLE, {"case_id": case_id})
        history.supersede(cursor, TABLE, found, None, AT)
        after = scans(cursor)
    assert found["status"] == "held"
    assert after["seq_scan"] == before["seq_scan"]
    assert after["idx_scan"] == before["idx_scan"] + 3


def test_a_key_naming_null_changes_only_the_versions_holding_null(
    connection: psycopg.Connection,
) -> None:
    case_id = uuid4()
    with HoldingCursor(connection) as cursor:
        history.insert(cursor, TABLE, {"case_id": case_id, "ended_on": AT.date()}, AT)
        history.insert(cursor, TABLE, {"case_id": case_id, "ended_on": None}, AT)
        history.change(cursor, TABLE, {"case_id": case_id, "ended_on": None}, {"status": "x"}, AT)
        versions = history.current(cursor, TABLE, {"case_id": case_id})
    assert sorted((v["ended_on"] is None, v["status"]) for v in versions) == [
        (False, None),
        (True, "x"),
    ]
