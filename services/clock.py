"""The one clock: everything that needs the time asks the application's clock, which is this
unless a test gives another."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
