"""What a service sets for itself, the same for every command: from the settings, given to the
application when it is made."""

from dataclasses import dataclass, field

from domain.closure import REOPEN_WINDOW_DAYS
from domain.outcomes import OutcomeMeasure
from domain.supervision import SUPERVISION_EVERY_DAYS


@dataclass(frozen=True)
class ServiceRules:
    # A closed case can be reopened for this long; after it, a new referral links to it.
    reopen_window_days: int = REOPEN_WINDOW_DAYS
    outcome_measure: OutcomeMeasure = field(default_factory=OutcomeMeasure)
    # A key worker is due supervision this many days after their last session.
    supervision_every_days: int = SUPERVISION_EVERY_DAYS
