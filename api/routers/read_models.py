"""Read models over HTTP: who is the key worker, distribution lists, caseloads, trails.

Reads that take `min_position` wait (briefly) for the read model to reach a command's position
(its `X-Event-Position`); `as_at` and `known_at` travel in time (see API.md). A case that does
not exist is answered by the policy in `read_of`, before the read model is asked.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.dependencies import Runner, Service
from api.pages import CURSOR, decode_cursor, encode_cursor
from api.reads import as_at_day, caught_up, known_at_time, read_of
from api.schemas.common import Instant, Moment
from projections.caseloads import (
    EVERYTHING_RECORDED,
    CaseloadEntry,
    KeyWorkerOnDay,
    SupervisionDue,
    WorkerCaseload,
    caseload,
    team_caseload,
    team_workforce,
    who_is_key_worker,
)
from projections.distribution_list import DistributionList, Recipient
from projections.key_working import KeyWorking
from projections.runner import ProjectionRunner
from projections.trail import Actions, TrailEntry, Views, trail

router = APIRouter(tags=["read models"])

MinPosition = Annotated[int | None, Query(ge=0)]
AsAt = Annotated[Moment | None, Query()]
KnownAt = Annotated[Moment | None, Query()]


@dataclass(frozen=True)
class KeyWorkingAt:
    """The key working read model, caught up as asked, and the moment a read is about."""

    model: KeyWorking
    as_at: date
    known_at: datetime | None

    @property
    def recorded_by(self) -> datetime:
        return self.known_at or EVERYTHING_RECORDED


def key_working_at(
    keywork: Service,
    runner: Runner,
    as_at: AsAt = None,
    known_at: KnownAt = None,
    min_position: MinPosition = None,
) -> KeyWorkingAt:
    model = runner.get(KeyWorking)
    caught_up(runner, model, min_position)
    return KeyWorkingAt(model, as_at_day(as_at, keywork.clock().date()), known_at_time(known_at))


At = Annotated[KeyWorkingAt, Depends(key_working_at)]


class KeyWorkersOut(BaseModel):
    case_id: UUID
    as_at: date
    known_at: datetime | None
    key_workers: list[KeyWorkerOnDay]
    cover: list[KeyWorkerOnDay]


class DistributionListOut(BaseModel):
    case_id: UUID
    recipients: list[Recipient]


class CaseloadOut(BaseModel):
    practitioner_id: UUID
    as_at: date
    known_at: datetime | None
    position: int
    cases: list[CaseloadEntry]


class TeamCaseloadOut(BaseModel):
    team_id: str
    as_at: date
    known_at: datetime | None
    key_workers: list[WorkerCaseload]
    # Non-designated key workers holding the role without a current key working induction.
    without_induction: list[UUID]
    supervision: list[SupervisionDue]  # each worker's, soonest due first


class TrailOut(BaseModel):
    entries: list[TrailEntry]
    next_cursor: str | None


@router.get(
    "/cases/{case_id}/key-worker",
    response_model=KeyWorkersOut,
    dependencies=[Depends(read_of("read_case", "case", "key worker", "case_id"))],
)
def key_worker(case_id: UUID, at: At) -> KeyWorkersOut:
    on_day = who_is_key_worker(at.model, case_id, at.as_at, at.recorded_by)
    return KeyWorkersOut(
        case_id=case_id,
        as_at=at.as_at,
        known_at=at.known_at,
        key_workers=[w for w in on_day if w.role == "key_worker"],
        cover=[w for w in on_day if w.role == "cover"],
    )


@router.get(
    "/cases/{case_id}/distribution-list",
    response_model=DistributionListOut,
    dependencies=[Depends(read_of("read_case", "case", "distribution list", "case_id"))],
)
def distribution_list(
    case_id: UUID,
    keywork: Service,
    runner: Runner,
    min_position: MinPosition = None,
) -> DistributionListOut:
    model = runner.get(DistributionList)
    caught_up(runner, model, min_position)
    recipients = model.of(case_id, keywork.clock().date())
    return DistributionListOut(case_id=case_id, recipients=recipients)


@router.get(
    "/caseloads/{practitioner_id}",
    response_model=CaseloadOut,
    dependencies=[Depends(read_of("read_caseload", "caseload", "caseload", "practitioner_id"))],
)
def practitioner_caseload(practitioner_id: UUID, at: At) -> CaseloadOut:
    return CaseloadOut(
        practitioner_id=practitioner_id,
        as_at=at.as_at,
        known_at=at.known_at,
        position=at.model.position(),
        cases=caseload(at.model, practitioner_id, at.as_at, at.recorded_by),
    )


@router.get(
    "/teams/{team_id}/caseloads",
    response_model=TeamCaseloadOut,
    dependencies=[Depends(read_of("read_team_caseloads", "team", "team caseloads", "team_id"))],
)
def team_caseloads(team_id: str, at: At, keywork: Service) -> TeamCaseloadOut:
    workers = team_caseload(at.model, team_id, at.as_at, at.recorded_by)
    every = keywork.areas.for_team(team_id).supervision_every_days
    workforce = team_workforce(at.model, workers, at.as_at, at.recorded_by, every)
    return TeamCaseloadOut(
        team_id=team_id,
        as_at=at.as_at,
        known_at=at.known_at,
        key_workers=workers,
        without_induction=workforce.without_induction,
        supervision=workforce.supervision,
    )


@dataclass(frozen=True)
class TrailQuery:
    """A page of the trail, filtered by actor and period (inclusive), the actions caught up."""

    runner: ProjectionRunner
    actor: str | None
    since: datetime | None
    until: datetime | None
    limit: int
    offset: int

    def page(self, subject_id: str | None) -> TrailOut:
        entries = trail(
            self.runner.get(Actions),
            self.runner.get(Views),
            subject_id=subject_id,
            actor=self.actor,
            since=self.since,
            until=self.until,
            limit=self.limit + 1,
            offset=self.offset,
        )
        more = len(entries) > self.limit
        next_cursor = encode_cursor(self.offset + self.limit) if more else None
        return TrailOut(entries=entries[: self.limit], next_cursor=next_cursor)


def trail_query(
    runner: Runner,
    actor: str | None = None,
    since: Annotated[Instant | None, Query(alias="from")] = None,
    until: Annotated[Instant | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(json_schema_extra=CURSOR)] = None,
    min_position: MinPosition = None,
) -> TrailQuery:
    caught_up(runner, runner.get(Actions), min_position)
    return TrailQuery(runner, actor, since, until, limit, decode_cursor(cursor))


Trail = Annotated[TrailQuery, Depends(trail_query)]


@router.get(
    "/cases/{case_id}/trail",
    response_model=TrailOut,
    dependencies=[Depends(read_of("read_trail", "case", "trail", "case_id"))],
)
def case_trail(case_id: UUID, query: Trail) -> TrailOut:
    return query.page(str(case_id))


@router.get(
    "/trail",
    response_model=TrailOut,
    dependencies=[Depends(read_of("read_trail", "trail", "trail", "actor"))],
)
def actor_trail(query: Trail) -> TrailOut:
    return query.page(None)
