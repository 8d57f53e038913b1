"""The start of a case, before a key worker is in place (Norfolk's "How it all comes together").

The coordinator meets the family to "discuss key working and how the service works and what the
family's priorities and expectations are", and to "decide whether a Multiagency Key Worker
Planning Meeting is needed". Then they "contact the suggested Key Worker ... to check whether they
can fulfil these. If they feel they can't become the key worker, the Coordinator will discuss
other options". Each approach is recorded, accepted or declined, so that the time from referral to
allocation can be explained.
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.errors import InvalidValue, NotAllowedNow
from domain.key_workers import KeyWorkerPart
from domain.stamp import Stamp

Answer = Literal["accepted", "declined"]
MOST_PRIORITIES = 20


@dataclass(frozen=True)
class Approach:
    practitioner_id: UUID
    answer: Answer
    on: date


class StartPart(KeyWorkerPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        family_met_on: date | None
        approaches: list[Approach]

    def meet_the_family(
        self, stamp: Stamp, *, met_on: date, priorities: list[str], planning_meeting_needed: bool
    ) -> None:
        """The coordinator's first meeting with the family: their priorities, and whether a
        multi-agency planning meeting is needed."""
        self._require_open()
        if met_on < self.referred_at.date():
            raise InvalidValue("met_on", "not_before_referral", "met_on is before the referral")
        if met_on > stamp.recorded_at.date():
            raise InvalidValue("met_on", "not_in_future", "met_on is in the future")
        if len(priorities) > MOST_PRIORITIES:
            raise InvalidValue("priorities", "at_most_20", "give at most 20 priorities")
        for index, priority in enumerate(priorities):
            require_text(f"priorities[{index}]", priority)
        self._family_met(
            stamp,
            met_on=met_on,
            priorities=priorities,
            planning_meeting_needed=planning_meeting_needed,
        )

    @event("FamilyMet")
    def _family_met(
        self, stamp: Stamp, met_on: date, priorities: list[str], planning_meeting_needed: bool
    ) -> None:
        self.family_met_on = met_on

    def approach_key_worker(
        self, stamp: Stamp, *, practitioner_id: UUID, answer: Answer, reason: str | None = None
    ) -> None:
        """A practitioner asked to be the key worker, and their answer; a decline may say why."""
        self._require_open()
        if self.current_key_worker() is not None:
            raise NotAllowedNow(
                "practitioner_id", "before_allocation", "a key worker is already in place"
            )
        require_choice("answer", answer, Answer)
        if reason is not None:
            require_text("reason", reason)
        self._key_worker_approached(
            stamp, practitioner_id=practitioner_id, answer=answer, reason=reason
        )

    @event("KeyWorkerApproached")
    def _key_worker_approached(
        self, stamp: Stamp, practitioner_id: UUID, answer: Answer, reason: str | None
    ) -> None:
        self.approaches.append(Approach(practitioner_id, answer, stamp.occurred_at.date()))
