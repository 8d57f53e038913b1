"""Writes the synthetic histories (demo/synthetic.py) into the store in bulk, resumably.

Each chunk of cases is decided by the domain in a worker process, with the reads the service
would have recorded in its access log as a person recorded those events through its pages (the
form's page, then the case page it returns to). The chunk's events, reads and snapshots are
turned into stored events by the applications' own mappers, a case's personal fields sealed with
a key made for that child. This process writes the chunks in order, each in one transaction with
the new keys and its receipt (store/bulk.py), so an interrupted run resumes after its last whole
chunk and writes nothing twice. The directory is decided here, before the cases that refer to it.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoding
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder

from demo.synthetic import (
    ACTOR,
    DIRECTORY_CHUNK,
    YEAR,
    Directory,
    Scale,
    chunk_histories,
    chunks,
    directory,
)
from domain.access import Access
from domain.aggregate import KeyworkAggregate
from domain.case import Case
from domain.case_base import CaseBase
from domain.feedback import FeedbackAnswer
from domain.stamp import Stamp
from services.access import AccessLog
from services.application import snapshot_due
from services.keywork import Keywork
from store import bulk
from store.data_keys import DataKeys, NewKeys
from store.receipts import Receipt
from store.sealing import SealingMapper

WORKERS = os.cpu_count() or 1
AHEAD = 2  # chunks each worker may have decided beyond the one being written: memory stays flat
# Case events the service's consumers record themselves, with no page read before them.
BY_CONSUMERS = frozenset({"PlanCopySent", "FeedbackInvited"})
READS_PER_EVENT = 2  # the form's page and the case page it returns to, each a "case page" read
READER_ROLE = "coordinator"
CASE_PAGE = "case page"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Plan:
    """What every worker decides and converts chunks from, pickled to each as it starts.

    A transcoder does not pickle, so the applications' transcoders travel as their
    registrations; the keys travel as their master key (`DataKeys.__reduce__`).
    """

    scale: Scale
    seed: int
    start: datetime
    now: datetime
    directory: Directory
    snapshot_every: int
    keys: DataKeys
    case_transcodings: tuple[Transcoding, ...]
    access_transcodings: tuple[Transcoding, ...]


def plan(
    keywork: Keywork,
    access: AccessLog,
    scale: Scale,
    seed: int,
    start: datetime,
    now: datetime,
    known: Directory,
) -> Plan:
    """The plan to write `scale`'s histories, from `start` to `now`, into these applications as
    they stand."""
    assert isinstance(keywork.mapper, SealingMapper)
    return Plan(
        scale,
        seed,
        start,
        now,
        known,
        keywork.snapshot_every,
        keywork.mapper.keys,
        _registered(keywork.mapper),
        _registered(access.mapper),
    )


def _registered(mapper: Mapper[UUID]) -> tuple[Transcoding, ...]:
    assert isinstance(mapper.transcoder, JSONTranscoder)
    return tuple(mapper.transcoder.types.values())


def _transcoder(registered: tuple[Transcoding, ...]) -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for transcoding in registered:
        transcoder.register(transcoding)
    return transcoder


@dataclass(frozen=True)
class StoredChunk:
    """A chunk decided and converted, ready to write."""

    cases: int
    receipt: Receipt
    events: list[bulk.Row]
    reads: list[bulk.Row]
    snapshots: list[bulk.Row]
    keys: list[tuple[UUID, bytes]]


def seed(
    keywork: Keywork,
    access: AccessLog,
    scale: Scale,
    seed: int,
    now: datetime,
    progress: Progress = lambda events: None,
    workers: int = WORKERS,
) -> int:
    """Writes the histories not yet written; returns how many cases it wrote."""
    start = now - scale.years * YEAR
    known = directory(scale, seed, start, now, partial(_written, keywork, progress))
    todo = [
        chunk
        for chunk in range(chunks(scale))
        if keywork.store.find_receipt(ACTOR, _chunk_key(scale, seed, chunk)) is None
    ]
    written = 0
    planned = plan(keywork, access, scale, seed, start, now, known)
    for stored in _converted(planned, todo, workers):
        events = write(keywork, access, stored)
        written += stored.cases
        progress(events)
    return written


def write(keywork: Keywork, access: AccessLog, stored: StoredChunk) -> int:
    """Writes the chunk, events and reads, in one transaction; returns how many events."""
    reads = access.recorder
    assert isinstance(reads, PostgresApplicationRecorder)
    snapshots = keywork.snapshots.recorder if keywork.snapshots is not None else None
    assert snapshots is None or isinstance(snapshots, PostgresAggregateRecorder)
    batch = bulk.Batch(
        stored.receipt,
        [(keywork.store, stored.events), (reads, stored.reads)],
        stored.snapshots,
        stored.keys,
    )
    return bulk.write(keywork.store, snapshots, batch)


def _chunk_key(scale: Scale, seed: int, chunk: int) -> str:
    return f"{scale.name}/{seed}/cases/{chunk}"


def _receipt(key: str, first: KeyworkAggregate) -> Receipt:
    return Receipt(ACTOR, key, key, first.id, 1, first.version)


def _written(
    keywork: Keywork,
    progress: Progress,
    key: str,
    event: str,
    makers: list[Callable[[], KeyworkAggregate]],
) -> list[UUID]:
    """Writes, chunk by chunk, the aggregates not written before; returns all their ids in order.

    The ids are read back from the store: a resumed run makes fresh ids for the chunks it
    skips, so only the store knows the ones written before.
    """
    for first in range(0, len(makers), DIRECTORY_CHUNK):
        chunk_key = f"{key}/{first // DIRECTORY_CHUNK}"
        if keywork.store.find_receipt(ACTOR, chunk_key) is None:
            made = [make() for make in makers[first : first + DIRECTORY_CHUNK]]
            stored = [bulk.row(keywork.mapper.to_stored_event(e)) for e in _pending(*made)]
            batch = bulk.Batch(_receipt(chunk_key, made[0]), [(keywork.store, stored)])
            progress(bulk.write(keywork.store, None, batch))
    found = keywork.store.find_receipt(ACTOR, f"{key}/0")
    assert found is not None, "the first chunk was written above"
    position = keywork.store.position_of(found.aggregate_id, 1)
    ids: list[UUID] = []
    while len(ids) < len(makers):
        page = keywork.recorder.select_notifications(start=position, limit=DIRECTORY_CHUNK)
        ids += [UUID(str(n.originator_id)) for n in page if n.topic.endswith(f".{event}")]
        position = page[-1].id + 1
    return ids[: len(makers)]


def _pending(*aggregates: KeyworkAggregate) -> list[DomainEventProtocol[UUID]]:
    """The aggregates' new events, in the order the application's save records them (as its
    ProcessingEvent collects them, without checking each aggregate against a Protocol)."""
    return [event for aggregate in aggregates for event in aggregate.collect_events()]


def _converted(plan: Plan, todo: list[int], workers: int) -> Iterator[StoredChunk]:
    """The chunks decided and converted, in order: by worker processes when there are several."""
    if workers <= 1 or len(todo) <= 1:
        _start(plan)
        yield from map(_convert, todo)
        return
    # Spawned, not forked: a fork copies the locks other threads hold (the database pools',
    # a service's), and a worker that then needs one waits for ever. An executor, not a Pool:
    # a worker that dies breaks it, where a Pool would wait for its chunk for ever.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, spawn, initializer=_start, initargs=(plan,)) as pool:
        waiting = iter(todo)
        pending = deque(pool.submit(_convert, chunk) for chunk in islice(waiting, workers * AHEAD))
        while pending:
            stored = pending.popleft().result()
            for chunk in islice(waiting, 1):
                pending.append(pool.submit(_convert, chunk))
            yield stored


@dataclass(frozen=True)
class DecidedChunk:
    """A chunk as the domain decided it: its cases, the feedback given, and the reads."""

    key: str
    cases: list[Case]
    answers: list[FeedbackAnswer]
    reads: list[Access]


def decided(plan: Plan, chunk: int) -> DecidedChunk:
    cases, answers = chunk_histories(
        plan.directory, plan.scale, plan.seed, chunk, plan.start, plan.now
    )
    pending = (event for case in cases for event in case.pending_events)
    reads = [read for event in pending for read in _reads_of(event)]
    return DecidedChunk(_chunk_key(plan.scale, plan.seed, chunk), cases, answers, reads)


class Converter:
    """Turns decided chunks into stored events, sealing each child's personal fields with a key
    made here, by the applications' mappers."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.keys = NewKeys()
        sealing = plan.keys.over(self.keys)
        self.case_mapper = SealingMapper(_transcoder(plan.case_transcodings), sealing)
        self.access_mapper = Mapper[UUID](_transcoder(plan.access_transcodings))

    def stored(self, chunk: DecidedChunk) -> StoredChunk:
        def to_row(event: DomainEventProtocol[UUID]) -> bulk.Row:
            return bulk.row(self.case_mapper.to_stored_event(event))

        events = [to_row(event) for event in _pending(*chunk.cases, *chunk.answers)]
        snapshots = [
            to_row(type(case).Snapshot.take(case))
            for case in chunk.cases
            if snapshot_due(case, 1, self.plan.snapshot_every)
        ]
        to_stored = self.access_mapper.to_stored_event
        reads = [bulk.row(to_stored(read)) for read in _pending(*chunk.reads)]
        receipt = _receipt(chunk.key, chunk.cases[0])
        return StoredChunk(len(chunk.cases), receipt, events, reads, snapshots, self.keys.take())


_converter: Converter | None = None  # this worker process's


def _start(plan: Plan) -> None:
    global _converter
    _converter = Converter(plan)


def _convert(chunk: int) -> StoredChunk:
    assert _converter is not None, "the worker was started"
    return _converter.stored(decided(_converter.plan, chunk))


def _reads_of(event: Any) -> list[Access]:
    """What the access log records as a person records a case's event through the pages."""
    if not isinstance(event, CaseBase.Event) or type(event).__name__ in BY_CONSUMERS:
        return []
    at = event.stamp.recorded_at
    return [
        Access(
            Stamp(event.stamp.actor, at, at),
            role=READER_ROLE,
            subject_kind="case",
            subject_id=str(event.originator_id),
            what=CASE_PAGE,
            purpose=None,
            allowed=True,
        )
        for _ in range(READS_PER_EVENT)
    ]
