"""The erasure list: every erased case, one opaque id per line, in a file kept apart from the
database and its backups (see services/erasure.py)."""

import os
from pathlib import Path
from uuid import UUID


class ErasureList:
    def __init__(self, path: Path) -> None:
        self.path = path

    def ids(self) -> list[UUID]:
        if not self.path.exists():
            return []
        return [UUID(line) for line in self.path.read_text().split()]

    def add(self, case_id: UUID) -> None:
        if case_id in self.ids():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as listing:
            listing.write(f"{case_id}\n")
            listing.flush()
            os.fsync(listing.fileno())
