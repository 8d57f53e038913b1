"""How fast the reads answer over HTTP on a county's (or England's) worth of synthetic history.

Starts a PostgreSQL (embedded, unless the settings name a server), fills it with the synthetic
histories of --scale (`keywork demo seed`, which resumes where an earlier run against the same
server stopped), rebuilds every read model from them at once (`keywork projections rebuild`;
both timed), starts the service (its API and read models only), then times each read, one
request at a time: a key worker's caseload, who is the key worker, the distribution list, both
as at a past date, a busy practitioner's month of trail page by page, and a year's service
metrics. Every read is authorised and recorded in the access log, as in service. Prints a
table; writes JSON to bench/results/.

    .venv/bin/python bench/reads.py [--requests 300] [--scale county|england] [--data DIR]

With a server of one's own (KEYWORK_DATABASE_URL), `--data` keeps the store's data folder (its
master key above all) so that a later run resumes on the same history and can still read it.
"""

import os
import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on the path: the repository root goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, timedelta
from typing import Any

import httpx
import psycopg

from bench.commands import api_client, postgres, progress, service
from bench.figures import write
from services.settings import Settings
from store.database import Database

SEED = 1
# England scale writes ~35M rows (13.4M case events, their reads), then every read model is
# rebuilt from them: over an hour.
TIMEOUT_SECONDS = {"county": 600, "england": 6 * 3600}
METRICS_REQUESTS = 20
# A year of England's metrics takes seconds; the bench's client gives up after its usual 10.
METRICS_TIMEOUT_SECONDS = 600
SAMPLE_IDS = 200
BUSY_ACTORS = 20


def cli(database: Database, data: Path, *arguments: str, scale: str) -> float:
    """Runs `keywork <arguments>` over the benchmark's database; returns its seconds."""
    environment = os.environ | {
        "KEYWORK_DATABASE_URL": database.conninfo,
        "KEYWORK_DATA_DIR": str(data),
    }
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "api.cli", *arguments],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,  # the progress bars are on stderr
        timeout=TIMEOUT_SECONDS[scale],
    )
    return time.perf_counter() - started


def stored(database: Database) -> int:
    """The events in both stores, the cases' and the access log's (none before they are made)."""
    total = 0
    with psycopg.connect(database.conninfo) as conn:
        made = conn.execute(
            "SELECT relname::text FROM pg_class "
            "WHERE relname IN ('keywork_events', 'access_events')"
        ).fetchall()
        for (table,) in made:
            for (last,) in conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {table}"):
                total += last
    return total


def seed(database: Database, data: Path, scale: str) -> dict[str, Any]:
    """The synthetic histories written (or those an earlier run left resumed), and how fast."""
    progress(f"writing the {scale}-scale synthetic histories (keywork demo seed)")
    before = stored(database)
    command = ("demo", "seed", "--scale", scale, "--seed", str(SEED))
    seconds = cli(database, data, *command, scale=scale)
    written = stored(database) - before
    return {"rows": written, "seconds": round(seconds, 1), "rows_per_s": round(written / seconds)}


def rebuild_all(database: Database, data: Path, scale: str) -> dict[str, Any]:
    """Every read model rebuilt from the whole history at once, as an operator would."""
    events = stored(database)
    progress(f"rebuilding every read model from {events:,} events (keywork projections rebuild)")
    seconds = cli(database, data, "projections", "rebuild", scale=scale)
    return {"events": events, "seconds": round(seconds, 1), "events_per_s": round(events / seconds)}


def wait_for_read_models(client: httpx.Client, scale: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS[scale]
    while time.monotonic() < deadline:
        health = client.get("/health").json()
        if all(p["behind"] == 0 for p in health["projections"]):
            return
        time.sleep(0.5)
    raise RuntimeError("the read models did not catch up in time")


def live_table(conn: psycopg.Connection[Any], read_model: str, table: str) -> str:
    """A read model's table in its live generation."""
    generation = conn.execute(
        "SELECT generation FROM read_model_generations WHERE name = %s", (read_model,)
    ).fetchone()
    return f"{read_model}_g{generation[0] if generation else 1}_{table}"


def sample_ids(database: Database) -> tuple[list[str], list[str]]:
    """Cases and key workers of the history, as the read model holds them."""
    with psycopg.connect(database.conninfo) as conn:
        table = live_table(conn, "key_working", "periods")
        rows = conn.execute(
            f"SELECT DISTINCT case_id::text, practitioner_id::text FROM {table} "
            "WHERE practitioner_id IS NOT NULL LIMIT %s",
            (SAMPLE_IDS,),
        ).fetchall()
    return [case for case, _ in rows], sorted({worker for _, worker in rows})


def busy_actors(database: Database) -> list[str]:
    """The practitioners with the most actions on their trail."""
    with psycopg.connect(database.conninfo) as conn:
        table = live_table(conn, "actions", "actions")
        rows = conn.execute(
            f"SELECT actor FROM {table} GROUP BY actor ORDER BY count(*) DESC LIMIT %s",
            (BUSY_ACTORS,),
        ).fetchall()
    return [actor for (actor,) in rows]


def get(
    client: httpx.Client, path: str, timeout: float | None = None
) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(path, timeout=timeout or client.timeout)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text}")
    return seconds, response


def timed(client: httpx.Client, paths: list[str], timeout: float | None = None) -> dict[str, Any]:
    return figures_of([get(client, path, timeout)[0] for path in paths])


def timed_pages(client: httpx.Client, requests: int, first: Callable[[], str]) -> dict[str, Any]:
    """`requests` pages, each trail followed page by page from `first()` to its last page."""
    latencies: list[float] = []
    while len(latencies) < requests:
        path: str | None = first()
        while path is not None and len(latencies) < requests:
            seconds, response = get(client, path)
            latencies.append(seconds)
            cursor = response.json()["next_cursor"]
            path = None if cursor is None else f"{path.split('&cursor=')[0]}&cursor={cursor}"
    return figures_of(latencies)


def figures_of(latencies: list[float]) -> dict[str, Any]:
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "p50_ms": round(1000 * cuts[49], 2),
        "p99_ms": round(1000 * cuts[98], 2),
    }


def measure(client: httpx.Client, database: Database, requests: int) -> dict[str, Any]:
    cases, workers = sample_ids(database)
    rng = random.Random(SEED)
    today = date.today()

    def past() -> str:
        return (today - timedelta(days=rng.randint(30, 900))).isoformat()

    reads: dict[str, Callable[[], str]] = {
        "caseload": lambda: f"/caseloads/{rng.choice(workers)}",
        "who is the key worker": lambda: f"/cases/{rng.choice(cases)}/key-worker",
        "distribution list": lambda: f"/cases/{rng.choice(cases)}/distribution-list",
        "caseload as_at": lambda: f"/caseloads/{rng.choice(workers)}?as_at={past()}",
        "key worker as_at": lambda: f"/cases/{rng.choice(cases)}/key-worker?as_at={past()}",
    }
    figures = {}
    for name, path in reads.items():
        progress(f"timing {requests} reads: {name}")
        figures[name] = timed(client, [path() for _ in range(requests)])
    actors = busy_actors(database)

    def month() -> str:
        first = today.replace(day=1) - timedelta(days=31 * rng.randint(1, 24))
        start, end = first.replace(day=1), first.replace(day=28)
        return f"/trail?actor={rng.choice(actors)}&from={start}T00:00:00Z&to={end}T23:59:59Z"

    progress(f"timing {requests} pages: a busy practitioner's month of trail")
    figures["trail: a busy month, page by page"] = timed_pages(client, requests, month)
    progress(f"timing {METRICS_REQUESTS} reads: a year's metrics")
    year = f"/metrics?from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    figures["a year's metrics"] = timed(client, [year] * METRICS_REQUESTS, METRICS_TIMEOUT_SECONDS)
    return figures


def table(figures: dict[str, Any], events: int, scale: str) -> str:
    width = max(len(name) for name in figures)
    lines = [
        f"reads over HTTP on {scale}-scale synthetic history ({events:,} case events), one client",
        f"{'read':<{width}} | requests | p50 ms | p99 ms",
        f"{'-' * width}-+----------+--------+-------",
    ]
    lines += [
        f"{name:<{width}} | {f['requests']:>8} | {f['p50_ms']:>6} | {f['p99_ms']:>6}"
        for name, f in figures.items()
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per kind of read")
    parser.add_argument("--scale", choices=["county", "england"], default="county")
    parser.add_argument("--data", type=Path, help="the store's data folder, kept (default: made)")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="keywork-bench-")))
        folder.chmod(0o755)  # as root, PostgreSQL runs as another user that must traverse it
        data = args.data or folder / "data"
        database = stack.enter_context(postgres(Settings(), folder))
        load = seed(database, data, args.scale)
        rebuilt = rebuild_all(database, data, args.scale)
        # Without the notifier and the overdue check, which would spend the run mailing about
        # years of history written a minute before: the reads are timed on a quiet service.
        only = ["api", "projections"]
        running = stack.enter_context(service(database, folder, only, data))
        client = stack.enter_context(api_client(running))
        progress("waiting for the read models to catch up")
        wait_for_read_models(client, args.scale)
        events = int(client.get("/health").json()["store_head"])
        figures = measure(client, database, args.requests)
    print(f"load: {load['rows']:,} rows in {load['seconds']:,} s ({load['rows_per_s']:,}/s)")
    print(f"rebuild of every read model: {rebuilt['events']:,} events in {rebuilt['seconds']:,} s")
    print(table(figures, events, args.scale))
    summary = {"scale": args.scale, "events": events, "reads": figures}
    write(f"reads-{args.scale}", summary | {"load": load, "rebuild": rebuilt})


if __name__ == "__main__":
    main()
