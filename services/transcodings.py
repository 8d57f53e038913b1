"""How our value objects are stored in events (JSON through the eventsourcing transcoder)."""

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.case import Child, FamilyMember, KeyWorker, Referrer
from domain.eligibility import EligibilityFacts
from domain.stamp import Stamp


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


VALUE_OBJECTS = (Stamp, Referrer, Child, FamilyMember, KeyWorker, EligibilityFacts)


def register(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls))
