"""How fast the relay publishes the store to Kafka, and how long an event takes to get there.

Starts a PostgreSQL (embedded, unless the settings name a server) and a real Kafka-protocol broker
(tansu) on loopback, in a scratch database:

- Throughput: writes --events case events through the application (many cases per save), then
  times a relay publishing all of them (idempotent producer, acks=all, position stored after each
  acknowledged batch), beside the rate of reading and decoding the same events with no sending.
- Latency: with the relay following the store, records contacts at --rate commands/s for
  --seconds; a consumer on its own thread notes when each message arrives. Latency runs from the
  event's `recordedtime` (stamped as the command is recorded, just before its commit) to arrival.

    .venv/bin/python bench/relay.py [--events 20000] [--rate 100] [--seconds 10]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from kafka import KafkaConsumer, TopicPartition

from bench.commands import postgres, progress
from bench.figures import write
from bench.history import (
    applications,
    bench_settings,
    read_and_decode,
    scratch_database,
    write_cases,
)
from bench.lag import percentile_ms
from consumers.publication import CASE_TOPIC, DIRECTORY_TOPIC
from consumers.relay import Relay
from services.commands import Command
from services.keywork import Keywork
from services.settings import Settings
from store.database import Database
from tests.broker import running_broker
from tests.integration.conftest import active_case

REPO = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events to relay for throughput")
    parser.add_argument("--rate", type=float, default=100.0, help="commands/s while timing latency")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to time latency")
    return parser.parse_args(argv)


def throughput(keywork: Keywork, database: Database, broker: str) -> dict[str, Any]:
    started = time.perf_counter()
    decoded = read_and_decode(keywork)
    decode_seconds = time.perf_counter() - started
    relay = Relay(keywork, database, broker)
    try:
        started = time.perf_counter()
        while relay.relay_batch():
            pass
        seconds = time.perf_counter() - started
    finally:
        relay.stop()
    return {
        "events": decoded,
        "seconds": round(seconds, 2),
        "relay_events_per_s": round(decoded / seconds),
        "read_decode_events_per_s": round(decoded / decode_seconds),
    }


class Arrivals:
    """A consumer on its own thread noting, for the messages about one case recorded from now
    on, each one's latency from its recorded time to its arrival."""

    def __init__(self, broker: str, subject: str) -> None:
        self.subject = subject
        self.since = datetime.now(UTC)
        self.latencies: list[float] = []
        self._stop = threading.Event()
        # A short fetch wait, so that the figure is the relay's and not the consumer's long poll.
        self._consumer = KafkaConsumer(
            bootstrap_servers=broker, enable_auto_commit=False, fetch_max_wait_ms=5
        )
        partitions = [
            TopicPartition(topic, p)
            for topic in (CASE_TOPIC, DIRECTORY_TOPIC)
            for p in self._consumer.partitions_for_topic(topic) or ()
        ]
        self._consumer.assign(partitions)
        self._consumer.seek_to_end()
        self._thread = threading.Thread(target=self._read)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            for batch in self._consumer.poll(timeout_ms=100).values():
                arrived = datetime.now(UTC)
                for record in batch:
                    headers = dict(record.headers)
                    if headers["ce_subject"].decode() != self.subject:
                        continue
                    recorded = datetime.fromisoformat(headers["ce_recordedtime"].decode())
                    if recorded >= self.since:  # only the commands made while timing
                        self.latencies.append((arrived - recorded).total_seconds())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._consumer.close()


def latency(
    keywork: Keywork, database: Database, broker: str, rate: float, seconds: float
) -> dict[str, Any]:
    case_id = active_case(keywork)
    relay = Relay(keywork, database, broker)
    while relay.relay_batch():  # from the head on, so that only new events are timed
        pass
    arrivals = Arrivals(broker, str(case_id))
    relay.start()
    sent = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            record_a_contact(keywork, case_id)
            sent += 1
            time.sleep(1 / rate)
        time.sleep(1.0)  # for the last ones to arrive
    finally:
        relay.stop()
        arrivals.stop()
    values = arrivals.latencies
    return {
        "commands": sent,
        "received": len(values),
        "p50_ms": percentile_ms(values, 50),
        "p99_ms": percentile_ms(values, 99),
        "max_ms": round(max(values) * 1000, 1) if values else None,
    }


def record_a_contact(keywork: Keywork, case_id: UUID) -> None:
    keywork.record_contact(
        Command(actor="bench"), case_id, kind="phone", participants=[], note=None, functions=[]
    )


@contextmanager
def history_and_broker(settings: Settings, events: int) -> Iterator[tuple[Keywork, Database, str]]:
    """`events` case events in a scratch database, and a running tansu broker (its address)."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="keywork-bench-")))
        folder.chmod(0o755)  # as root, PostgreSQL runs as another user that must traverse it
        server = stack.enter_context(postgres(settings, folder))
        database = stack.enter_context(scratch_database(server))
        keywork, _ = stack.enter_context(applications(database, bench_settings()))
        progress(f"writing {events:,} case events")
        write_cases(keywork, events, datetime.now(UTC) - timedelta(days=800))
        broker = stack.enter_context(running_broker())
        progress("relaying them to a tansu broker")
        yield keywork, database, broker


def run(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    with history_and_broker(settings, args.events) as (keywork, database, broker):
        relayed = throughput(keywork, database, broker)
        progress(
            f"timing store-to-Kafka latency at {args.rate:g} commands/s for {args.seconds:g} s"
        )
        timed = latency(keywork, database, broker, args.rate, args.seconds)
    return {"throughput": relayed, "latency": timed}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        figures = run(Settings(), args)
    except KeyboardInterrupt:
        sys.exit(130)
    relayed, timed = figures["throughput"], figures["latency"]
    ratio = 100 * relayed["relay_events_per_s"] / relayed["read_decode_events_per_s"]
    print(
        f"\nrelay: {relayed['events']:,} events in {relayed['seconds']} s = "
        f"{relayed['relay_events_per_s']:,} events/s (read+decode alone "
        f"{relayed['read_decode_events_per_s']:,}/s, ratio {ratio:.1f} %)\n"
        f"store to Kafka: p50 {timed['p50_ms']} ms, p99 {timed['p99_ms']} ms, "
        f"max {timed['max_ms']} ms over {timed['received']:,} events "
        f"({timed['commands']:,} commands at up to {args.rate:g}/s)"
    )
    write("relay", figures)


if __name__ == "__main__":
    main()
