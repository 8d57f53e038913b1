"""Snapshots of long cases, sealed whole with the child's key, on a real PostgreSQL.

A cold load (a fresh application, no aggregate cache) of a case of 2,000 events reads its latest
snapshot and fewer than KEYWORK_SNAPSHOT_EVERY events, counted as the recorders return them; the
snapshot's stored bytes hold nothing in clear; after an erasure no snapshot of the case is used.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import AggregateRecorder, StoredEvent

from api import bootstrap
from domain.case import Case
from domain.personal import ERASED
from domain.stamp import Stamp
from services.keywork import Keywork
from store.data_keys import KeyDestroyed
from store.database import Database
from store.sealing import CASE_SNAPSHOT_TOPIC
from tests.integration.conftest import as_, practitioner
from tests.integration.test_erasure import (
    EMAIL,
    GIVEN,
    PARENT,
    holds_personal_data,
    the_childs_case,
)
from tests.settings import settings_with

EVERY = 200
EVENTS = 2_000
CONTACTS_PER_COMMAND = 100


@pytest.fixture(scope="module")
def erasure_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("snapshots") / "erasure-list"


@pytest.fixture
def opened(own_database: Database, erasure_list: Path) -> Iterator[Any]:
    """Opens fresh applications on the module's database (no aggregate cache), closed after."""
    apps: list[Keywork] = []

    def open_keywork(snapshot_every: int = EVERY) -> Keywork:
        settings = settings_with(
            postgres_pool_size=2, snapshot_every=snapshot_every, erasure_list=erasure_list
        )
        apps.append(bootstrap.open_keywork(settings, own_database))
        return apps[-1]

    yield open_keywork
    for app in apps:
        app.close()


@pytest.fixture(scope="module")
def keywork(own_database: Database, erasure_list: Path) -> Iterator[Keywork]:
    settings = settings_with(postgres_pool_size=2, snapshot_every=EVERY, erasure_list=erasure_list)
    app = bootstrap.open_keywork(settings, own_database)
    yield app
    app.close()


def record_contacts(case: Case, stamp: Stamp) -> None:
    for _ in range(CONTACTS_PER_COMMAND):
        case.record_contact(stamp, kind="phone", participants=[], note=None)


def long_case(keywork: Keywork) -> UUID:
    """A case of at least EVENTS events, its state in dicts keyed by ids (TAC, reviews, marks)
    and by number (plans), and in sets (empty); its contacts recorded a hundred to a command."""
    case_id = the_childs_case(keywork)
    today = keywork.clock().date()
    keywork.sign_service_agreement(
        as_(), case_id, contact_every_days=14, signed_by=PARENT, signed_on=today
    )
    keywork.add_tac_member(
        as_(),
        case_id,
        practitioner_id=practitioner(keywork),
        role="Physio",
        receives_plans=True,
        channel="email",
    )
    review_id, _ = keywork.schedule_review(
        as_(), case_id, at=keywork.clock() + timedelta(days=30), location="Quernmore school"
    )
    keywork.mark_significant(as_(), case_id, marked_event_id=review_id, reason="First review")
    keywork.draft_plan(as_(), case_id, summary="Respite", outcomes=["Sleep"], actions=[])
    version = 0
    while version < EVENTS:
        version = keywork.change(as_(), Case, case_id, record_contacts).version
    return case_id


@pytest.fixture(scope="module")
def case_id(keywork: Keywork) -> UUID:
    return long_case(keywork)


def rows_read(recorder: AggregateRecorder, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows each `select_events` on `recorder` returns from now on."""
    counts: list[int] = []
    select = recorder.select_events

    def counted(*args: Any, **kwargs: Any) -> list[StoredEvent]:
        rows = list(select(*args, **kwargs))
        counts.append(len(rows))
        return rows

    monkeypatch.setattr(recorder, "select_events", counted)
    return counts


def snapshot_rows(database: Database, case_id: UUID) -> list[tuple[int, str, bytes]]:
    with psycopg.connect(database.conninfo) as conn:
        return [
            (version, topic, bytes(state))
            for version, topic, state in conn.execute(
                "SELECT originator_version, topic, state FROM keywork_snapshots "
                "WHERE originator_id = %s ORDER BY originator_version",
                (case_id,),
            )
        ]


def test_a_cold_load_of_a_long_case_reads_its_latest_snapshot_and_fewer_events_than_the_interval(
    keywork: Keywork, case_id: UUID, opened: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = opened()
    assert cold.snapshots is not None
    events_read = rows_read(cold.recorder, monkeypatch)
    snapshots_read = rows_read(cold.snapshots.recorder, monkeypatch)
    case = cold.load(Case, case_id)
    assert case.version >= EVENTS
    assert snapshots_read == [1]
    assert sum(events_read) < EVERY

    replaying = opened(snapshot_every=0)
    replayed_events = rows_read(replaying.recorder, monkeypatch)
    replayed = replaying.load(Case, case_id)
    assert sum(replayed_events) == case.version
    assert vars(case) == vars(replayed)
    assert case.child.given_name == GIVEN


def test_a_case_is_snapshotted_each_time_it_passes_the_interval_sealed_whole(
    case_id: UUID, own_database: Database
) -> None:
    rows = snapshot_rows(own_database, case_id)
    assert len(rows) == EVENTS // EVERY
    for _, topic, state in rows:
        assert topic == CASE_SNAPSHOT_TOPIC
        assert holds_personal_data(state) == []
        # Sealed whole: not even the case's non-personal state is readable.
        assert b"norfolk" not in state and b"contacts" not in state


def test_after_an_erasure_no_snapshot_of_the_case_is_used_and_it_loads_with_placeholders(
    keywork: Keywork, own_database: Database, opened: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = long_case(keywork)
    keywork.erase_case(as_("dpo-1"), case_id, reason="Subject access request SAR-12")

    cold = opened()
    assert cold.snapshots is not None
    assert list(cold.snapshots.get(case_id, desc=True, limit=1)) == []
    events_read = rows_read(cold.recorder, monkeypatch)
    case = cold.load(Case, case_id)
    assert sum(events_read) >= case.version >= EVENTS
    assert case.erased
    assert (case.child.given_name, case.family[0].email) == (ERASED, None)
    for version, topic, state in snapshot_rows(own_database, case_id):
        assert holds_personal_data(state) == []
        with pytest.raises(KeyDestroyed):
            cold.mapper.to_domain_event(StoredEvent(case_id, version, topic, state))
    assert EMAIL not in repr(vars(case))


def test_a_case_erased_by_another_process_as_it_is_saved_is_not_snapshotted(
    keywork: Keywork, own_database: Database, opened: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = the_childs_case(keywork)
    writer, eraser = opened(snapshot_every=10), opened()
    put = writer.events.put

    def put_then_erase(*args: Any, **kwargs: Any) -> Any:
        recordings = put(*args, **kwargs)
        eraser.erase_case(as_("dpo-1"), case_id, reason="Erased meanwhile")
        writer.keys.forget(case_id)  # as when its cached key has expired
        return recordings

    monkeypatch.setattr(writer.events, "put", put_then_erase)
    outcome = writer.change(as_(), Case, case_id, record_contacts)
    assert outcome.version > 10
    assert snapshot_rows(own_database, case_id) == []
    assert eraser.load(Case, case_id).erased
