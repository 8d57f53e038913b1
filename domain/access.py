"""A read of personal data, recorded: who looked at what, when, why, and whether it was allowed.

Each read is its own small aggregate on a stream of its own, apart from the cases, so that reads
never contend with the writes to a case.
"""

from typing import Literal

from eventsourcing.domain import event

from domain.aggregate import KeyworkAggregate
from domain.stamp import Stamp

# A "search" is recorded with the subject "children", never with what was searched for.
SubjectKind = Literal[
    "case",
    "caseload",
    "team",
    "trail",
    "letters",
    "metrics",
    "supervision",
    "directory",
    "search",
]


class Access(KeyworkAggregate):
    @event("Viewed")
    def __init__(
        self,
        stamp: Stamp,
        role: str,
        subject_kind: SubjectKind,
        subject_id: str,
        what: str,
        purpose: str | None,
        allowed: bool,
    ) -> None:
        self.subject_id = subject_id
        self.allowed = allowed
