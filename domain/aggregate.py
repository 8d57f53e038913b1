"""The base of our aggregates: every event carries a Stamp."""

import copy
from typing import Any, Self, get_args

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.stamp import Stamp

MAX_REASON_LENGTH = 2000


class KeyworkAggregate(Aggregate):
    class Event(Aggregate.Event):
        stamp: Stamp

    # Whether personal data it held has been erased (see domain/erasure.py).
    erased = False

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """A copy whose lists and dicts are its own; what they hold is immutable, so shared.

        The application's cache hands out a copy of an aggregate on every load; copying each
        value in a long history again would cost time in proportion to its length.
        """
        clone = object.__new__(type(self))
        for name, value in vars(self).items():
            own = copy.copy(value) if isinstance(value, list | dict | set) else value
            object.__setattr__(clone, name, own)
        return clone

    def require_changeable(self) -> None:
        """Refuses every command once the aggregate may no longer change (e.g. an erased case)."""


def require_choice(field: str, value: str, choices: object) -> None:
    """Refuse a value outside a Literal's choices."""
    if value not in get_args(choices):
        allowed = ", ".join(get_args(choices))
        raise InvalidValue(field, "one_of", f"{field} must be one of {allowed}")


def require_text(field: str, value: str, max_length: int = MAX_REASON_LENGTH) -> None:
    if not value.strip():
        raise InvalidValue(field, "required", f"{field} must not be blank")
    if len(value) > max_length:
        raise InvalidValue(field, "max_length", f"{field} must be at most {max_length} characters")
