"""How far the key_working read model trails the commands, and how fast read models rebuild.

Lag: starts a PostgreSQL (embedded in a temporary folder, unless the settings name a server) and the
service as a subprocess on loopback (its projection runner in-process), opens a few cases, then for
--seconds has --clients threads record contacts on them, paced at --rate commands/s in all: each
thread leaves clients/rate seconds between its sends, so the target is never exceeded. A monitor
thread polls key_working's tracking position every 2 ms on a connection of its own. A command's lag
runs from its 2xx arriving to its X-Event-Position first being seen committed in the tracking table
(0 if it already was), so the figures are rounded up to the poll interval.

Rebuild: with the service stopped, this process writes --events case events and --views access-log
events into a fresh database through the applications, in the order they were recorded (cases
interleaved, as in a service's store), then times a rebuild of each read model beside the raw
rate of reading and decoding the same events (5,000 per page, no writes), then all of them
rebuilt together (one pass over each store), its rate in events of both stores a second: in this
process, then with the read models that split by case shared between processes, one a core
(`keywork projections rebuild --processes N`). Memory is this process's resident set, read from
/proc/self/statm every 10 ms during each run (Linux): its peak, its growth over the run's start,
and the peak of its second half over its first's (not the share processes').

    .venv/bin/python bench/projections.py [--seconds 15] [--rate 200] [--clients 4]
                                          [--events 100000] [--views 20000]

Against a configured server this writes benchmark events into its event store, and creates (then
drops) a database `keywork_bench_rebuild`.
"""

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
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from eventsourcing.application import Application

from api.bootstrap import openers
from api.metrics_report import report
from bench.commands import (
    postgres,
    progress,
)
from bench.figures import write
from bench.history import (
    HISTORY_DAYS,
    applications,
    bench_settings,
    read_and_decode,
    scratch_database,
    settle,
    write_cases,
    write_views,
)
from bench.lag import measure_lag
from projections.metrics import Metrics
from projections.rebuild import rebuild, rebuild_together
from projections.registry import READ_MODELS
from projections.service_metrics import Period
from projections.shares import Split
from services.settings import Settings
from store.blind_index import BlindIndex
from store.database import Database

T = TypeVar("T")
MIB = 1024 * 1024

METRICS_RUNS = 5
RSS_SAMPLE_SECONDS = 0.01


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


# --- Rebuild speed --------------------------------------------------------------------------


def rss_mib() -> float:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / MIB


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class RssWatch:
    """This process's resident set, read every RSS_SAMPLE_SECONDS while the context lasts."""

    def __init__(self) -> None:
        self.before = rss_mib()
        self.samples: list[tuple[float, float]] = [(time.monotonic(), self.before)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-watch", daemon=True)

    def __enter__(self) -> "RssWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.monotonic(), rss_mib()))

    def _sample(self) -> None:
        while not self._stop.wait(RSS_SAMPLE_SECONDS):
            self.samples.append((time.monotonic(), rss_mib()))

    @property
    def peak(self) -> float:
        return max(rss for _, rss in self.samples)

    def halves(self) -> tuple[float, float]:
        """The peak of the run's first half, and of its second: memory that grows with the
        events applied shows as a second half above the first, where the first holds the
        working set a pass allocates at its start (its batches in flight)."""
        middle = (self.samples[0][0] + self.samples[-1][0]) / 2
        first = max(rss for at, rss in self.samples if at <= middle)
        return first, max((rss for at, rss in self.samples if at > middle), default=first)


@dataclass(frozen=True)
class Run:
    events: int
    seconds: float
    rss_before_mib: float
    rss_peak_mib: float
    rss_halves_mib: tuple[float, float]  # the peaks of its first half and of its second
    maxrss_after_mib: float  # the process's high-water mark so far (getrusage)

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def timed(events: int, work: Callable[[], T]) -> tuple[Run, T]:
    with RssWatch() as rss:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    return Run(events, seconds, rss.before, rss.peak, rss.halves(), maxrss_mib()), result


def head(app: Application[Any]) -> int:
    return app.recorder.max_notification_id() or 0


def rebuild_row(
    name: str, run: Run, baseline: Run, position: int, processes: int = 1
) -> dict[str, Any]:
    """One rebuild's figures; for read models rebuilt together, their one pass over the stores
    against reading and decoding the cases' alone (in `processes` processes)."""
    return {
        "read_model": name,
        "processes": processes,
        "events": run.events,
        "position_reached": position,
        "seconds": round(run.seconds, 2),
        "rebuild_events_per_s": round(run.rate),
        "read_decode_events_per_s": round(baseline.rate),
        "ratio_percent": round(100 * run.rate / baseline.rate, 1),
        "rss_before_mib": round(run.rss_before_mib, 1),
        "rss_peak_mib": round(run.rss_peak_mib, 1),
        "rss_first_half_peak_mib": round(run.rss_halves_mib[0], 1),
        "rss_second_half_peak_mib": round(run.rss_halves_mib[1], 1),
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
    settings = bench_settings()
    with (
        scratch_database(database) as scratch,
        applications(scratch, settings) as (keywork, access),
    ):
        start = datetime.now(UTC) - timedelta(days=HISTORY_DAYS)
        progress(f"writing {events:,} case events and {views:,} access events to {scratch.dbname}")
        write_cases(keywork, events, start)
        write_views(access, views, start)
        settle(scratch)
        apps: dict[str, Application[Any]] = {keywork.name: keywork, access.name: access}
        baselines = {}
        for name, app in apps.items():
            if head(app):
                progress(f"reading and decoding the {name} events")
                baselines[name], _ = timed(head(app), partial(read_and_decode, app))
        rows = []
        metrics: dict[str, Any] = {}
        index = BlindIndex(os.urandom(32))  # the child index's rows are made and dropped here
        datastore = keywork.store.datastore
        for kind in READ_MODELS:
            app = apps[kind.follows]
            if not head(app):
                continue
            progress(f"rebuilding {kind.name} from {head(app):,} {kind.follows} events")
            rebuilding = partial(rebuild, app, datastore, kind, blind_index=index)
            run, fresh = timed(head(app), rebuilding)
            rows.append(rebuild_row(kind.name, run, baselines[kind.follows], fresh.position()))
            if isinstance(fresh, Metrics):
                progress("timing a year's service metrics")
                metrics = measure_metrics(fresh)
        kinds = [kind for kind in READ_MODELS if head(apps[kind.follows])]
        events_read = sum(head(app) for app in apps.values())
        # Then as `keywork projections rebuild --processes N` does: those that split by case
        # shared between processes, one a core.
        shares = os.cpu_count() or 1
        for name, split in (
            ("all together", None),
            (f"all together, in {shares} processes", Split(shares, openers(settings, scratch))),
        ):
            progress(f"rebuilding {name} from {events_read:,} events of {len(kinds)} read models")
            together = partial(
                rebuild_together, apps, datastore, kinds, blind_index=index, split=split
            )
            run, rebuilt = timed(events_read, together)
            reached = sum({model.follows: model.position() for model in rebuilt}.values())
            processes = split.shares if split else 1
            rows.append(rebuild_row(name, run, baselines[keywork.name], reached, processes))
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
                "  memory: RSS peak (over start; second half over first); ru_maxrss",
                f"{r['rss_peak_mib']:,.0f} MiB (+{r['rss_peak_mib'] - r['rss_before_mib']:.1f}; "
                f"{r['rss_second_half_peak_mib'] - r['rss_first_half_peak_mib']:+.1f})"
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
        f"{1000 * RSS_SAMPLE_SECONDS:g} ms during each rebuild (peak, and growth over its start;"
        " the second half's peak over the first's);"
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
