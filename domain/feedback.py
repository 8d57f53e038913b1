"""Family feedback: an anonymous questionnaire after a review and at closure (Norfolk asks its
families this way).

Two sides that nothing joins. On the case, `FeedbackInvited` says a questionnaire went to the
family, and how many copies. The answers are aggregates of their own, `FeedbackAnswer`, carrying
only the area and the month the invitation went out, and scores: no case, no family, no worker.
Their time is the day, not the moment (see `docs/data-protection.md`, "Family feedback").
"""

from datetime import UTC, date, datetime, time
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import KeyworkAggregate
from domain.case_base import CaseBase
from domain.errors import InvalidValue
from domain.stamp import Stamp

Occasion = Literal["review", "closure"]

QUESTIONS = {
    "listened_to": "Our key worker listened to us and understood what matters to our family",
    "single_point_of_contact": "We had one person to contact, who kept the others informed",
    "told_story_once": "We did not have to tell our story again and again",
    "plan_reflects_us": "Our Family Support Plan reflects what we want for our child",
    "made_a_difference": "Key working has made a difference to our family",
    "would_recommend": "We would recommend key working to another family",
}
AGREEMENT = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
FAMILY = "family"  # the actor of every answer: never a person's id


class FeedbackPart(CaseBase):
    def record_feedback_invitation(
        self, stamp: Stamp, *, occasion: Occasion, emailed: int, posted: int
    ) -> None:
        self._feedback_invited(stamp, occasion=occasion, emailed=emailed, posted=posted)

    @event("FeedbackInvited")
    def _feedback_invited(
        self, stamp: Stamp, occasion: Occasion, emailed: int, posted: int
    ) -> None:
        pass


def check_answers(answers: dict[str, int]) -> None:
    # An unknown key is not named back: it is whatever the caller typed.
    if not set(answers) <= set(QUESTIONS):
        raise InvalidValue(
            "answers", "known_questions", "answer only the questionnaire's questions"
        )
    if not answers:
        raise InvalidValue("answers", "at_least_one", "answer at least one question")
    for question, score in answers.items():
        if score not in AGREEMENT:
            raise InvalidValue(f"answers.{question}", "on_scale", "an answer is from 1 to 5")


def day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(), UTC)


class FeedbackAnswer(KeyworkAggregate):
    """One family's answers. Its id comes from the invitation's one-time number, so a second
    answer to the same invitation clashes; nothing else stored knows that number."""

    @classmethod
    def give(
        cls, stamp: Stamp, *, answer_id: UUID, area: str, month: str, answers: dict[str, int]
    ) -> "FeedbackAnswer":
        check_answers(answers)
        day = day_start(stamp.recorded_at)
        # The library would stamp the event with the moment; an answer keeps only the day.
        return cls._create(
            cls.FeedbackGiven,  # type: ignore[attr-defined]
            id=answer_id,
            timestamp=day,
            stamp=Stamp(FAMILY, day, day),
            area=area,
            month=month,
            answers=answers,
        )

    @event("FeedbackGiven")
    def __init__(
        self, stamp: Stamp, area: str, month: str, answers: dict[str, int], id: UUID
    ) -> None:
        self.area = area
        self.month = month
        self.answers = answers


def invitation_month(day: date) -> str:
    return day.strftime("%Y-%m")
