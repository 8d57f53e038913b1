"""The HTTP floor: the least a command over HTTP can cost here, to compare the service with.

A minimal FastAPI app whose one endpoint validates a small JSON body (the service's own schema
for a contact) and inserts one row, through a connection pool of the service's size, into the
same PostgreSQL; served by uvicorn with the service's own server options
(`api.cli.SERVER_OPTIONS`), in as many processes as the service's API workers. What the service
does beyond this (the policy, loading and deciding on the case, sealing, the receipt) is what the
ratio to the floor measures.

    .venv/bin/python -m bench.floor --port P   (bench/commands.py starts it; it reads
    KEYWORK_DATABASE_URL, POSTGRES_POOL_SIZE and KEYWORK_API_WORKERS as the service does)
"""

import argparse
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import psycopg
import psycopg_pool
import uvicorn
from fastapi import FastAPI

from api.cli import SERVER_OPTIONS
from api.schemas.cases import ContactIn
from bench.serving import served
from services.settings import Settings
from store.database import Database
from store.embedded_postgres import free_port


def app(conninfo: str, pool_size: int) -> FastAPI:
    pool = psycopg_pool.ConnectionPool(conninfo, min_size=pool_size, open=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=True)
        yield
        pool.close()

    floor = FastAPI(lifespan=lifespan)

    @floor.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @floor.post("/floor", status_code=201)
    def record(body: ContactIn) -> dict[str, bool]:
        with pool.connection() as connection:
            connection.execute(
                "INSERT INTO bench_floor (payload) VALUES (%s)", (body.model_dump_json(),)
            )
        return {"recorded": True}

    return floor


@contextmanager
def floor_server(database: Database, folder: Path, pool_size: int) -> Iterator[str]:
    """The floor app on a free loopback port over `database`, its table made and dropped."""
    with psycopg.connect(database.conninfo, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_floor")
        connection.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, payload text)")
    env = {
        **os.environ,
        "KEYWORK_DATABASE_URL": database.conninfo,
        "POSTGRES_POOL_SIZE": str(pool_size),
    }
    port = free_port()
    try:
        with served(
            "the HTTP floor", ["bench.floor", "--port", str(port)], env, folder, port
        ) as url:
            yield url
    finally:
        with psycopg.connect(database.conninfo, autocommit=True) as connection:
            connection.execute("DROP TABLE IF EXISTS bench_floor")


def from_environment() -> FastAPI:
    """The floor app over the database and pool size the environment names, as the service's."""
    pool_size = int(os.environ.get("POSTGRES_POOL_SIZE", "10"))
    return app(os.environ["KEYWORK_DATABASE_URL"], pool_size)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # As many server processes as the service runs API workers, on one port.
    workers = Settings().api_workers
    uvicorn.run(
        "bench.floor:from_environment",
        factory=True,
        workers=workers,
        host="127.0.0.1",
        port=args.port,
        **SERVER_OPTIONS,
    )


if __name__ == "__main__":
    sys.exit(main())
