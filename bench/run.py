"""All the benchmarks in one run, and one table of their figures against the targets.

Runs each part as its own process (commands, projections, relay, partitions, snapshots, reads),
writing its figures into one folder for this run, bench/results/run-<time>/, then prints the
table and writes it to that folder as summary.json. Every figure is measured in this run; the
ratios compare against baselines measured in the same run (raw inserts on the same PostgreSQL,
reading and decoding the same events, loading the same case without snapshots).

    .venv/bin/python bench/run.py                   # make bench: county-scale reads
    .venv/bin/python bench/run.py --scale england   # make bench-scale: the county's, then England's
"""

import os
import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on the path: the repository root goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import platform
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.figures import REPO, latest, results_folder

MEMORY_GROWTH_ALLOWED = 0.10  # "flat": a rebuild's peak within 10 % of its start


@dataclass(frozen=True)
class Line:
    measure: str
    figure: str
    target: str = ""
    met: bool | None = None  # None: no target

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "NO", None: ""}[self.met]


def parts(scale: str) -> list[list[str]]:
    """The command line of each part: England's reads beside the county's."""
    reads = ["bench/reads.py", "--scale", scale]
    if scale != "county":
        return [["bench/reads.py", "--scale", "county"], reads]
    return [
        ["bench/commands.py"],
        ["bench/projections.py"],
        ["bench/relay.py"],
        ["bench/partitions.py"],
        ["bench/snapshots.py"],
        reads,
    ]


def run_parts(folder: Path, scale: str) -> None:
    environment = os.environ | {"KEYWORK_BENCH_RESULTS": str(folder)}
    for part in parts(scale):
        print(f"[bench] ===== {' '.join(part)}", flush=True)
        subprocess.run([sys.executable, *part], cwd=REPO, env=environment, check=True)


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def command_lines(commands: dict[str, Any]) -> Iterator[Line]:
    for row in commands["rows"]:
        yield Line(
            f"commands/s over HTTP, {row['clients']} client(s) (p50 / p99 ms)",
            f"{row['api_commands_per_s']:,.1f} ({ms(row['api_p50_ms'])} / {ms(row['api_p99_ms'])})",
        )
        yield Line(
            f"  HTTP floor/s, {row['clients']} client(s) (p50 / p99 ms); service's share",
            f"{row['floor_per_s']:,.1f} ({ms(row['floor_p50_ms'])} / {ms(row['floor_p99_ms'])});"
            f" {row['floor_ratio_percent']} %",
            ">= 50 %",
            row["floor_ratio_percent"] >= 50,
        )
        yield Line(
            f"  raw single-row inserts/s, {row['clients']} client(s); service's share",
            f"{row['raw_inserts_per_s']:,.0f}; {row['ratio_percent']} %",
        )


def projection_lines(projections: dict[str, Any]) -> Iterator[Line]:
    lag = projections["lag"]
    yield Line(
        f"commands paced at {lag['target_commands_per_s']:g}/s: achieved/s, p99 ms",
        f"{lag['achieved_commands_per_s']:,.1f}, {ms(lag['command_p99_ms'])}",
        f"{lag['target_commands_per_s']:g}/s, p99 <= 25 ms",
        lag["achieved_commands_per_s"] >= 0.95 * lag["target_commands_per_s"]
        and lag["command_p99_ms"] <= 25,
    )
    yield Line(
        f"projection lag, {lag['read_model']} (p50 / p99 ms)",
        f"{ms(lag['lag_p50_ms'])} / {ms(lag['lag_p99_ms'])}",
        "p99 <= 100 ms",
        lag["lag_p99_ms"] is not None and lag["lag_p99_ms"] <= 100,
    )
    for row in projections["rebuild"]:
        growth = row["rss_peak_mib"] - row["rss_before_mib"]
        first, second = row["rss_first_half_peak_mib"], row["rss_second_half_peak_mib"]
        measure = f"rebuild {row['read_model']}: events/s (peak MiB, over start; 2nd half over 1st)"
        figure = (
            f"{row['rebuild_events_per_s']:,} ({row['rss_peak_mib']:,.0f}, +{growth:.1f}; "
            f"{second - first:+.1f})"
        )
        if row["processes"] > 1:
            # A way to the rate of the row before, which holds the target: shown, not judged
            # (on two cores the share processes and PostgreSQL take turns on the same ones).
            yield Line(measure, figure)
            continue
        # Issue 25: each read model 20,000 events/s; all of them from 10M events in 15 minutes.
        least = 10_000_000 / 900 if row["read_model"] == "all together" else 20_000
        yield Line(
            measure,
            figure,
            f">= {least:,.0f}/s, flat",
            row["rebuild_events_per_s"] >= least
            and growth <= MEMORY_GROWTH_ALLOWED * row["rss_before_mib"],
        )
    metrics = projections["metrics"]
    yield Line(
        "a year's metrics in process, median ms",
        ms(metrics["median_ms"]),
        "<= 1,000 ms",
        metrics["median_ms"] <= 1000,
    )


def relay_lines(relay: dict[str, Any]) -> Iterator[Line]:
    throughput, latency = relay["throughput"], relay["latency"]
    yield Line(
        "relay to Kafka: events/s (read+decode alone)",
        f"{throughput['relay_events_per_s']:,} ({throughput['read_decode_events_per_s']:,})",
    )
    yield Line(
        "store to Kafka latency (p50 / p99 ms)",
        f"{ms(latency['p50_ms'])} / {ms(latency['p99_ms'])}",
    )


def partition_lines(partitions: dict[str, Any]) -> Iterator[Line]:
    for run in partitions["runs"]:
        yield Line(
            f"projection from Kafka partitions, {run['workers']} worker process(es): events/s",
            f"{run['events_per_s']:,}",
        )
    yield Line("  speed-up, 3 workers against 1", f"{partitions['speedup']:.2f}x")


def snapshot_lines(snapshots: dict[str, Any]) -> Iterator[Line]:
    rows = snapshots["rows"]
    for without, with_snapshots in zip(rows[::2], rows[1::2], strict=True):
        yield Line(
            f"cold load of a {without['case_events']:,}-event case, no snapshots (p50 / p99 ms)",
            f"{ms(without['p50_ms'])} / {ms(without['p99_ms'])}",
        )
        yield Line(
            f"  snapshots every {with_snapshots['snapshots']}: one snapshot and "
            f"{with_snapshots['events_read']:,} events read (p50 / p99 ms); p50 speed-up",
            f"{ms(with_snapshots['p50_ms'])} / {ms(with_snapshots['p99_ms'])}; "
            f"{without['p50_ms'] / with_snapshots['p50_ms']:.1f}x",
        )


def read_lines(reads: dict[str, Any]) -> Iterator[Line]:
    load, rebuilt = reads["load"], reads["rebuild"]
    if load["rows"]:  # none when an earlier run had written them all
        yield Line(
            f"load of {reads['scale']} history: rows/s (case events and their reads)",
            f"{load['rows_per_s']:,} ({load['rows']:,} in {load['seconds']:,} s)",
            ">= 25,000/s",
            load["rows_per_s"] >= 25_000,
        )
    # Issue 25: all read models from England's 10M events in 15 minutes.
    yield Line(
        f"rebuild of every read model at once, {reads['scale']}: events/s",
        f"{rebuilt['events_per_s']:,} ({rebuilt['events']:,} in {rebuilt['seconds']:,} s)",
        ">= 11,111/s",
        rebuilt["events_per_s"] >= 10_000_000 / 900,
    )
    for name, read in reads["reads"].items():
        if name == "a year's metrics":
            # Issue 25: a county's year over HTTP in 200 ms, England's in a second (medians).
            most = 200 if reads["scale"] == "county" else 1000
            target, met = f"p50 <= {most:,} ms", read["p50_ms"] <= most
        elif "as_at" in name or name.startswith("trail"):
            target, met = "p99 <= 50 ms", read["p99_ms"] <= 50
        else:
            target, met = "p99 <= 10 ms", read["p99_ms"] <= 10
        yield Line(
            f"read {name} on {reads['events']:,} events (p50 / p99 ms)",
            f"{ms(read['p50_ms'])} / {ms(read['p99_ms'])}",
            target,
            met,
        )


def lines(folder: Path) -> list[Line]:
    found: list[Line] = []
    for benchmark, make in (
        ("commands", command_lines),
        ("projections", projection_lines),
        ("relay", relay_lines),
        ("partitions", partition_lines),
        ("snapshots", snapshot_lines),
        ("reads-county", read_lines),
        ("reads-england", read_lines),
    ):
        figures = latest(folder, benchmark)
        if figures is not None:
            found.extend(make(figures))
    return found


def table(found: list[Line]) -> str:
    measure, figure, target = (
        max(len(getattr(line, column)) for line in found)
        for column in ("measure", "figure", "target")
    )
    header = f"{'measure':<{measure}} | {'figure':<{figure}} | {'target':<{target}} | met"
    rows = [
        f"{line.measure:<{measure}} | {line.figure:<{figure}} | {line.target:<{target}} | "
        f"{line.verdict}"
        for line in found
    ]
    return "\n".join([header, "-" * len(header), *rows])


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["county", "england"], default="county")
    args = parser.parse_args(argv)
    folder = results_folder() / f"run-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    try:
        run_parts(folder, args.scale)
    except KeyboardInterrupt:
        sys.exit(130)
    found = lines(folder)
    print(f"\nkeywork benchmarks, {machine()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(table(found))
    summary = {"machine": machine(), "scale": args.scale, "lines": [vars(x) for x in found]}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nFigures written to {folder}")


if __name__ == "__main__":
    main()
