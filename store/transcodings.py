"""How our value objects are stored in events (JSON through the eventsourcing transcoder)."""

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.contacts import Contact
from domain.directory import Training
from domain.eligibility import EligibilityFacts
from domain.key_workers import Cover, KeyWorker
from domain.outcomes import OutcomeScores
from domain.plans import PlanAction, PlanCopy, PlanVersion
from domain.reviews import Review, ReviewReport
from domain.stamp import Stamp
from domain.start import Approach
from domain.supervision import Supervision
from domain.tac import TacMember
from domain.transfers import Transfer
from domain.transition import TransitionPlan


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DataclassAsDict(Transcoding):
    """A frozen dataclass stored as its fields; nested values are transcoded in turn."""

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {field.name: getattr(obj, field.name) for field in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


# Every value object an event or a snapshot of a case can hold.
VALUE_OBJECTS = (
    Stamp,
    Referrer,
    Child,
    FamilyMember,
    EligibilityFacts,
    KeyWorker,
    Cover,
    Contact,
    TacMember,
    Training,
    Supervision,
    Review,
    ReviewReport,
    PlanAction,
    PlanCopy,
    PlanVersion,
    Transfer,
    OutcomeScores,
    Approach,
    TransitionPlan,
)


def register(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls))
