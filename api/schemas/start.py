"""Request and response bodies of the start of a case: meeting the family, and the key workers
approached before one is in place."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import CommandBody, Text
from domain.start import MOST_PRIORITIES, Answer


class FamilyMeetingIn(CommandBody):
    met_on: date
    priorities: list[Text] = Field(
        default_factory=list,
        max_length=MOST_PRIORITIES,
        description="The family's priorities and expectations, one an item. Sealed.",
    )
    planning_meeting_needed: bool


class ApproachIn(CommandBody):
    practitioner_id: UUID
    answer: Answer
    reason: Text | None = Field(None, description="Why they could not, if they said. Sealed.")


class ApproachOut(BaseModel):
    practitioner_id: UUID
    answer: Answer
    on: date
