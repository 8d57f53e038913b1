"""Where each benchmark writes its figures: one JSON file per run of it, under bench/results/
(or the folder KEYWORK_BENCH_RESULTS names, which `bench/run.py` sets for the parts it runs)."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def results_folder() -> Path:
    return Path(os.environ.get("KEYWORK_BENCH_RESULTS", REPO / "bench" / "results"))


def write(benchmark: str, figures: dict[str, Any]) -> Path:
    """Writes the figures of one run of `benchmark`; returns the file's path."""
    folder = results_folder()
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = folder / f"{benchmark}-{now:%Y%m%dT%H%M%SZ}.json"
    document = {"benchmark": benchmark, "finished_at": now.isoformat(), **figures}
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"Figures written to {path}")
    return path


def latest(folder: Path, benchmark: str) -> dict[str, Any] | None:
    """The newest figures of `benchmark` in `folder`, if it ran."""
    paths = sorted(folder.glob(f"{benchmark}-*.json"))
    return json.loads(paths[-1].read_text()) if paths else None
