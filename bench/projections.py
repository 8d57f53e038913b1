"""How far the key_working read model trails the commands, and how fast read models rebuild.

Lag: starts a PostgreSQL (embedded in a temporary folder, unless the settings name a server) and the
service as a subprocess on loopback (its projection runner in-process), opens a few cases, then for
--seconds has --clients threads record contacts on them, paced at --rate commands/s in all: each
thread leaves clients/rate seconds between its sends, so the target is never exceeded. A monitor
thread polls key_working's tracking position every 2 ms on a connection of its own. A command's lag
runs from its 2xx arriving to its X-Event-Position first being seen committed in the tracking table
(0 if it already was), so the figures are rounded up to the poll interval.

Rebuild: with the service stopped, this process writes --events case events and --views access-log
events into a fresh database through the applications, many aggregates per save, then times
`projections.rebuild.rebuild` for each read model beside the raw rate of reading and decoding the
same events (5,000 per page, no writes). Memory is this process's resident set, read from
/proc/self/statm every 10 ms during each run (Linux): its peak, and the growth over the run's start.

    .venv/bin/python bench/projections.py [--seconds 15] [--rate 200] [--clients 4]
                                          [--events 100000] [--views 20000]

Against a configured server this writes benchmark events into its event store, and creates (then
drops) a database `keywork_bench_rebuild`.
"""

import base64
import os
import sys

# Run as a script, this folder comes first on sys.path, where this file would shadow the
# `projections` package: the repository root goes before it (and makes `bench` importable).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import resource
import statistics
import tempfile
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid4

import httpx
import psycopg
from eventsourcing.application import Application
from psycopg.sql import SQL, Composed, Identifier
from pydantic import SecretStr
from tqdm import tqdm

from api.bootstrap import open_access_log, open_keywork
from api.metrics_report import report
from bench.commands import (
    CONTACT,
    Sample,
    Service,
    Tally,
    Worker,
    api_client,
    measure,
    open_cases,
    postgres,
    progress,
    register_key_worker,
    service,
)
from bench.figures import write
from domain.access import Access
from domain.case import Case, Child, Referrer
from domain.case_base import FamilyMember
from domain.directory import Agency, Practitioner
from domain.eligibility import NORFOLK_RULES, EligibilityFacts
from domain.stamp import Stamp, event_id
from projections.key_working import KeyWorking
from projections.metrics import Metrics
from projections.read_model import ReadModel
from projections.rebuild import REBUILD_BATCH_SIZE, rebuild
from projections.registry import READ_MODELS
from projections.service_metrics import Period
from services.access import AccessLog
from services.keywork import Keywork
from services.settings import Settings
from store.blind_index import BlindIndex
from store.database import Database

T = TypeVar("T")
MIB = 1024 * 1024

# Lag under load
POLL_SECONDS = 0.002
CASES_PER_CLIENT = 2
VISIBLE_WAIT_SECONDS = 30.0  # after the load, for the last acknowledged command to show

# Rebuild
REBUILD_DBNAME = "keywork_bench_rebuild"
POOL_SIZE = 4
PRACTITIONERS = 50
CASES_PER_SAVE = 200
VIEWS_PER_SAVE = 1000
RSS_SAMPLE_SECONDS = 0.01
ACTOR = "bench-coordinator"
CHILD = Child("Sam", "Bench", date(2016, 5, 1), "9434765919")
FAMILY = [FamilyMember("Alex Parent", "mother", True, "email", "a@example.org")]
MEETS_RULES = EligibilityFacts(True, True, 3, 2)
# A case's history, by day from its referral: weekly contacts, a review, a handover, a closure.
HISTORY_DAYS = 120
METRICS_RUNS = 5
CONTACT_DAYS = range(5, 105, 7)
HANDOVER_DAY, REVIEW_DAY, CLOSURE_DAY = 44, 60, 110
HANDOVER_EVERY, CLOSURE_EVERY = 5, 10  # one case in 5 changes key worker, one in 10 closes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of the load")
    parser.add_argument("--rate", type=float, default=200.0, help="target commands/s in all")
    parser.add_argument("--clients", type=int, default=4, help="client threads sharing the rate")
    parser.add_argument("--events", type=int, default=100_000, help="case events to rebuild from")
    parser.add_argument("--views", type=int, default=20_000, help="access-log events (0: none)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.rate <= 0 or args.clients < 1 or args.events < 1:
        parser.error("seconds, rate and events must be positive, clients at least 1")
    if args.views < 0:
        parser.error("views must not be negative")
    return args


# --- Lag under load -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    position: int  # X-Event-Position
    at: float  # perf_counter when the 2xx arrived


@dataclass
class Visibility:
    """Each rise of a tracking position, with when a poll first saw it (perf_counter)."""

    seen_at: list[float] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # increasing

    def note(self, at: float, position: int) -> None:
        if not self.positions or position > self.positions[-1]:
            self.seen_at.append(at)
            self.positions.append(position)  # last: readers bisect positions, then index seen_at

    def first_seen(self, position: int) -> float | None:
        index = bisect_left(self.positions, position)
        return self.seen_at[index] if index < len(self.positions) else None

    def wait_for(self, position: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.first_seen(position) is None and time.monotonic() < deadline:
            time.sleep(0.01)


def tracking_query(connection: psycopg.Connection[Any], name: str) -> Composed:
    """Reads the tracking position of the live generation of read model `name`."""
    row = connection.execute(
        "SELECT generation FROM read_model_generations WHERE name = %s", (name,)
    ).fetchone()
    if row is None:
        raise RuntimeError(f"no live generation of {name} in read_model_generations")
    table = Identifier(f"{name}_g{row[0]}_tracking")
    return SQL("SELECT notification_id FROM {table} WHERE application_name = %s").format(
        table=table
    )


def poll(
    connection: psycopg.Connection[Any],
    query: Composed,
    follows: str,
    visibility: Visibility,
    stop: threading.Event,
) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        row = connection.execute(query, (follows,), prepare=True).fetchone()
        visibility.note(time.perf_counter(), int(row[0]) if row and row[0] is not None else 0)
        stop.wait(max(0.0, started + POLL_SECONDS - time.perf_counter()))


@contextmanager
def tracking_monitor(conninfo: str, kind: type[ReadModel]) -> Iterator[Visibility]:
    """Polls the read model's tracking position in a thread for as long as this context."""
    visibility = Visibility()
    stop = threading.Event()
    with (
        psycopg.connect(conninfo, autocommit=True) as connection,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracking-monitor") as pool,
    ):
        query = tracking_query(connection, kind.name)
        polling = pool.submit(poll, connection, query, kind.follows, visibility, stop)
        try:
            yield visibility
        finally:
            stop.set()
            polling.result()  # raises what stopped the monitor, if anything did


def paced_contacts(
    svc: Service, case_ids: list[str], clients: int, rate: float, acks: list[Ack]
) -> Worker:
    """Worker i records contacts on every clients-th case, at most rate/clients per second."""
    interval = clients / rate

    def work(index: int, deadline: float, stop: threading.Event) -> Tally:
        tally = Tally()
        mine = case_ids[index::clients]
        next_send = time.perf_counter() + index * interval / clients  # staggered starts
        with api_client(svc) as client:
            for sent_count in count():
                stop.wait(max(0.0, next_send - time.perf_counter()))
                sent = time.perf_counter()
                if sent >= deadline or stop.is_set():
                    break
                next_send = sent + interval
                path = f"/cases/{mine[sent_count % len(mine)]}/contacts"
                try:
                    response = client.post(path, json=CONTACT)
                except httpx.HTTPError as error:
                    tally.errors[type(error).__name__] += 1
                    continue
                arrived = time.perf_counter()
                if response.is_success:
                    tally.latencies.append(arrived - sent)
                    acks.append(Ack(int(response.headers["X-Event-Position"]), arrived))
                else:
                    tally.errors[str(response.status_code)] += 1
        return tally

    return work


def percentile_ms(values: list[float], percent: int) -> float | None:
    if len(values) < 2:
        return round(1000 * values[0], 1) if values else None
    return round(1000 * statistics.quantiles(values, n=100, method="inclusive")[percent - 1], 1)


def lag_figures(
    acks: list[Ack], visibility: Visibility, sample: Sample, args: argparse.Namespace
) -> dict[str, Any]:
    lags = []
    for ack in acks:
        seen = visibility.first_seen(ack.position)
        if seen is not None:
            lags.append(max(0.0, seen - ack.at))
    return {
        "read_model": KeyWorking.name,
        "target_commands_per_s": args.rate,
        "clients": args.clients,
        "seconds": args.seconds,
        "achieved_commands_per_s": round(sample.rate, 1),
        "commands_measured": len(lags),
        "never_visible": len(acks) - len(lags),
        "visible_at_ack_percent": round(100 * lags.count(0.0) / len(lags), 1) if lags else None,
        "lag_p50_ms": percentile_ms(lags, 50),
        "lag_p99_ms": percentile_ms(lags, 99),
        "lag_max_ms": round(1000 * max(lags), 1) if lags else None,
        "command_p50_ms": percentile_ms(sample.latencies, 50),
        "command_p99_ms": percentile_ms(sample.latencies, 99),
        "errors": dict(sample.errors),
        "poll_interval_ms": 1000 * POLL_SECONDS,
    }


def measure_lag(database: Database, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    with service(database, folder) as svc:
        practitioner_id = register_key_worker(svc)
        case_ids = open_cases(svc, practitioner_id, args.clients * CASES_PER_CLIENT)
        acks: list[Ack] = []
        work = paced_contacts(svc, case_ids, args.clients, args.rate, acks)
        with tracking_monitor(database.conninfo, KeyWorking) as visibility:
            progress(f"recording contacts at up to {args.rate:g}/s for {args.seconds:g} s")
            sample = measure(args.clients, args.seconds, work)
            if acks:
                visibility.wait_for(max(ack.position for ack in acks), VISIBLE_WAIT_SECONDS)
    return lag_figures(acks, visibility, sample, args)


# --- Rebuild speed --------------------------------------------------------------------------


@contextmanager
def scratch_database(database: Database) -> Iterator[Database]:
    """A fresh database on the same server, dropped at the end."""

    def execute(statement: Composed) -> None:
        with psycopg.connect(database.conninfo, autocommit=True) as connection:
            connection.execute(statement)

    name = Identifier(REBUILD_DBNAME)
    execute(SQL("DROP DATABASE IF EXISTS {name} WITH (FORCE)").format(name=name))
    execute(SQL("CREATE DATABASE {name}").format(name=name))
    try:
        yield replace(database, dbname=REBUILD_DBNAME)
    finally:
        execute(SQL("DROP DATABASE IF EXISTS {name} WITH (FORCE)").format(name=name))


@contextmanager
def applications(database: Database) -> Iterator[tuple[Keywork, AccessLog]]:
    with ExitStack() as stack:
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        settings = Settings(
            master_key=SecretStr(key), postgres_pool_size=POOL_SIZE, aggregate_cache_size=0
        )
        keywork = open_keywork(settings, database)
        stack.callback(keywork.close)
        access = open_access_log(settings, database)
        stack.callback(access.close)
        yield keywork, access


def stamp_on(start: datetime, day: int, minute: int = 0) -> Stamp:
    at = start + timedelta(days=day, minutes=minute)
    return Stamp(ACTOR, at, at)


def directory(start: datetime) -> tuple[Agency, list[Practitioner]]:
    agency = Agency.register(stamp_on(start, 0), "Bench Agency", "health")
    practitioners = [
        Practitioner.register(
            stamp_on(start, 0),
            name=f"Worker {number}",
            role_title="Key worker",
            agency_id=agency.id,
            email=f"worker{number}@example.org",
            team_id=f"team-{number % 5}",
        )
        for number in range(PRACTITIONERS)
    ]
    return agency, practitioners


def case_history(index: int, practitioner_ids: Sequence[UUID], start: datetime) -> Case:
    """A case's first four months: referral to allocation, an agreement, weekly contacts and a
    review; one case in HANDOVER_EVERY changes key worker, one in CLOSURE_EVERY closes."""

    def on(day: int) -> Stamp:
        return stamp_on(start, day, minute=index % 1440)

    key_worker = practitioner_ids[index % len(practitioner_ids)]
    incoming = practitioner_ids[(index + 1) % len(practitioner_ids)]
    case = Case.refer(
        on(0),
        area="norfolk",
        route="professional",
        referrer=Referrer("Dr Bench"),
        child=CHILD,
        family=FAMILY,
        needs=["co-ordination of appointments"],
        consent_to_share=True,
    )
    case.decide_eligibility(on(1), NORFOLK_RULES, MEETS_RULES)
    allocated_on = on(1).occurred_at.date()
    case.allocate_key_worker(
        on(1), kind="designated", from_date=allocated_on, practitioner_id=key_worker
    )
    case.sign_service_agreement(
        on(2), contact_every_days=7, signed_by="Alex Parent", signed_on=on(2).occurred_at.date()
    )
    review_id = event_id(case.id, case.version + 1)
    case.schedule_review(
        on(3),
        review_id=review_id,
        at=on(REVIEW_DAY).occurred_at,
        location="School",
        requested_by="coordinator",
    )
    steps: list[tuple[int, Callable[[Stamp], None]]] = [
        (day, partial(case.record_contact, kind="phone", participants=["Alex Parent"], note=None))
        for day in CONTACT_DAYS
    ]
    steps.append(
        (
            REVIEW_DAY,
            partial(
                case.record_review_outcome,
                review_id=review_id,
                attendees=["Alex Parent"],
                child_views="Happy with school",
                decisions=["Carry on"],
                next_review_on=on(REVIEW_DAY + 180).occurred_at.date(),
                key_worker_confirmed=True,
            ),
        )
    )
    if index % HANDOVER_EVERY == 0:
        hand_over = partial(
            case.hand_over,
            kind="designated",
            on=on(HANDOVER_DAY).occurred_at.date(),
            reason="Caseload rebalanced",
            to_practitioner_id=incoming,
        )
        steps.append((HANDOVER_DAY, hand_over))
    if index % CLOSURE_EVERY == 0:
        close = partial(case.close, rules=NORFOLK_RULES, reason="needs_met", family_agreed=True)
        steps.append((CLOSURE_DAY, close))
    for day, step in sorted(steps, key=lambda pair: pair[0]):
        step(on(day))
    return case


def write_cases(keywork: Keywork, events: int, start: datetime) -> None:
    agency, practitioners = directory(start)
    keywork.save(agency, *practitioners)
    practitioner_ids = [p.id for p in practitioners]
    written = 1 + len(practitioners)
    index = 0
    with tqdm(total=events, initial=written, desc="case events", unit="event") as bar:
        while written < events:
            batch: list[Case] = []
            while len(batch) < CASES_PER_SAVE and written < events:
                case = case_history(index, practitioner_ids, start)
                written += len(case.pending_events)
                batch.append(case)
                index += 1
            keywork.save(*batch)
            bar.update(written - bar.n)


def write_views(access: AccessLog, views: int, start: datetime) -> None:
    with tqdm(total=views, desc="access events", unit="event") as bar:
        for first in range(0, views, VIEWS_PER_SAVE):
            batch = [
                Access(
                    stamp_on(start, HISTORY_DAYS - 1, minute=number % 1440),
                    role="coordinator",
                    subject_kind="case",
                    subject_id=str(uuid4()),
                    what="case",
                    purpose=None,
                    allowed=True,
                )
                for number in range(first, min(first + VIEWS_PER_SAVE, views))
            ]
            access.save(*batch)
            bar.update(len(batch))


def read_and_decode(app: Application[Any]) -> int:
    """What a rebuild must do at least: read every event in pages and decode it; no writes."""
    start, events = 1, 0
    while notifications := app.recorder.select_notifications(start=start, limit=REBUILD_BATCH_SIZE):
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        events += len(notifications)
        start = notifications[-1].id + 1
    return events


def rss_mib() -> float:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / MIB


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class RssWatch:
    """This process's resident set, read every RSS_SAMPLE_SECONDS while the context lasts."""

    def __init__(self) -> None:
        self.before = self.peak = rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-watch", daemon=True)

    def __enter__(self) -> "RssWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())

    def _sample(self) -> None:
        while not self._stop.wait(RSS_SAMPLE_SECONDS):
            self.peak = max(self.peak, rss_mib())


@dataclass(frozen=True)
class Run:
    events: int
    seconds: float
    rss_before_mib: float
    rss_peak_mib: float
    maxrss_after_mib: float  # the process's high-water mark so far (getrusage)

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def timed(events: int, work: Callable[[], T]) -> tuple[Run, T]:
    with RssWatch() as rss:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    return Run(events, seconds, rss.before, rss.peak, maxrss_mib()), result


def head(app: Application[Any]) -> int:
    return app.recorder.max_notification_id() or 0


def rebuild_row(kind: type[ReadModel], run: Run, baseline: Run, position: int) -> dict[str, Any]:
    return {
        "read_model": kind.name,
        "follows": kind.follows,
        "events": run.events,
        "position_reached": position,
        "seconds": round(run.seconds, 2),
        "rebuild_events_per_s": round(run.rate),
        "read_decode_events_per_s": round(baseline.rate),
        "ratio_percent": round(100 * run.rate / baseline.rate, 1),
        "rss_before_mib": round(run.rss_before_mib, 1),
        "rss_peak_mib": round(run.rss_peak_mib, 1),
        "maxrss_after_mib": round(run.maxrss_after_mib, 1),
    }


def measure_metrics(model: Metrics) -> dict[str, Any]:
    """How long a year's service metrics take, from the rebuilt metrics read model."""
    today = datetime.now(UTC).date()
    year = Period(today - timedelta(days=364), today, "the last 12 months")
    seconds = []
    for _ in range(METRICS_RUNS):
        started = time.perf_counter()
        found = report(model, year, datetime.now(UTC))
        seconds.append(time.perf_counter() - started)
    referrals = next(f.value for f in found.figures if (f.metric, f.group) == ("referrals", "all"))
    return {
        "period": year.label,
        "referrals": referrals,
        "runs": METRICS_RUNS,
        "median_ms": round(1000 * statistics.median(seconds), 1),
        "max_ms": round(1000 * max(seconds), 1),
    }


def measure_rebuilds(
    database: Database, events: int, views: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    with scratch_database(database) as scratch, applications(scratch) as (keywork, access):
        start = datetime.now(UTC) - timedelta(days=HISTORY_DAYS)
        progress(f"writing {events:,} case events and {views:,} access events to {scratch.dbname}")
        write_cases(keywork, events, start)
        write_views(access, views, start)
        apps: dict[str, Application[Any]] = {keywork.name: keywork, access.name: access}
        baselines = {}
        for name, app in apps.items():
            if head(app):
                progress(f"reading and decoding the {name} events")
                baselines[name], _ = timed(head(app), partial(read_and_decode, app))
        rows = []
        metrics: dict[str, Any] = {}
        index = BlindIndex(os.urandom(32))  # the child index's rows are made and dropped here
        for kind in READ_MODELS:
            app = apps[kind.follows]
            if not head(app):
                continue
            progress(f"rebuilding {kind.name} from {head(app):,} {kind.follows} events")
            rebuilding = partial(rebuild, app, keywork.store.datastore, kind, blind_index=index)
            run, fresh = timed(head(app), rebuilding)
            rows.append(rebuild_row(kind, run, baselines[kind.follows], fresh.position()))
            if isinstance(fresh, Metrics):
                progress("timing a year's service metrics")
                metrics = measure_metrics(fresh)
    return rows, metrics


# --- Report ---------------------------------------------------------------------------------


def table(lag: dict[str, Any], rebuilds: list[dict[str, Any]], metrics: dict[str, Any]) -> str:
    figures = [
        (
            f"{lag['read_model']} lag p50 / p99 / max",
            f"{lag['lag_p50_ms']} / {lag['lag_p99_ms']} / {lag['lag_max_ms']} ms",
        ),
        (
            f"commands/s (target {lag['target_commands_per_s']:g}, {lag['clients']} clients)",
            f"{lag['achieved_commands_per_s']:,.1f} over {lag['seconds']:g} s",
        ),
        (
            "commands measured",
            f"{lag['commands_measured']:,} ({lag['visible_at_ack_percent']} % visible at ack; "
            f"never visible {lag['never_visible']}; errors {sum(lag['errors'].values())})",
        ),
        ("command latency p50 / p99", f"{lag['command_p50_ms']} / {lag['command_p99_ms']} ms"),
    ]
    for r in rebuilds:
        stopped = r["position_reached"] != r["events"]
        figures.append(
            (
                f"rebuild {r['read_model']} ({r['events']:,} events)",
                f"{r['rebuild_events_per_s']:,} events/s in {r['seconds']:.1f} s; "
                f"read+decode {r['read_decode_events_per_s']:,}/s; "
                f"ratio {r['ratio_percent']:.1f} %"
                + (f" (STOPPED at position {r['position_reached']:,})" if stopped else ""),
            )
        )
        figures.append(
            (
                "  memory: RSS peak (growth); ru_maxrss",
                f"{r['rss_peak_mib']:,.0f} MiB (+{r['rss_peak_mib'] - r['rss_before_mib']:.1f})"
                f"; {r['maxrss_after_mib']:,.0f} MiB",
            )
        )
    figures.append(
        (
            f"a year's service metrics ({metrics['referrals']:,} referrals)",
            f"median {metrics['median_ms']:,} ms, max {metrics['max_ms']:,} ms "
            f"over {metrics['runs']} runs",
        )
    )
    width = max(len(name) for name, _ in figures)
    lines = [f"{'measure':<{width}} | figure", f"{'-' * width}-+-{'-' * 60}"]
    lines += [f"{name:<{width}} | {value}" for name, value in figures]
    lines += [
        f"Lag is measured to the tracking commit, polled every {lag['poll_interval_ms']:g} ms "
        "(figures are rounded up to the poll interval).",
        "Memory: this process's resident set read from /proc every "
        f"{1000 * RSS_SAMPLE_SECONDS:g} ms during each rebuild (peak, and growth over its start);"
        " ru_maxrss is the process's high-water mark so far (getrusage).",
    ]
    return "\n".join(lines)


def run(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="keywork-bench-")))
        folder.chmod(0o755)  # as root, PostgreSQL runs as another user that must traverse it
        database = stack.enter_context(postgres(settings, folder))
        lag = measure_lag(database, folder, args)  # the service stops before the rebuilds
        rebuilds, metrics = measure_rebuilds(database, args.events, args.views)
    return {
        "postgres": "embedded" if settings.uses_embedded_postgres else "configured server",
        "lag": lag,
        "rebuild": rebuilds,
        "metrics": metrics,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        figures = run(Settings(), args)
    except KeyboardInterrupt:
        sys.exit(130)
    print()
    print(table(figures["lag"], figures["rebuild"], figures["metrics"]))
    write("projections", figures)


if __name__ == "__main__":
    main()
