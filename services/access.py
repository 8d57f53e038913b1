"""The access log: an application of its own, so recording a read never waits on case writes."""

from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder

from domain.access import Access, SubjectKind
from domain.stamp import Stamp
from services.clock import Clock, utc_now
from store import transcodings


class AccessLog(Application[UUID]):
    name = "access"

    def __init__(self, env: dict[str, str], clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.clock = clock

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    def record(
        self,
        *,
        actor: str,
        role: str,
        subject_kind: SubjectKind,
        subject_id: str,
        what: str,
        purpose: str | None,
        allowed: bool,
    ) -> None:
        now = self.clock()
        self.save(
            Access(
                Stamp(actor, now, now),
                role=role,
                subject_kind=subject_kind,
                subject_id=subject_id,
                what=what,
                purpose=purpose,
                allowed=allowed,
            )
        )
