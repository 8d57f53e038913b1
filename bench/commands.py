"""How many commands/s the real service records, beside the HTTP floor and raw inserts.

Starts a PostgreSQL (embedded in a temporary folder, unless the settings name a server), the
service and the HTTP floor (bench/floor.py: one validated insert per request, served the same
way) as subprocesses on loopback. Then, at each concurrency, N threads POST contacts to their own
case for a fixed time; N threads with the same client POST the same body to the floor for the
same time; and N threads insert one row per transaction into the same PostgreSQL. The floor is
the baseline the service can come close to; raw inserts, which skip HTTP, it cannot. Prints a
table and writes the figures to bench/results/.
Each command replays its case's whole history, which grows by one event per contact, so the API
figures fall as --seconds grows.

    .venv/bin/python bench/commands.py [--clients 1,4,16] [--seconds 20] [--one-process]

Against a configured server this writes benchmark events into its event store, and creates (then
drops) a table `bench_raw`.
"""

import os
import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on the path: the repository root goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import secrets
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import psycopg

from api.auth import Principal, issue_token
from api.bootstrap import database
from bench.figures import write
from bench.floor import floor_server
from bench.serving import progress, served
from services.settings import Settings
from store.database import Database
from store.embedded_postgres import free_port

REPO = Path(__file__).resolve().parent.parent
REQUEST_TIMEOUT_SECONDS = 10.0
CONTACT = {"kind": "phone", "with": ["Alex Parent"]}
REFERRAL = {
    "route": "professional",
    "referrer": {"name": "Dr Bench"},
    "child": {
        "given_name": "Sam",
        "family_name": "Bench",
        "date_of_birth": "2016-05-01",
        "nhs_number": "9434765919",
    },
    "family": [
        {
            "name": "Alex Parent",
            "relationship": "mother",
            "preferred_channel": "email",
            "email": "a@example.org",
            "has_parental_responsibility": True,
        }
    ],
    "needs": ["x"],
    "consent_to_share": True,
    "area": "norfolk",
}
ELIGIBILITY = {
    "facts": {
        "gp_in_area": True,
        "complex_health_needs": True,
        "specialist_count": 3,
        "agency_count": 2,
    }
}


@dataclass
class Service:
    base_url: str
    token: str


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, successes only
    errors: Counter[str] = field(default_factory=Counter)  # by HTTP status or exception name


# A worker: given its index, a deadline (perf_counter) and a stop flag, returns its tally.
Worker = Callable[[int, float, threading.Event], Tally]


@dataclass
class Sample:
    """What N workers did together in `elapsed` seconds."""

    elapsed: float
    latencies: list[float]
    errors: Counter[str]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed

    def percentile_ms(self, percent: int) -> float:
        if len(self.latencies) < 2:
            return 1000 * self.latencies[0] if self.latencies else float("nan")
        return 1000 * statistics.quantiles(self.latencies, n=100)[percent - 1]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,16", help="concurrencies, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each run")
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="the service as it ran before its parts had processes of their own: the API and "
        "the consumers in one process (and the floor in one), to compare with",
    )
    args = parser.parse_args(argv)
    args.clients = [int(part) for part in args.clients.split(",")]
    if min(args.clients) < 1 or args.seconds <= 0:
        parser.error("clients must be at least 1 and seconds positive")
    return args


def postgres(settings: Settings, folder: Path) -> AbstractContextManager[Database]:
    """The configured server, or an embedded one in `folder` for as long as this context, with
    room for the service's processes, the floor's and the clients' own connections at once."""
    return database(settings.model_copy(update={"data_dir": folder}), max_connections=300)


@contextmanager
def service(
    database: Database, folder: Path, only: Sequence[str] = (), data: Path | None = None
) -> Iterator[Service]:
    """The keywork service as a subprocess on a free loopback port, stopped by SIGTERM.

    With `only`, just those parts of it run (`keywork run --only`), the API among them; its data
    folder is `data`, or one in `folder`.
    """
    port = free_port()
    secret = secrets.token_urlsafe(32)
    environment = {
        **os.environ,
        "KEYWORK_DATABASE_URL": database.conninfo,
        "KEYWORK_JWT_SECRET": secret,
        "KEYWORK_DATA_DIR": str(data or folder / "data"),
        "KEYWORK_HOST": "127.0.0.1",
    }
    command = ["api.cli", "run", "--port", str(port)] + (["--only", *only] if only else [])
    with served("the service", command, environment, folder, port) as base_url:
        bench_user = Principal(user="bench-coordinator", role="coordinator", area="norfolk")
        yield Service(base_url, issue_token(bench_user, secret, hours=1))


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    if not response.is_success:
        raise RuntimeError(f"POST {path} answered {response.status_code}: {response.text}")
    result: dict[str, Any] = response.json()
    return result


def api_client(svc: Service) -> httpx.Client:
    return httpx.Client(
        base_url=svc.base_url,
        headers={"Authorization": f"Bearer {svc.token}"},
        timeout=REQUEST_TIMEOUT_SECONDS,
        trust_env=False,  # loopback only: never through a proxy from the environment
    )


def register_key_worker(svc: Service) -> str:
    with api_client(svc) as client:
        agency = post(client, "/agencies", {"name": "Bench Agency", "sector": "health"})
        practitioner = post(
            client,
            "/practitioners",
            {"name": "Kim Worker", "role_title": "Key worker", "agency_id": agency["agency_id"]},
        )
    return str(practitioner["practitioner_id"])


def open_cases(svc: Service, practitioner_id: str, count: int) -> list[str]:
    """`count` referred, eligible cases with a designated key worker."""
    allocation = {
        "kind": "designated",
        "from": date.today().isoformat(),
        "practitioner_id": practitioner_id,
    }
    case_ids = []
    with api_client(svc) as client:
        for _ in range(count):
            case_id = post(client, "/referrals", REFERRAL)["case_id"]
            post(client, f"/cases/{case_id}/eligibility", ELIGIBILITY)
            post(client, f"/cases/{case_id}/key-worker", allocation)
            case_ids.append(case_id)
    return case_ids


def contact_worker(svc: Service, case_ids: list[str]) -> Worker:
    """Each worker records contacts on its own case, one request at a time."""
    paths = [f"/cases/{case_id}/contacts" for case_id in case_ids]
    return poster(svc.base_url, {"Authorization": f"Bearer {svc.token}"}, paths)


def floor_worker(base_url: str, clients: int) -> Worker:
    """Each worker posts the same contact to the HTTP floor, one request at a time."""
    return poster(base_url, {}, ["/floor"] * clients)


def poster(base_url: str, headers: dict[str, str], paths: list[str]) -> Worker:
    """Workers that each POST a contact to their own path (by index), one at a time."""

    def work(index: int, deadline: float, stop: threading.Event) -> Tally:
        tally = Tally()
        with httpx.Client(
            base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS, trust_env=False
        ) as client:
            while time.perf_counter() < deadline and not stop.is_set():
                started = time.perf_counter()
                try:
                    response = client.post(paths[index], json=CONTACT)
                except httpx.HTTPError as error:
                    tally.errors[type(error).__name__] += 1
                    continue
                if response.is_success:
                    tally.latencies.append(time.perf_counter() - started)
                else:
                    tally.errors[str(response.status_code)] += 1
        return tally

    return work


def raw_insert_worker(database: Database) -> Worker:
    """Each worker inserts one ~300-byte row per (autocommitted, synchronous) transaction."""

    def work(index: int, deadline: float, stop: threading.Event) -> Tally:
        tally = Tally()
        payload = secrets.token_hex(150)
        with psycopg.connect(database.conninfo, autocommit=True) as connection:
            while time.perf_counter() < deadline and not stop.is_set():
                started = time.perf_counter()
                connection.execute("INSERT INTO bench_raw (payload) VALUES (%s)", (payload,))
                tally.latencies.append(time.perf_counter() - started)
        return tally

    return work


def measure(clients: int, seconds: float, work: Worker) -> Sample:
    """Runs `clients` workers in threads for `seconds`; Ctrl-C stops them all."""
    stop = threading.Event()
    started = time.perf_counter()
    deadline = started + seconds
    with ThreadPoolExecutor(max_workers=clients) as pool:
        try:
            futures = [pool.submit(work, index, deadline, stop) for index in range(clients)]
            tallies = [future.result() for future in futures]
        finally:
            stop.set()
    elapsed = time.perf_counter() - started
    latencies = [latency for tally in tallies for latency in tally.latencies]
    errors = sum((tally.errors for tally in tallies), Counter[str]())
    return Sample(elapsed, latencies, errors)


@contextmanager
def raw_table(database: Database) -> Iterator[None]:
    with psycopg.connect(database.conninfo, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_raw")
        connection.execute("CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload text)")
    try:
        yield
    finally:
        with psycopg.connect(database.conninfo, autocommit=True) as connection:
            connection.execute("DROP TABLE IF EXISTS bench_raw")


def row(clients: int, api: Sample, floor: Sample, raw: Sample) -> dict[str, Any]:
    return {
        "clients": clients,
        "api_commands_per_s": round(api.rate, 1),
        "api_p50_ms": round(api.percentile_ms(50), 2),
        "api_p99_ms": round(api.percentile_ms(99), 2),
        "floor_per_s": round(floor.rate, 1),
        "floor_p50_ms": round(floor.percentile_ms(50), 2),
        "floor_p99_ms": round(floor.percentile_ms(99), 2),
        "floor_ratio_percent": round(100 * api.rate / floor.rate, 1) if floor.rate else None,
        "raw_inserts_per_s": round(raw.rate, 1),
        "raw_p50_ms": round(raw.percentile_ms(50), 2),
        "raw_p99_ms": round(raw.percentile_ms(99), 2),
        "ratio_percent": round(100 * api.rate / raw.rate, 1) if raw.rate else None,
        "api_errors": dict(api.errors),
        "floor_errors": dict(floor.errors),
    }


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        "clients | API commands/s | API p50/p99 ms | floor/s | floor p50/p99 ms | "
        "of floor | raw inserts/s | of raw"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['clients']:>7} | {r['api_commands_per_s']:>14,.1f}"
            f" | {r['api_p50_ms']:>6.2f}/{r['api_p99_ms']:<7.2f}"
            f" | {r['floor_per_s']:>7,.1f} | {r['floor_p50_ms']:>7.2f}/{r['floor_p99_ms']:<8.2f}"
            f" | {r['floor_ratio_percent']:>6.1f} % | {r['raw_inserts_per_s']:>13,.1f}"
            f" | {r['ratio_percent']:>4.1f} %"
        )
    for name in ("api", "floor"):
        errors = sum((Counter(r[f"{name}_errors"]) for r in rows), Counter[str]())
        lines.append(f"{name} errors (non-2xx or failed requests): {errors.total()} {dict(errors)}")
    return "\n".join(lines)


def run(
    settings: Settings, clients: list[int], seconds: float, one_process: bool = False
) -> list[dict[str, Any]]:
    rows = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="keywork-bench-")))
        folder.chmod(0o755)  # as root, PostgreSQL runs as another user that must traverse it
        database = stack.enter_context(postgres(settings, folder))
        only = ("api", "projections", "notifier", "overdue") if one_process else ()
        svc = stack.enter_context(service(database, folder, only))
        floor = stack.enter_context(floor_server(database, folder, settings.postgres_pool_size))
        stack.enter_context(raw_table(database))
        practitioner_id = register_key_worker(svc)
        for count in clients:
            # Fresh cases at each concurrency: a case's history (replayed on every command)
            # grows with each contact, so reusing them would slow the later runs.
            progress(f"{count} client(s): opening {count} case(s)")
            case_ids = open_cases(svc, practitioner_id, count)
            progress(f"{count} client(s): recording contacts for {seconds:g} s")
            api = measure(count, seconds, contact_worker(svc, case_ids))
            progress(f"{count} client(s): the HTTP floor for {seconds:g} s")
            at_floor = measure(count, seconds, floor_worker(floor, count))
            progress(f"{count} client(s): raw inserts for {seconds:g} s")
            raw = measure(count, seconds, raw_insert_worker(database))
            rows.append(row(count, api, at_floor, raw))
    return rows


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.one_process:
        os.environ["KEYWORK_API_WORKERS"] = "1"  # the floor's processes, as the service's
    settings = Settings()
    try:
        rows = run(settings, args.clients, args.seconds, args.one_process)
    except KeyboardInterrupt:
        sys.exit(130)
    print()
    print(table(rows))
    postgres_kind = "embedded" if settings.uses_embedded_postgres else "configured server"
    layout = "one process" if args.one_process else "processes"
    figures = {"seconds_per_run": args.seconds, "postgres": postgres_kind, "layout": layout}
    write("commands", figures | {"rows": rows})


if __name__ == "__main__":
    main()
