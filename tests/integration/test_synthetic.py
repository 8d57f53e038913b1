"""The synthetic histories: realistic, repeatable, resumable, and written in bulk exactly as the
application would have saved them."""

import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.application import Application

from api.bootstrap import open_access_log, open_keywork
from demo.loader import BY_CONSUMERS, READS_PER_EVENT, Converter, decided, plan, seed, write
from demo.synthetic import CHUNK, COORDINATOR, YEAR, Directory, Scale
from projections.registry import projection_runner
from projections.runner import catch_up_fully
from services.access import AccessLog
from services.keywork import Keywork
from store.database import Database
from tests.conftest import fresh_database
from tests.keys import blind_index
from tests.settings import settings_with

TINY = Scale("tiny", children=100, agencies=5, practitioners=40, key_workers=10)
SMALL = Scale("small", children=3 * CHUNK, agencies=2, practitioners=12, key_workers=4)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
FEW = Scale("few", children=8, agencies=1, practitioners=6, key_workers=2)
SNAPSHOT_EVERY = 40  # so that some of the cases are snapshotted


@dataclass
class Store:
    database: Database
    keywork: Keywork
    access: AccessLog

    def close(self) -> None:
        self.access.close()
        self.keywork.close()


@pytest.fixture
def stores(database: Database) -> Iterator[list[Store]]:
    """Opens stores, each over a fresh database of its own, and closes them at the end."""
    opened: list[Store] = []
    yield opened
    for store in opened:
        store.close()


def open_store(stores: list[Store], database: Database, name: str) -> Store:
    own = fresh_database(database, name)
    settings = settings_with(postgres_pool_size=2, snapshot_every=SNAPSHOT_EVERY)
    store = Store(own, open_keywork(settings, own), open_access_log(settings, own))
    stores.append(store)
    return store


def notifications(app: Application[Any]) -> list[tuple[int, Any, int, str]]:
    return [
        (n.id, n.originator_id, n.originator_version, n.topic)
        for n in app.recorder.select_notifications(start=1, limit=10**6)
    ]


def query(app: Application[Any], statement: str) -> list[tuple[Any, ...]]:
    """The statement's rows, `{table}` standing for the application's events table."""
    table = f"{app.name}_events"
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(statement.format(table=table))
        return [tuple(row.values()) for row in cursor.fetchall()]


def event_types(app: Application[Any]) -> Counter[str]:
    rows = query(app, "SELECT topic, count(*) FROM {table} GROUP BY topic")
    return Counter({topic.rsplit(".", 1)[-1]: count for topic, count in rows})


def assert_gap_free(app: Application[Any]) -> None:
    """Notification ids 1, 2, ... in the order of the rows' insertion, none missing."""
    rows = query(app, "SELECT count(*), min(notification_id), max(notification_id) FROM {table}")
    count, first, last = rows[0]
    assert (first, last) == (1, count)


class Interrupted(Exception):
    pass


def test_a_seeded_store_has_every_part_of_a_case_life_and_its_reads(
    database: Database, stores: list[Store]
) -> None:
    store = open_store(stores, database, "keywork_synthetic_a")
    assert seed(store.keywork, store.access, TINY, 7, NOW, workers=2) == TINY.children
    types = event_types(store.keywork)
    for kind in (
        "Referred",
        "EligibilityDecided",
        "KeyWorkerAllocated",
        "ServiceAgreementSigned",
        "TacMemberAdded",
        "ContactRecorded",
        "ReviewHeld",
        "PlanSigned",
        "PlanCopySent",
        "KeyWorkerHandedOver",
        "Closed",
        "ClosureAudited",
        "OutcomesMeasured",
        "FeedbackInvited",
        "FeedbackGiven",
        "TrainingCompleted",
        "SupervisionRecorded",
    ):
        assert types[kind] > 0, kind
    assert types["Referred"] == TINY.children
    assert 0.2 < types["FeedbackGiven"] / types["FeedbackInvited"] < 0.6
    referred = query(
        store.keywork, "SELECT originator_id FROM {table} WHERE topic LIKE '%.Referred'"
    )
    routes = Counter(store.keywork.case(case_id).route for (case_id,) in referred)
    assert set(routes) == {"professional", "single_point", "self"}
    # Recorded by the case's key worker while it has one (each has a trail of their own), and
    # by the coordinator before and once it is closed.
    contacts = 0
    for (case_id,) in referred:
        worker = None
        for event in store.keywork.events.get(case_id):
            expected = COORDINATOR if worker is None else str(worker.practitioner_id)
            assert event.stamp.actor == expected, type(event).__name__
            contacts += type(event).__name__ == "ContactRecorded"
            worker = getattr(event, "incoming", None) or getattr(event, "key_worker", worker)
            worker = None if type(event).__name__ == "Closed" else worker
    assert contacts == types["ContactRecorded"]
    # Two page reads for each case event a person records; none for the others.
    not_of_cases = {
        "AgencyRegistered",
        "PractitionerRegistered",
        "TrainingCompleted",
        "SupervisionRecorded",
        "FeedbackGiven",
    }
    by_people = sum(n for kind, n in types.items() if kind not in BY_CONSUMERS | not_of_cases)
    assert event_types(store.access) == {"Viewed": READS_PER_EVENT * by_people}
    assert_gap_free(store.keywork)
    assert_gap_free(store.access)
    assert seed(store.keywork, store.access, TINY, 7, NOW) == 0  # all there already


def test_an_interrupted_run_resumes_without_writing_anything_twice(
    database: Database, stores: list[Store]
) -> None:
    whole = open_store(stores, database, "keywork_synthetic_b")
    resumed = open_store(stores, database, "keywork_synthetic_c")
    seed(whole.keywork, whole.access, SMALL, 11, NOW, workers=1)
    writes = 0

    def interrupt(events: int) -> None:
        nonlocal writes
        writes += 1
        if writes == 2 + 1:  # the agencies, the practitioners, then a chunk of cases
            raise Interrupted

    with pytest.raises(Interrupted):
        seed(resumed.keywork, resumed.access, SMALL, 11, NOW, interrupt, workers=2)
    assert seed(resumed.keywork, resumed.access, SMALL, 11, NOW, workers=2) == 2 * CHUNK
    assert event_types(resumed.keywork) == event_types(whole.keywork)
    assert event_types(resumed.access) == event_types(whole.access)
    assert_gap_free(resumed.keywork)


def test_a_chunk_written_in_bulk_reads_back_as_the_same_chunk_saved(
    database: Database, stores: list[Store]
) -> None:
    saved = open_store(stores, database, "keywork_synthetic_saved")
    copied = open_store(stores, database, "keywork_synthetic_copied")
    directory = Directory([uuid4() for _ in range(4)], [uuid4() for _ in range(12)])
    chunk_plan = plan(copied.keywork, copied.access, FEW, 5, NOW - 3 * YEAR, NOW, directory)
    chunk = decided(chunk_plan, 0)
    twin = copy.deepcopy(chunk)  # the same aggregates and pending events, to save the usual way
    saved.keywork.save(*twin.cases, *twin.answers)
    saved.access.save(*twin.reads)
    write(copied.keywork, copied.access, Converter(chunk_plan).stored(chunk))

    for app in ("keywork", "access"):
        assert notifications(getattr(copied, app)) == notifications(getattr(saved, app))
        assert_gap_free(getattr(copied, app))
    snapshotted = 0
    for case in chunk.cases:
        assert vars(copied.keywork.repository.get(case.id)) == vars(
            saved.keywork.repository.get(case.id)
        )
        assert list(copied.keywork.events.get(case.id)) == list(saved.keywork.events.get(case.id))
        versions = [s.originator_version for s in copied.keywork.snapshots.get(case.id)]  # type: ignore[union-attr]
        assert versions == [s.originator_version for s in saved.keywork.snapshots.get(case.id)]  # type: ignore[union-attr]
        snapshotted += len(versions)
    assert snapshotted > 0
    assert read_models(copied) == read_models(saved)

    # The personal fields are sealed in the table: none of them in clear, each child a key.
    child, parent = chunk.cases[0].child, chunk.cases[0].family[0]
    with psycopg.connect(copied.database.conninfo) as conn:
        states = b"".join(
            row[0] for row in conn.execute("SELECT state FROM keywork_events").fetchall()
        )
        keys = conn.execute("SELECT count(*) FROM data_keys").fetchone()
    for clear in (child.family_name, parent.name, parent.email or ""):
        assert clear.encode() not in states, clear
    assert copied.keywork.case(chunk.cases[0].id).child == child
    assert keys == (len(chunk.cases),)


def read_models(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every read model's tables, caught up with the store: each table's rows, sorted."""
    apps: dict[str, Application[Any]] = {"keywork": store.keywork, "access": store.access}
    runner = projection_runner(apps, store.database, store.keywork.rules, blind_index())
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(store.database.conninfo) as conn:
        for model in runner.read_models.values():
            catch_up_fully(apps[model.follows], model)
            names = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_name LIKE %s",
                (model.prefix.replace("_", "\\_") + "%",),
            ).fetchall()
            for (name,) in names:
                rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
                tables[name] = sorted(rows, key=repr)
    assert any(tables.values()), "the read models hold rows"
    return tables
