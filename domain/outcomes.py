"""Outcome measures: at a review the family and key worker score the areas of the child's and
family's life the service measures. The guide asks services to "regularly assess the local area's
SEND provision ... for example by using an Outcomes Star or ... MAPIT"; scoring each child at
their reviews is this service's local choice for doing so, not the guide's words. Each case's
scores over time are its journey; the change since the first is its distance travelled."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import event

from domain.case_base import UnknownPart
from domain.errors import InvalidValue, NotAllowedNow
from domain.reviews import ReviewsPart
from domain.stamp import Stamp

DEFAULT_AREAS = (
    "health_and_wellbeing",
    "communication",
    "learning_and_development",
    "family_life",
    "social_life",
    "independence",
    "home_and_money",
)


@dataclass(frozen=True)
class OutcomeMeasure:
    """The areas scored and the scale, from `lowest` (struggling) to `highest` (thriving)."""

    areas: tuple[str, ...] = DEFAULT_AREAS
    lowest: int = 1
    highest: int = 10

    def check(self, scores: dict[str, int]) -> None:
        # An unknown key is not named back: it is whatever the caller typed.
        if not set(scores) <= set(self.areas):
            raise InvalidValue("scores", "known_areas", "score only the measure's areas")
        for area in self.areas:
            score = scores.get(area)
            if score is None:
                raise InvalidValue(f"scores.{area}", "required", "score every area")
            if not self.lowest <= score <= self.highest:
                raise InvalidValue(
                    f"scores.{area}", "on_scale", f"a score is {self.lowest} to {self.highest}"
                )


@dataclass(frozen=True)
class OutcomeScores:
    review_id: UUID
    measured_on: date
    scores: dict[str, int]


class OutcomesPart(ReviewsPart):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        outcomes: list[OutcomeScores]  # in the order measured

    def measure_outcomes(
        self, stamp: Stamp, *, review_id: UUID, scores: dict[str, int], measure: OutcomeMeasure
    ) -> None:
        self._require_open()
        review = self.reviews.get(review_id)
        if review is None:
            raise UnknownPart("review_id", "known_review", "the case has no such review")
        if review.status != "held":
            raise NotAllowedNow("review_id", "held_review", "outcomes are scored at a held review")
        if any(measured.review_id == review_id for measured in self.outcomes):
            raise NotAllowedNow("review_id", "once_per_review", "this review's scores are in")
        measure.check(scores)
        self._outcomes_measured(stamp, review_id=review_id, scores=dict(scores))

    @event("OutcomesMeasured")
    def _outcomes_measured(self, stamp: Stamp, review_id: UUID, scores: dict[str, int]) -> None:
        measured = OutcomeScores(review_id, stamp.occurred_at.date(), scores)
        self.outcomes = sorted([*self.outcomes, measured], key=lambda m: m.measured_on)


def distance_travelled(measured: list[OutcomeScores]) -> dict[str, int]:
    """Per area scored both first and last: the last score less the first."""
    if len(measured) < 2:
        return {}
    first, last = measured[0].scores, measured[-1].scores
    return {area: last[area] - first[area] for area in last if area in first}
