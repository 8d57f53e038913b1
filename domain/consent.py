"""The family's consent to share the case with practitioners from other agencies.

Without it, Team Around the Child members from other agencies cannot see the case. A coordinator
may override a refusal (for example to safeguard the child), with a reason; the override lasts
until the family's consent is next recorded.
"""

from typing import TYPE_CHECKING

from eventsourcing.domain import event

from domain.aggregate import require_text
from domain.case_base import CaseBase
from domain.stamp import Stamp


class ConsentPart(CaseBase):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        consent_to_share: bool
        consent_overridden: bool

    def record_consent(self, stamp: Stamp, *, given: bool) -> None:
        self._require_open()
        if given:
            self._consent_given(stamp)
        else:
            self._consent_withdrawn(stamp)

    @event("ConsentGiven")
    def _consent_given(self, stamp: Stamp) -> None:
        self.consent_to_share = True
        self.consent_overridden = False

    @event("ConsentWithdrawn")
    def _consent_withdrawn(self, stamp: Stamp) -> None:
        self.consent_to_share = False
        self.consent_overridden = False

    def override_consent(self, stamp: Stamp, *, reason: str) -> None:
        self._require_open()
        require_text("reason", reason)
        self._consent_overridden(stamp, reason=reason)

    @event("ConsentOverridden")
    def _consent_overridden(self, stamp: Stamp, reason: str) -> None:
        self.consent_overridden = True

    @property
    def shared_with_other_agencies(self) -> bool:
        return self.consent_to_share or self.consent_overridden
