"""The test harness: a real PostgreSQL for the whole session.

Set KEYWORK_TEST_DATABASE_URL to use a server of your own (its tables are created if missing);
otherwise an embedded PostgreSQL starts in a temporary folder and stops at the end. A test of
read replicas starts a primary and a streaming replica of its own (`streaming_replica`).
"""

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr

from api.bootstrap import configured_database
from services.settings import Settings
from store.database import Database
from store.embedded_postgres import EmbeddedPostgres

MAX_CONNECTIONS = 300


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests sharing an id would run once under `make test`'s workers (pytest-xdist schedules by
    id), so each must have its own."""
    seen = Counter(item.nodeid for item in items)
    shared = sorted(nodeid for nodeid, times in seen.items() if times > 1)
    if shared:
        raise pytest.UsageError(f"tests share an id, so workers would run them once: {shared}")


@pytest.fixture(scope="session")
def database() -> Iterator[Database]:
    url = os.environ.get("KEYWORK_TEST_DATABASE_URL")
    if url:
        yield configured_database(Settings(database_url=SecretStr(url)))
        return
    folder = Path(tempfile.mkdtemp(prefix="keywork-test-"))
    folder.chmod(0o755)  # the server runs as its own user when we are root
    # Room for the suite's processes at once: the e2e service, and the fault tests' four.
    server = EmbeddedPostgres(folder / "postgres", max_connections=MAX_CONNECTIONS)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def own_database(database: Database, request: pytest.FixtureRequest) -> Database:
    """A database of the test module's own, empty at the module's start and named after it."""
    *package, module = request.module.__name__.removeprefix("tests.").split(".")
    return fresh_database(database, "_".join(["keywork", *package, module.removeprefix("test_")]))


def fresh_database(server: Database, name: str) -> Database:
    """A new, empty database on the same server, so a suite's processes do not see each other."""
    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return replace(server, dbname=name)


@contextmanager
def streaming_replica() -> Iterator[tuple[Database, Database]]:
    """A primary of its own and a hot standby streaming from it on 127.0.0.1, made with
    `pg_basebackup -R` by the embedded server's own binaries; both stopped on the way out,
    without a shutdown checkpoint, as their data is thrown away."""
    folder = Path(tempfile.mkdtemp(prefix="keywork-replica-"))
    folder.chmod(0o755)  # the servers run as their own user when we are root
    primary = EmbeddedPostgres(folder / "primary")
    replica: EmbeddedPostgres | None = None
    try:
        written = primary.start()
        # A standby needs at least the primary's max_connections: the same default here.
        replica = EmbeddedPostgres(folder / "replica", standby_of=written)
        yield written, replica.start()
    finally:
        if replica is not None:
            replica.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
