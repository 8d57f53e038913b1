"""Where the event store lives: connection parameters for eventsourcing and psycopg."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import eventsourcing.persistence
import psycopg
import psycopg_pool
from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import make_conninfo

CONNECT_TIMEOUT_SECONDS = 2
# How long a replica may take to replay what the primary had written when a process starts.
REPLAY_TIMEOUT_SECONDS = 30
SCHEMA_LOCK = 0x6B6579776F726B  # "keywork": the advisory lock taken while creating tables


@dataclass(frozen=True)
class Database:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @property
    def conninfo(self) -> str:
        return make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.dbname,
        )

    @contextmanager
    def creating_tables(self) -> Iterator[None]:
        """Holds a lock while this process creates its tables: concurrent CREATE TABLE IF NOT
        EXISTS of the same table can fail in PostgreSQL, so processes starting together wait
        for each other."""
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))

    def eventsourcing_env(self, pool_size: int, cache_size: int = 0) -> dict[str, str]:
        """Settings for eventsourcing; a cache keeps recent aggregates and reads only new events."""
        return {
            "AGGREGATE_CACHE_MAXSIZE": str(cache_size) if cache_size else "",
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_POOL_SIZE": str(pool_size),
            # How long to wait for a connection: with the database down a request fails (503)
            # after the store's retries rather than hanging on the pool.
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT_SECONDS),
            "APPLICATION_RECORDER_TOPIC": "store.recorder:KeyworkRecorder",
        }

    def query_datastore(self, pool_size: int) -> PostgresDatastore:
        """A pool for queries only, sized as the store's own (eventsourcing's default overflow)."""
        return PostgresDatastore(
            self.dbname,
            self.host,
            self.port,
            self.user,
            self.password,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            pool_size=pool_size,
            max_overflow=10,
        )

    def wait_until_replayed_by(self, replica: "Database") -> None:
        """Waits until `replica`, a streaming replica of this server, has replayed all that this
        server had written so far (tables just created among it)."""
        with psycopg.connect(self.conninfo, autocommit=True) as primary:
            written = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
        deadline = time.monotonic() + REPLAY_TIMEOUT_SECONDS
        while not replica._has_replayed(written):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the read database on port {replica.port} has not replayed the "
                    f"primary's writes in {REPLAY_TIMEOUT_SECONDS} s"
                )
            time.sleep(0.05)

    def _has_replayed(self, lsn: tuple[str, ...] | None) -> bool:
        """Whether this server has replayed the WAL up to `lsn`; a server not in recovery has
        nothing to replay."""
        try:
            with psycopg.connect(
                self.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            ) as conn:
                behind = conn.execute(
                    "SELECT pg_is_in_recovery() "
                    "AND coalesce(pg_last_wal_replay_lsn() < %s::pg_lsn, true)",
                    lsn,
                ).fetchone()
        except psycopg.OperationalError:
            return False  # starting, or yet to replay the creation of the database itself
        return behind is not None and not behind[0]


# What the store raises when PostgreSQL cannot be reached: the API answers 503 for these.
UNAVAILABLE: tuple[type[Exception], ...] = (
    eventsourcing.persistence.OperationalError,
    eventsourcing.persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg_pool.PoolTimeout,
)
