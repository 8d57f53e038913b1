"""What a service sets for itself, beyond each area's own settings (`services/areas.py`): given
to the application and to the read models when they are made."""

from dataclasses import dataclass

from domain.closure import REOPEN_WINDOW_DAYS

BUSINESS_SUPPORT_EMAIL = "business-support@keywork.invalid"


@dataclass(frozen=True)
class ServiceRules:
    # The longest any area keeps a closed case open to reopening: how far back a search for a
    # child's existing cases looks.
    reopen_window_days: int = REOPEN_WINDOW_DAYS
    # Business support is on every distribution list, at this address.
    business_support_email: str = BUSINESS_SUPPORT_EMAIL


DEFAULT_RULES = ServiceRules()
