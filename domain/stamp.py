"""Who did something, when it happened and when we recorded it: carried by every event."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from hashlib import sha1
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.errors import InvalidValue


@dataclass(frozen=True)
class Stamp:
    actor: str
    occurred_at: datetime
    recorded_at: datetime

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None or self.recorded_at.tzinfo is None:
            raise InvalidValue("occurred_at", "offset_required", "times must carry an offset")
        if self.occurred_at > self.recorded_at:
            raise InvalidValue("occurred_at", "not_in_future", "occurred_at is in the future")


EVENT_ID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:keywork:event")
_NAMESPACE_BYTES = EVENT_ID_NAMESPACE.bytes


# Read models rebuilt together make the id of each event they apply, several of them of the
# same event (the trail, key working and metrics of a contact), a batch at a time.
@lru_cache(maxsize=16_384)
def event_id(originator_id: UUID, version: int) -> UUID:
    """The stable id of an event: the same every time it is read or delivered. It is
    uuid5(EVENT_ID_NAMESPACE, "<originator_id>/<version>"), made here without remaking the
    namespace's bytes each time."""
    name = f"{originator_id}/{version}".encode()
    return UUID(bytes=sha1(_NAMESPACE_BYTES + name).digest()[:16], version=5)
