"""Lag under load: how far the key_working read model trails the commands (bench/projections.py
runs it and documents the method)."""

import argparse
import statistics
import threading
import time
from bisect import bisect_left
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.sql import SQL, Composed, Identifier

from bench.commands import (
    CONTACT,
    Sample,
    Service,
    Tally,
    Worker,
    api_client,
    measure,
    open_cases,
    progress,
    register_key_worker,
    service,
)
from projections.key_working import KeyWorking
from projections.read_model import ReadModel
from store.database import Database

# Lag under load
POLL_SECONDS = 0.002
CASES_PER_CLIENT = 2
VISIBLE_WAIT_SECONDS = 30.0  # after the load, for the last acknowledged command to show


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
