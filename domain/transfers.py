"""Moving: to another team in the area, or out of the area to the scheme there.

A transfer is agreed before the move date; a case moving out of the area is closed when the move
happens (closure reason `moved_out_of_area`).
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from eventsourcing.domain import event

from domain.aggregate import require_text
from domain.case_base import MAX_NAME_LENGTH, CaseBase
from domain.errors import InvalidValue
from domain.stamp import Stamp


@dataclass(frozen=True)
class Transfer:
    to_area: str
    move_on: date
    out_of_area: bool
    to_team: str | None = None
    receiving_contact: str | None = None


class TransferPart(CaseBase):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        transfer: Transfer | None

    def agree_transfer(self, stamp: Stamp, *, transfer: Transfer) -> None:
        self._require_open()
        require_text("to_area", transfer.to_area, MAX_NAME_LENGTH)
        if transfer.move_on <= stamp.occurred_at.date():
            raise InvalidValue("move_on", "after_agreement", "agree a transfer before the move")
        if transfer.out_of_area:
            if not transfer.receiving_contact:
                raise InvalidValue(
                    "receiving_contact",
                    "required_out_of_area",
                    "name the receiving scheme's contact",
                )
            require_text("receiving_contact", transfer.receiving_contact, MAX_NAME_LENGTH)
        elif not transfer.to_team:
            raise InvalidValue("to_team", "required_within_area", "name the receiving team")
        elif transfer.to_area != self.area:
            raise InvalidValue("to_area", "same_area_within", "a move within the area keeps it")
        self._transfer_agreed(stamp, transfer=transfer)

    @event("TransferAgreed")
    def _transfer_agreed(self, stamp: Stamp, transfer: Transfer) -> None:
        self.transfer = transfer

    def team_on(self, day: date) -> str | None:
        moved = self.transfer is not None and not self.transfer.out_of_area
        if moved and self.transfer is not None and day >= self.transfer.move_on:
            return self.transfer.to_team
        return self.team
