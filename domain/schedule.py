"""When the next contact with a family is due, from the agreed contact frequency; and who is told
of what is overdue, first the key worker, then their manager."""

from datetime import date, timedelta
from typing import Literal

Told = Literal["key_worker", "manager"]


def next_contact_due(last_contact: date | None, agreed_on: date, every_days: int) -> date:
    """Due `every_days` after the last contact, or after the agreement if none yet."""
    return (last_contact or agreed_on) + timedelta(days=every_days)


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today
