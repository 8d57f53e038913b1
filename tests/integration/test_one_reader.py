"""One reader per store: each batch read and decoded once, applied by every read model following
the store, none missing or doubling an event, whether it leads, lags or fails for a while."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest
from psycopg import Cursor
from psycopg.rows import DictRow

from api.bootstrap import open_keywork, openers
from domain.stamp import event_id
from projections import rebuild as rebuild_module
from projections import runner as runner_module
from projections.distribution_list import DistributionList
from projections.generations import live_generation, switch
from projections.key_working import KeyWorking
from projections.read_model import Handler, ReadModel
from projections.rebuild import rebuild, rebuild_together
from projections.registry import READ_MODELS
from projections.runner import ProjectionRunner, catch_up
from projections.shares import Split
from services.access import AccessLog
from services.keywork import Keywork
from store.database import SCHEMA_LOCK, Database
from tests.conftest import fresh_database
from tests.integration.conftest import active_case, close, contact, read_case, sign_agreement
from tests.integration.test_read_models import rows
from tests.keys import blind_index, master_key_setting, search_key_setting
from tests.settings import settings_with

SMALL_BATCH = 7  # so that a read model behind the others needs several batches to join them


class Seen(ReadModel):
    """Counts each event it is given: a missed one has no row, one applied twice counts 2."""

    name = "seen"
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}seen "
        "(event_id uuid PRIMARY KEY, times int NOT NULL)",
    )

    def handles(self) -> dict[str, Handler]:
        return {"*": self._seen}

    def _seen(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}seen VALUES (%s, 1) ON CONFLICT (event_id) "
                "DO UPDATE SET times = {schema}.{p}seen.times + 1"
            ),
            (event_id(event.originator_id, event.originator_version),),
        )

    def times(self) -> dict[str, int]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql("SELECT event_id::text, times FROM {schema}.{p}seen"))
            return {row["event_id"]: row["times"] for row in cursor.fetchall()}


class SeenLate(Seen):
    name = "seen_late"


class Failing(Seen):
    """Fails every batch while `broken` is set, as a read model with a bug would."""

    name = "failing"
    broken: ClassVar[threading.Event] = threading.Event()

    def _seen(self, cursor: Cursor[DictRow], event: Any) -> None:
        if self.broken.is_set():
            raise ValueError("a bug")
        super()._seen(cursor, event)


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=4), own_database)
    yield app
    app.close()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "BATCH_SIZE", SMALL_BATCH)
    monkeypatch.setattr(rebuild_module, "REBUILD_BATCH_SIZE", SMALL_BATCH)


def stored(keywork: Keywork) -> dict[str, int]:
    """Every event in the store, once each: what a read model that saw each once holds."""
    notifications = keywork.recorder.select_notifications(start=1, limit=10**6)
    return {str(event_id(n.originator_id, n.originator_version)): 1 for n in notifications}


def recording(keywork: Keywork, stop: threading.Event) -> threading.Thread:
    """A thread recording contacts on a case until `stop` is set."""
    case_id = active_case(keywork)

    def record() -> None:
        while not stop.is_set():
            contact(keywork, case_id)

    thread = threading.Thread(target=record)
    thread.start()
    return thread


def caught_up(runner: ProjectionRunner, keywork: Keywork, *kinds: type[ReadModel]) -> None:
    head = keywork.recorder.max_notification_id() or 0
    for kind in kinds:
        assert runner.wait_for(runner.get(kind), head, timeout=30), kind.name


def test_a_read_model_behind_the_others_catches_up_alone_then_joins_them(
    keywork: Keywork, own_database: Database, small_batches: None
) -> None:
    for _ in range(4):
        contact(keywork, active_case(keywork))
    runner = ProjectionRunner({"keywork": keywork}, own_database, (Seen, SeenLate))
    runner.start()
    stop = threading.Event()
    writer = recording(keywork, stop)
    try:
        caught_up(runner, keywork, Seen, SeenLate)
        # The late one starts again from nothing, while the other leads and events keep coming.
        datastore = keywork.store.datastore
        fresh = live_generation(datastore, SeenLate.name) + 1
        switch(datastore, SeenLate.name, fresh)
        deadline = time.monotonic() + 10
        while runner.get(SeenLate).generation != fresh:
            assert time.monotonic() < deadline, "the runner did not take up the fresh generation"
            time.sleep(0.01)
        while runner.get(SeenLate).position() < runner.get(Seen).position():
            assert time.monotonic() < deadline, "the late read model never caught up"
            time.sleep(0.01)
        time.sleep(0.2)  # both take the same batches again
        stop.set()
        writer.join()
        caught_up(runner, keywork, Seen, SeenLate)
    finally:
        stop.set()
        writer.join()
        runner.stop()
    every_event = stored(keywork)
    assert len(every_event) > 6 * SMALL_BATCH
    assert runner.get(Seen).times() == every_event
    assert runner.get(SeenLate).times() == every_event


def test_a_failing_read_model_holds_up_none_of_the_others_and_resumes_where_it_stopped(
    keywork: Keywork, own_database: Database, small_batches: None
) -> None:
    runner = ProjectionRunner({"keywork": keywork}, own_database, (Seen, Failing))
    runner.start()
    try:
        caught_up(runner, keywork, Seen, Failing)
        Failing.broken.set()
        stuck_at = runner.get(Failing).position()
        for _ in range(3):
            contact(keywork, active_case(keywork))
        caught_up(runner, keywork, Seen)  # the other one goes on
        assert runner.get(Failing).position() == stuck_at
        Failing.broken.clear()
        caught_up(runner, keywork, Failing)
    finally:
        Failing.broken.clear()
        runner.stop()
    assert runner.get(Failing).times() == runner.get(Seen).times() == stored(keywork)


def test_read_models_rebuilt_together_equal_each_rebuilt_alone(
    keywork: Keywork, access: AccessLog, small_batches: None
) -> None:
    for number in range(3):
        case_id = active_case(keywork)
        sign_agreement(keywork, case_id)
        contact(keywork, case_id)
        if number == 0:
            close(keywork, case_id)
        read_case(access, case_id)
    apps: dict[str, Any] = {"keywork": keywork, "access": access}
    datastore = keywork.store.datastore
    alone = {
        kind: rows(rebuild(apps[kind.follows], datastore, kind, blind_index=blind_index()))
        for kind in READ_MODELS
    }
    together = rebuild_together(apps, datastore, READ_MODELS, blind_index=blind_index())
    assert [type(model) for model in together] == list(READ_MODELS)
    for model in together:
        kind = type(model)
        assert model.position() == apps[kind.follows].recorder.max_notification_id()
        assert rows(model) == alone[kind] == rows(applied_one_batch_at_a_time(apps, kind))
        assert live_generation(datastore, model.name) == model.generation


def applied_one_batch_at_a_time(apps: dict[str, Any], kind: type[ReadModel]) -> ReadModel:
    """The read model as the live runner's path builds it, in a generation of its own."""
    model = kind(apps["keywork"].store.datastore, 99, blind_index=blind_index())
    model.drop_tables()
    model.create_table()
    while catch_up(apps[kind.follows], model, SMALL_BATCH):
        pass
    return model


def test_a_rebuild_reads_only_the_events_its_read_model_applies_and_still_reaches_the_head(
    keywork: Keywork, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact(keywork, active_case(keywork))  # the store ends with an event it does not apply
    read: list[str] = []
    decoding = runner_module.decoded

    def decoded(mapper: Any, stored: Any, opened: Any) -> Any:
        events = decoding(mapper, stored, opened)
        read.extend(type(event).__name__ for event in events)
        return events

    monkeypatch.setattr(runner_module, "decoded", decoded)
    rebuilt = rebuild(keywork, keywork.store.datastore, DistributionList)
    monkeypatch.undo()

    assert "Referred" in read
    assert all(rebuilt.applies(name) for name in read), "it read events it does not apply"
    assert rebuilt.position() == keywork.recorder.max_notification_id()
    assert rows(rebuilt) == rows(
        applied_one_batch_at_a_time({"keywork": keywork}, DistributionList)
    )


def test_read_models_rebuilt_in_shares_by_case_equal_each_rebuilt_whole(
    keywork: Keywork, access: AccessLog, own_database: Database, small_batches: None
) -> None:
    for _ in range(4):  # cases enough that both shares have some
        case_id = active_case(keywork)
        contact(keywork, case_id)
        close(keywork, case_id)
        read_case(access, case_id)
    apps: dict[str, Any] = {"keywork": keywork, "access": access}
    datastore = keywork.store.datastore
    whole = {
        kind: rebuild(apps[kind.follows], datastore, kind, blind_index=blind_index())
        for kind in READ_MODELS
    }
    split = Split(2, openers(settings_with(postgres_pool_size=2), own_database))
    reported: list[tuple[str, int]] = []
    shared = rebuild_together(
        apps,
        datastore,
        READ_MODELS,
        blind_index=blind_index(),
        split=split,
        progress=lambda store, position: reported.append((store, position)),
    )
    for model in shared:
        head = apps[model.follows].recorder.max_notification_id()
        assert model.position() == head
        assert rows(model) == rows(whole[type(model)]), model.name
        assert tracking_rows(model) == tracking_rows(whole[type(model)]), "a share's is left"
    assert ("keywork", keywork.recorder.max_notification_id()) in reported


# Sessions of this database waiting for an advisory lock (pg_locks shows the whole server's).
WAITING_HERE = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def test_a_share_opens_each_store_in_turn_with_every_process_making_tables(
    database: Database,
) -> None:
    """Shares open at once, and the library's CREATE OR REPLACE FUNCTION run by two of them
    together failed one ("tuple concurrently updated"): each waits for the lock on making
    tables, as the service's processes do."""
    empty = fresh_database(database, "keywork_integration_share_opens")
    opened: list[Any] = []
    with psycopg.connect(empty.conninfo, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        for opener in openers(settings_with(postgres_pool_size=1), empty).values():
            share = threading.Thread(target=lambda opener=opener: opened.append(opener()))
            share.start()
            deadline = time.monotonic() + 20  # only a failing test waits this long
            while other.execute(WAITING_HERE).fetchone() != (1,):
                assert time.monotonic() < deadline, "the share did not wait for the lock"
                time.sleep(0.01)
            assert not opened
            other.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))
            share.join()
            assert len(opened) == 1
            opened.pop().close()
            other.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))


def tracking_rows(model: ReadModel) -> set[tuple[str, int]]:
    with model.datastore.transaction(commit=False) as cursor:
        cursor.execute(model.sql("SELECT * FROM {schema}.{p}tracking"))
        return {(row["application_name"], row["notification_id"]) for row in cursor.fetchall()}


def test_the_rebuild_command_shares_a_read_model_between_the_processes_asked_for(
    keywork: Keywork, own_database: Database, tmp_path: Path
) -> None:
    contact(keywork, active_case(keywork))
    head = keywork.recorder.max_notification_id()
    env = os.environ | {
        "KEYWORK_DATABASE_URL": own_database.conninfo,
        "KEYWORK_DATA_DIR": str(tmp_path),
        "KEYWORK_MASTER_KEY": master_key_setting(),
        "KEYWORK_SEARCH_KEY": search_key_setting(),
    }
    command = [sys.executable, "-m", "api.cli", "projections", "rebuild", "key_working"]
    refused = subprocess.run([*command, "--processes", "0"], env=env, capture_output=True)
    assert refused.returncode == 2
    assert b"--processes: must be 1 or more" in refused.stderr
    done = subprocess.run([*command, "--processes", "2"], env=env, capture_output=True, check=True)
    generation = live_generation(keywork.store.datastore, "key_working")
    assert f"key_working: generation {generation} is live at {head}" in done.stdout.decode()
    shared = KeyWorking(keywork.store.datastore, generation)
    assert rows(shared) == rows(rebuild(keywork, keywork.store.datastore, KeyWorking))
