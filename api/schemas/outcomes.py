"""Request and response bodies of a case's outcome measures: the scores at a review, and the
journey of a case's scores over time."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel

from api.schemas.common import CommandBody, Whole


class OutcomesIn(CommandBody):
    scores: dict[str, Whole]


class OutcomeMeasureOut(BaseModel):
    areas: list[str]
    lowest: int
    highest: int


class OutcomeScoresOut(BaseModel):
    review_id: UUID
    measured_on: date
    scores: dict[str, int]


class OutcomeJourneyOut(BaseModel):
    case_id: UUID
    measure: OutcomeMeasureOut
    measurements: list[OutcomeScoresOut]  # oldest first
    # The latest score less the first, per area; empty until a second measurement.
    distance_travelled: dict[str, int]
