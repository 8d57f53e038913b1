"""A command's receipt: who sent it with which Idempotency-Key, and the versions it wrote."""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Receipt:
    actor: str
    idempotency_key: str
    fingerprint: str
    aggregate_id: UUID
    first_version: int
    last_version: int
