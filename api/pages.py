"""Cursors for paginated lists: opaque to a client, which passes on a `next_cursor` as given.

Every string of the form the document states (`CURSOR_PATTERN`) is one a page could have given,
so a client can tell a cursor's form from the schema alone."""

import re
from typing import TypeVar

from domain.errors import InvalidValue

T = TypeVar("T")

CURSOR_PATTERN = "^o[0-9]{1,9}$"
CURSOR = {"pattern": CURSOR_PATTERN, "examples": ["o50"]}


def encode_cursor(offset: int) -> str:
    return f"o{offset}"


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise InvalidValue("cursor", "from_next_cursor", "use a next_cursor from an earlier page")
    return int(cursor[1:])


def page_of(found: list[T], limit: int, offset: int) -> tuple[list[T], str | None]:
    """The first `limit` of `found` (which was asked for one more), and the next page's cursor."""
    more = len(found) > limit
    return found[:limit], encode_cursor(offset + limit) if more else None
