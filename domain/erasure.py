"""Erasure of the child's personal data: the record that the child's key was destroyed.

The event itself holds no personal data; the store destroys the key in the same transaction
(`store/recorder.py`). From then on the case reads with placeholders and takes no commands.
"""

from eventsourcing.domain import event

from domain.aggregate import require_text
from domain.case_base import CaseBase
from domain.errors import NotAllowedNow
from domain.stamp import Stamp

ERASURE_EVENT = "PersonalDataErased"


class ErasurePart(CaseBase):
    def erase(self, stamp: Stamp, *, reason: str) -> None:
        require_text("reason", reason)
        self._personal_data_erased(stamp, reason=reason)

    @event(ERASURE_EVENT)
    def _personal_data_erased(self, stamp: Stamp, reason: str) -> None:
        self.erased = True

    def require_changeable(self) -> None:
        if self.erased:
            raise NotAllowedNow("case", "not_erased", "the case's personal data has been erased")
