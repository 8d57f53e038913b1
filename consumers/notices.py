"""A message to one person: who (by an opaque key), how, where, and what it says."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notice:
    recipient: str  # who, as an opaque stable key: "family:<n>", "practitioner:<id>", "referrer"
    name: str
    channel: str  # email or letter
    address: str | None
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    # A family member's accessible format (large_print, easy_read), for their letters.
    accessible_format: str | None = None
