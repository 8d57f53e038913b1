"""What every command carries besides its own fields, what it returns, and how it can fail."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from domain.aggregate import KeyworkAggregate


@dataclass(frozen=True)
class Command:
    actor: str
    role: str = ""  # the actor's role, for the rules that depend on it; "" for the service itself
    occurred_at: datetime | None = None  # None: it happened as we record it
    idempotency_key: str | None = None
    fingerprint: str = ""  # identifies the request, to tell a retry from a reuse of its key
    expected_version: int | None = None  # from If-Match
    # The aggregate as the request's authorisation loaded it (shared: only to read). The command
    # decides first on a copy of it instead of loading it again; if another writer saved in
    # between, the save clashes and the command decides again on a fresh load.
    loaded: KeyworkAggregate | None = field(default=None, repr=False, compare=False)

    def at(self, occurred_at: datetime | None) -> "Command":
        return replace(self, occurred_at=occurred_at)


@dataclass(frozen=True)
class Outcome:
    aggregate_id: UUID
    version: int
    event_ids: list[UUID]
    position: int  # the last event's position in the store


class NotFound(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(f"no such {kind}")
        self.kind = kind


class VersionConflict(Exception):
    def __init__(self, current_version: int) -> None:
        super().__init__(f"the record is at version {current_version}")
        self.current_version = current_version


class IdempotencyKeyReused(Exception):
    """The same Idempotency-Key came with a different request."""


class NotCaughtUp(Exception):
    """A read asked for a position its read model has not reached in the time allowed."""

    def __init__(self, read_model: str) -> None:
        super().__init__(f"the {read_model} read model has not caught up yet")
        self.read_model = read_model
