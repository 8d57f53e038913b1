"""Where the event store lives: connection parameters for eventsourcing and psycopg."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import eventsourcing.persistence
import psycopg
import psycopg_pool
from psycopg.conninfo import make_conninfo

CONNECT_TIMEOUT_SECONDS = 2
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


# What the store raises when PostgreSQL cannot be reached: the API answers 503 for these.
UNAVAILABLE: tuple[type[Exception], ...] = (
    eventsourcing.persistence.OperationalError,
    eventsourcing.persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg_pool.PoolTimeout,
)
