"""How our value objects are stored in events (JSON through the eventsourcing transcoder)."""

import dataclasses
from dataclasses import dataclass
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


class SetAsList(Transcoding):
    type = set
    name = "set"

    def encode(self, obj: set[Any]) -> list[Any]:
        return list(obj)

    def decode(self, data: list[Any]) -> set[Any]:
        return set(data)


@dataclass(frozen=True)
class Pairs:
    """A dict keyed by what JSON cannot key by (ids, numbers), held as its pairs."""

    items: list[tuple[Any, Any]]


class PairsAsList(Transcoding):
    type = Pairs
    name = "pairs"

    def encode(self, obj: Pairs) -> list[tuple[Any, Any]]:
        return obj.items

    def decode(self, data: list[list[Any]]) -> dict[Any, Any]:
        return {key: value for key, value in data}


def storable_state(state: dict[str, Any]) -> dict[str, Any]:
    """An aggregate's state as JSON can hold it: its dicts keyed by ids or numbers as pairs
    (read back as dicts); sets are transcoded as they are."""
    return {
        name: Pairs(list(value.items()))
        if isinstance(value, dict) and not all(isinstance(key, str) for key in value)
        else value
        for name, value in state.items()
    }


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
    transcoder.register(SetAsList())
    transcoder.register(PairsAsList())
    for cls in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls))
