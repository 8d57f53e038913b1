"""What a service sets for itself: from the settings, given to the application and to the read
models when they are made."""

from dataclasses import dataclass, field

from domain.closure import REOPEN_WINDOW_DAYS
from domain.outcomes import OutcomeMeasure
from domain.supervision import SUPERVISION_EVERY_DAYS

BUSINESS_SUPPORT_EMAIL = "business-support@keywork.invalid"


@dataclass(frozen=True)
class ServiceRules:
    # A closed case can be reopened for this long; after it, a new referral links to it.
    reopen_window_days: int = REOPEN_WINDOW_DAYS
    outcome_measure: OutcomeMeasure = field(default_factory=OutcomeMeasure)
    # A key worker is due supervision this many days after their last session.
    supervision_every_days: int = SUPERVISION_EVERY_DAYS
    # Business support is on every distribution list, at this address.
    business_support_email: str = BUSINESS_SUPPORT_EMAIL


DEFAULT_RULES = ServiceRules()
