"""How long a cold load of a long case takes, with snapshots and without (the baseline).

Starts a PostgreSQL (embedded, unless the settings name a server) and, in a scratch database,
writes one case of --events events through the application with snapshots every --every events:
a few months of varied history, then contacts, one save each, as they come in service. Then times
--loads cold loads of it (a fresh application, no aggregate cache: every load reads the store)
with snapshots off, the baseline, and on. The case is then taken --every - 1 events further, the
most a load reads past its latest snapshot, and timed again both ways. Also gives the size of the
case's latest snapshot and of all its snapshots beside its events.

    .venv/bin/python bench/snapshots.py [--events 2000] [--every 200] [--loads 30]
"""

import os
import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on the path: the repository root goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import base64
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
from pydantic import SecretStr

from api.bootstrap import open_keywork
from bench.commands import postgres, progress
from bench.figures import write
from bench.history import case_history, scratch_database, stamp_on
from bench.lag import percentile_ms
from domain.case import Case
from services.keywork import Keywork
from services.settings import Settings
from store.database import Database

# Not a multiple of 5 or 10: this case keeps its key worker and stays open (bench/history.py).
CASE_INDEX = 1
CONTACTS_FROM_DAY = 130


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000, help="events in the case")
    parser.add_argument("--every", type=int, default=Settings().snapshot_every, help="snapshots")
    parser.add_argument("--loads", type=int, default=30, help="cold loads timed each way")
    return parser.parse_args(argv)


@contextmanager
def keyworks(database: Database, every: int) -> Iterator[tuple[Keywork, Keywork]]:
    """Two applications over the database with one master key: snapshots off, and on."""
    key = SecretStr(base64.urlsafe_b64encode(os.urandom(32)).decode())
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="keywork-bench-")))
        apps = []
        for snapshot_every in (0, every):
            settings = Settings(
                master_key=key,
                aggregate_cache_size=0,
                snapshot_every=snapshot_every,
                data_dir=folder,
                postgres_pool_size=2,
            )
            apps.append(open_keywork(settings, database))
            stack.callback(apps[-1].close)
        yield apps[0], apps[1]


def record_contacts(keywork: Keywork, case: Case, until_version: int, start: datetime) -> None:
    """Contacts until the case is at `until_version`, each saved alone (snapshots as in service)."""
    while case.version < until_version:
        on = stamp_on(start, CONTACTS_FROM_DAY, minute=case.version)
        case.record_contact(on, kind="phone", participants=["Alex Parent"], note=None)
        keywork.save(case)


def cold_loads(keywork: Keywork, case_id: UUID, loads: int) -> dict[str, Any]:
    seconds = []
    for _ in range(loads):
        began = time.perf_counter()
        case = keywork.load(Case, case_id)
        seconds.append(time.perf_counter() - began)
    snapshot_version = 0
    if keywork.snapshots is not None:
        snapshot_version = next(
            keywork.snapshots.get(case_id, desc=True, limit=1)
        ).originator_version
    return {
        "snapshots": keywork.snapshot_every,
        "case_events": case.version,
        "events_read": case.version - snapshot_version,
        "p50_ms": percentile_ms(seconds, 50),
        "p99_ms": percentile_ms(seconds, 99),
        "mean_ms": round(1000 * statistics.fmean(seconds), 1),
    }


def stored_sizes(database: Database, case_id: UUID) -> dict[str, int]:
    with psycopg.connect(database.conninfo) as conn:
        row = conn.execute(
            "SELECT (SELECT sum(length(state)) FROM keywork_events WHERE originator_id = %(id)s),"
            " (SELECT sum(length(state)) FROM keywork_snapshots WHERE originator_id = %(id)s),"
            " (SELECT length(state) FROM keywork_snapshots WHERE originator_id = %(id)s"
            "  ORDER BY originator_version DESC LIMIT 1)",
            {"id": case_id},
        ).fetchone()
    assert row is not None
    events, snapshots, latest = row
    return {"events_bytes": events, "snapshots_bytes": snapshots, "latest_snapshot_bytes": latest}


def run(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="keywork-bench-")))
        folder.chmod(0o755)  # as root, PostgreSQL runs as another user that must traverse it
        database = stack.enter_context(
            scratch_database(stack.enter_context(postgres(settings, folder)))
        )
        without, with_snapshots = stack.enter_context(keyworks(database, args.every))
        start = datetime.now(UTC) - timedelta(days=365)
        case = case_history(CASE_INDEX, [uuid4()], start)
        with_snapshots.save(case)
        rows = []
        for until_version in (args.events, args.events + args.every - 1):
            progress(f"writing the case up to {until_version:,} events")
            record_contacts(with_snapshots, case, until_version, start)
            for keywork in (without, with_snapshots):
                rows.append(cold_loads(keywork, case.id, args.loads))
        sizes = stored_sizes(database, case.id)
    return {
        "postgres": "embedded" if settings.uses_embedded_postgres else "configured server",
        "rows": rows,
        "sizes": sizes,
    }


def table(figures: dict[str, Any]) -> str:
    rows = []
    for row in figures["rows"]:
        how = f"snapshots every {row['snapshots']}" if row["snapshots"] else "no snapshots"
        read = f"{row['events_read']:,}" + (" + 1 snapshot" if row["snapshots"] else "")
        rows.append(
            f"{row['case_events']:>5,} events, {how:<20} | {read:>16} | {row['p50_ms']:>6} "
            f"| {row['p99_ms']:>6} | {row['mean_ms']:>7}"
        )
    sizes = figures["sizes"]
    return "\n".join(
        [
            f"{'cold load of one case':<34} | {'events read':>16} | p50 ms | p99 ms | mean ms",
            "-" * 81,
            *rows,
            f"\nstored for the case: events {sizes['events_bytes']:,} bytes, snapshots "
            f"{sizes['snapshots_bytes']:,} bytes (the latest {sizes['latest_snapshot_bytes']:,})",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        figures = run(Settings(), args)
    except KeyboardInterrupt:
        sys.exit(130)
    print()
    print(table(figures))
    write("snapshots", figures)


if __name__ == "__main__":
    main()
