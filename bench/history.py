"""The history the benchmarks write and read back: cases with four months of life each (contacts,
a review, some handovers and closures) and access-log events, written through the applications'
event stores, the cases' events in the order they were recorded."""

import base64
import heapq
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from itertools import islice
from typing import Any
from uuid import UUID, uuid4

import psycopg
from eventsourcing.application import Application
from psycopg.sql import SQL, Composed, Identifier
from pydantic import SecretStr
from tqdm import tqdm

from api.bootstrap import open_access_log, open_keywork
from domain.access import Access
from domain.case import Case, Child, Referrer
from domain.case_base import FamilyMember
from domain.directory import Agency, Practitioner
from domain.eligibility import NORFOLK_RULES, EligibilityFacts
from domain.stamp import Stamp, event_id
from projections.rebuild import REBUILD_BATCH_SIZE
from services.access import AccessLog
from services.keywork import Keywork
from services.settings import Settings
from store.database import Database

# Rebuild
REBUILD_DBNAME = "keywork_bench_rebuild"
POOL_SIZE = 4
PRACTITIONERS = 50
EVENTS_PER_SAVE = 2000
VIEWS_PER_SAVE = 1000
ACTOR = "bench-coordinator"
CHILD = Child("Sam", "Bench", date(2016, 5, 1), "9434765919")
FAMILY = [FamilyMember("Alex Parent", "mother", True, "email", "a@example.org")]
MEETS_RULES = EligibilityFacts(True, True, 3, 2)
# A case's history, by day from its referral: weekly contacts, a review, a handover, a closure.
HISTORY_DAYS = 120
CONTACT_DAYS = range(5, 105, 7)
HANDOVER_DAY, REVIEW_DAY, CLOSURE_DAY = 44, 60, 110
HANDOVER_EVERY, CLOSURE_EVERY = 5, 10  # one case in 5 changes key worker, one in 10 closes


@contextmanager
def scratch_database(database: Database) -> Iterator[Database]:
    """A fresh database on the same server, dropped at the end."""

    def execute(statement: Composed) -> None:
        with psycopg.connect(database.conninfo, autocommit=True) as connection:
            connection.execute(statement)

    name = Identifier(REBUILD_DBNAME)
    execute(SQL("DROP DATABASE IF EXISTS {name} WITH (FORCE)").format(name=name))
    execute(SQL("CREATE DATABASE {name}").format(name=name))
    try:
        yield replace(database, dbname=REBUILD_DBNAME)
    finally:
        execute(SQL("DROP DATABASE IF EXISTS {name} WITH (FORCE)").format(name=name))


def settle(database: Database) -> None:
    """Vacuums, analyses and checkpoints a store just written, as one in service long since is:
    otherwise the first passes over it pay for setting its rows' hint bits and for the writes'
    checkpoint (rebuilds straight after the writes ran 10 to 15 % slower than after this)."""
    with psycopg.connect(database.conninfo, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        connection.execute("CHECKPOINT")


def bench_settings() -> Settings:
    """A master key of the benchmark's own, for its histories' children."""
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    return Settings(master_key=SecretStr(key), postgres_pool_size=POOL_SIZE, aggregate_cache_size=0)


@contextmanager
def applications(database: Database, settings: Settings) -> Iterator[tuple[Keywork, AccessLog]]:
    with ExitStack() as stack:
        keywork = open_keywork(settings, database)
        stack.callback(keywork.close)
        access = open_access_log(settings, database)
        stack.callback(access.close)
        yield keywork, access


def stamp_on(start: datetime, day: int, minute: int = 0) -> Stamp:
    at = start + timedelta(days=day, minutes=minute)
    return Stamp(ACTOR, at, at)


def directory(start: datetime) -> tuple[Agency, list[Practitioner]]:
    agency = Agency.register(stamp_on(start, 0), "Bench Agency", "health")
    practitioners = [
        Practitioner.register(
            stamp_on(start, 0),
            name=f"Worker {number}",
            role_title="Key worker",
            agency_id=agency.id,
            email=f"worker{number}@example.org",
            team_id=f"team-{number % 5}",
        )
        for number in range(PRACTITIONERS)
    ]
    return agency, practitioners


def case_history(index: int, practitioner_ids: Sequence[UUID], start: datetime) -> Case:
    """A case's first four months: referral to allocation, an agreement, weekly contacts and a
    review; one case in HANDOVER_EVERY changes key worker, one in CLOSURE_EVERY closes."""

    def on(day: int) -> Stamp:
        return stamp_on(start, day, minute=index % 1440)

    key_worker = practitioner_ids[index % len(practitioner_ids)]
    incoming = practitioner_ids[(index + 1) % len(practitioner_ids)]
    case = Case.refer(
        on(0),
        area="norfolk",
        route="professional",
        referrer=Referrer("Dr Bench"),
        child=CHILD,
        family=FAMILY,
        needs=["co-ordination of appointments"],
        consent_to_share=True,
    )
    case.decide_eligibility(on(1), NORFOLK_RULES, MEETS_RULES)
    allocated_on = on(1).occurred_at.date()
    case.allocate_key_worker(
        on(1), kind="designated", from_date=allocated_on, practitioner_id=key_worker
    )
    case.sign_service_agreement(
        on(2), contact_every_days=7, signed_by="Alex Parent", signed_on=on(2).occurred_at.date()
    )
    review_id = event_id(case.id, case.version + 1)
    case.schedule_review(
        on(3),
        review_id=review_id,
        at=on(REVIEW_DAY).occurred_at,
        location="School",
        requested_by="coordinator",
    )
    steps: list[tuple[int, Callable[[Stamp], None]]] = [
        (day, partial(case.record_contact, kind="phone", participants=["Alex Parent"], note=None))
        for day in CONTACT_DAYS
    ]
    steps.append(
        (
            REVIEW_DAY,
            partial(
                case.record_review_outcome,
                review_id=review_id,
                attendees=["Alex Parent"],
                child_views="Happy with school",
                decisions=["Carry on"],
                next_review_on=on(REVIEW_DAY + 180).occurred_at.date(),
                key_worker_confirmed=True,
            ),
        )
    )
    if index % HANDOVER_EVERY == 0:
        hand_over = partial(
            case.hand_over,
            kind="designated",
            on=on(HANDOVER_DAY).occurred_at.date(),
            reason="Caseload rebalanced",
            to_practitioner_id=incoming,
        )
        steps.append((HANDOVER_DAY, hand_over))
    if index % CLOSURE_EVERY == 0:
        close = partial(case.close, rules=NORFOLK_RULES, reason="needs_met", family_agreed=True)
        steps.append((CLOSURE_DAY, close))
    for day, step in sorted(steps, key=lambda pair: pair[0]):
        step(on(day))
    return case


def write_cases(keywork: Keywork, events: int, start: datetime) -> None:
    """Cases' histories (`case_history`) up to `events` events, written in the order they were
    recorded: the cases' events interleaved as in a service's store, each case's in its own
    order. A rebuild meets them as it would there; written a case at a time, each review's
    outcome came in the same batch as its scheduling, and sent that insert on its own."""
    agency, practitioners = directory(start)
    keywork.save(agency, *practitioners)
    practitioner_ids = [p.id for p in practitioners]
    histories: list[Sequence[Any]] = []  # each case's events: each carries its stamp
    written = directory_events = 1 + len(practitioners)
    while written < events:
        case = case_history(len(histories), practitioner_ids, start)
        histories.append(case.collect_events())
        written += len(histories[-1])
    in_order = heapq.merge(*histories, key=lambda event: event.stamp.recorded_at)
    with tqdm(total=written, initial=directory_events, desc="case events", unit="event") as bar:
        while chunk := list(islice(in_order, EVENTS_PER_SAVE)):
            keywork.events.put(chunk)
            bar.update(len(chunk))


def write_views(access: AccessLog, views: int, start: datetime) -> None:
    with tqdm(total=views, desc="access events", unit="event") as bar:
        for first in range(0, views, VIEWS_PER_SAVE):
            batch = [
                Access(
                    stamp_on(start, HISTORY_DAYS - 1, minute=number % 1440),
                    role="coordinator",
                    subject_kind="case",
                    subject_id=str(uuid4()),
                    what="case",
                    purpose=None,
                    allowed=True,
                )
                for number in range(first, min(first + VIEWS_PER_SAVE, views))
            ]
            access.save(*batch)
            bar.update(len(batch))


def read_and_decode(app: Application[Any]) -> int:
    """What a rebuild must do at least: read every event in pages and decode it; no writes."""
    start, events = 1, 0
    while notifications := app.recorder.select_notifications(start=start, limit=REBUILD_BATCH_SIZE):
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        events += len(notifications)
        start = notifications[-1].id + 1
    return events
