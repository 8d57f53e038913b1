"""What every part of a Case shares: the state it keeps and the checks the parts make.

A Case is one aggregate (one stream of events per child's episode) assembled from parts, each in
its own module: contacts, key workers, the Team Around the Child, reviews, plans, transfers,
closure and corrections. Each part declares the state it owns; a part that reads another's state
derives from it. The state is set up when the case is referred (`Case.__init__`).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from eventsourcing.domain import Snapshot as AggregateSnapshot

from domain.aggregate import KeyworkAggregate
from domain.errors import DomainError, InvalidValue, NotAllowedNow
from domain.stamp import event_id
from domain.young_adults import YOUNG_ADULT_RULE

Channel = Literal["email", "letter"]
# How a family member reads what the service sends them, when print as usual will not do.
AccessibleFormat = Literal["large_print", "easy_read"]
Status = Literal["referred", "eligible", "not_eligible", "active", "closed"]
ClosureReason = Literal[
    "needs_met",
    "age_limit",
    "adult_services",
    "moved_out_of_area",
    "family_withdrew",
    "not_eligible",
]
MAX_NAME_LENGTH = 200


class UnknownPart(DomainError):
    """A command names a part of the case (a review, a plan version) that it does not have."""


@dataclass(frozen=True)
class FamilyMember:
    name: str
    relationship: str
    has_parental_responsibility: bool
    preferred_channel: Channel
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    # Communication needs: the guide asks services to consider "cultural expectations and
    # potential interpretation support".
    language: str | None = None  # the language they prefer, when not English
    needs_interpreter: bool = False
    accessible_format: AccessibleFormat | None = None


class CaseBase(KeyworkAggregate):
    class Snapshot(AggregateSnapshot):
        """A case's whole state at a version: the child's personal data all through it."""

    # The state every part reads, set up by `Case.__init__`; each part declares the state it
    # owns the same way. Declared for type checkers only: annotations in an aggregate's body
    # would become fields of its created event.
    if TYPE_CHECKING:
        area: str
        team: str | None
        family: list[FamilyMember]
        referred_at: datetime
        status: Status
        eligible: bool | None

        def is_young_adult_on(self, day: date) -> bool:
            """Whether the child is a young adult on `day` (domain/case.py)."""

    def _require_open(self) -> None:
        if self.status == "closed":
            raise NotAllowedNow("status", "case_open", "the case is closed")

    def _require_family_member(self, field: str, name: str) -> FamilyMember:
        for member in self.family:
            if member.name == name:
                return member
        raise InvalidValue(field, "family_member", f"{field} must name a family member")

    def _require_young_adult(self, field: str, day: date) -> None:
        if not self.is_young_adult_on(day):
            raise InvalidValue(
                field, YOUNG_ADULT_RULE, "the young person is not yet 18 on that day"
            )

    def _applying_event_id(self) -> UUID:
        """The id of the event being applied (its version is one past the aggregate's)."""
        return event_id(self.id, self.version + 1)
