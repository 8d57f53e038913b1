"""Opaque cursors for paginated lists."""

import base64
import binascii
from typing import TypeVar

from domain.errors import InvalidValue

T = TypeVar("T")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        kind, offset = "", -1
    if kind != "o" or offset < 0:
        raise InvalidValue("cursor", "from_next_cursor", "use a next_cursor from an earlier page")
    return offset


def page_of(found: list[T], limit: int, offset: int) -> tuple[list[T], str | None]:
    """The first `limit` of `found` (which was asked for one more), and the next page's cursor."""
    more = len(found) > limit
    return found[:limit], encode_cursor(offset + limit) if more else None
