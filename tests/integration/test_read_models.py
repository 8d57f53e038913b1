"""Read models on a real PostgreSQL: exactly once, never skipping, rebuilt identical."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from api.bootstrap import open_keywork
from projections.caseloads import caseload
from projections.child_index import ChildIndex
from projections.distribution_list import DistributionList
from projections.generations import live_generation
from projections.key_working import KeyWorking
from projections.read_model import ReadModel
from projections.rebuild import rebuild
from projections.registry import READ_MODELS
from projections.runner import ProjectionRunner, catch_up, catch_up_fully, read_after
from projections.trail import Actions
from services.access import AccessLog
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import (
    active_case,
    as_,
    close,
    contact,
    practitioner,
    read_case,
    refer,
    sign_agreement,
)
from tests.integration.test_case_service import run_together
from tests.keys import blind_index, master_key_setting, search_key_setting
from tests.settings import settings_with


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=8), own_database)
    yield app
    app.close()


@pytest.fixture
def runner(
    keywork: Keywork, access: AccessLog, own_database: Database
) -> Iterator[ProjectionRunner]:
    apps = {"keywork": keywork, "access": access}
    running = ProjectionRunner(apps, own_database, READ_MODELS, blind_index=blind_index())
    running.start()
    yield running
    running.stop()


def caught_up(runner: ProjectionRunner, keywork: Keywork, kind: type[ReadModel]) -> Any:
    model = runner.get(kind)
    assert runner.wait_for(model, keywork.recorder.max_notification_id() or 0, timeout=30)
    return model


def rows(model: ReadModel) -> dict[str, list[Any]]:
    """Every row of every table of the read model, in a stable order, tracking aside."""
    tables: dict[str, list[Any]] = {}
    with model.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE %s ORDER BY tablename",
            (model.prefix.replace("_", "\\_") + "%",),
        )
        for (name,) in [tuple(r.values()) for r in cursor.fetchall()]:
            if name.endswith("tracking"):
                continue
            cursor.execute(f'SELECT * FROM "{name}"')
            tables[name.removeprefix(model.prefix)] = sorted(
                tuple(str(v) for v in r.values()) for r in cursor.fetchall()
            )
    return tables


def test_a_key_workers_caseload_lists_their_active_cases(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    worker = practitioner(keywork)
    first, second, closed = (active_case(keywork, worker) for _ in range(3))
    sign_agreement(keywork, first, every_days=14)
    contact(keywork, first, as_(occurred_at=keywork.clock() - timedelta(days=20)))
    close(keywork, closed)
    today = keywork.clock().date()
    entries = {
        e.case_id: e for e in caseload(caught_up(runner, keywork, KeyWorking), worker, today)
    }
    assert set(entries) == {first, second}
    assert entries[first].next_contact_due == today - timedelta(days=6)
    assert entries[first].contact_overdue is True
    assert entries[second].next_contact_due is None
    yesterday = caseload(runner.get(KeyWorking), worker, today - timedelta(days=1))
    assert yesterday == []  # allocated today


def test_concurrent_writers_never_make_the_runner_skip_an_event(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    worker = practitioner(keywork)
    cases = [active_case(keywork, worker) for _ in range(4)]

    def contacts(case_id: Any) -> Any:
        def write() -> None:
            for days_ago in (9, 3, 6, 1, 4):
                contact(
                    keywork, case_id, as_(occurred_at=keywork.clock() - timedelta(days=days_ago))
                )

        return write

    assert run_together(*(contacts(c) for c in cases)) == [None] * 4
    model = caught_up(runner, keywork, KeyWorking)
    entries = {e.case_id: e for e in caseload(model, worker, keywork.clock().date())}
    for case_id in cases:
        assert entries[case_id].last_contact_at == keywork.case(case_id).last_contact_at
    assert len(rows(caught_up(runner, keywork, Actions))["actions"]) == (
        keywork.recorder.max_notification_id()
    )


def test_a_crash_before_commit_leaves_neither_rows_nor_position(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    model = caught_up(runner, keywork, KeyWorking)
    runner.stop()
    before, position = rows(model), model.position()
    active_case(keywork)

    def crash(cursor: Any, event: Any) -> None:
        raise RuntimeError("the process died between writing rows and committing")

    model.handlers["KeyWorkerAllocated"] = crash
    with pytest.raises(RuntimeError):
        catch_up(keywork, model)
    assert (rows(model), model.position()) == (before, position)


def test_a_read_model_commits_without_waiting_for_the_disk(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    model = caught_up(runner, keywork, KeyWorking)
    runner.stop()
    seen = []
    apply = model.handlers["KeyWorkerAllocated"]

    def note(cursor: Any, event: Any) -> None:
        cursor.execute("SELECT current_setting('synchronous_commit') AS setting")
        seen.append(cursor.fetchone()["setting"])
        apply(cursor, event)  # the rows as ever: other tests compare them

    model.handlers["KeyWorkerAllocated"] = note
    active_case(keywork)
    catch_up(keywork, model)
    assert seen == ["off"]


def test_a_batch_already_applied_by_another_runner_is_refused_whole(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    active_case(keywork)
    model = caught_up(runner, keywork, DistributionList)
    started, before = model.position(), rows(model)
    events = list(keywork.events.get(active_case(keywork)))
    caught_up(runner, keywork, DistributionList)
    applied = rows(model)
    # Read from where the runner started, ending where it did or further on (a runner that read
    # the store a moment later): either way, not applied a second time.
    for end in (model.position(), model.position() + 1):
        with pytest.raises(IntegrityError):
            model.apply_batch(events, started, end)
    assert rows(model) == applied != before  # the runner's own application stands, once


def test_catching_up_fully_gives_up_on_a_read_model_whose_own_rows_clash_every_time(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    model = caught_up(runner, keywork, KeyWorking)
    runner.stop()
    position = model.position()
    active_case(keywork)

    def clash(cursor: Any, event: Any) -> None:
        raise IntegrityError("a row this read model already holds")

    model.handlers["KeyWorkerAllocated"] = clash
    # Raised, not retried for ever as if another runner had applied the batch first.
    with pytest.raises(IntegrityError, match="already holds"):
        catch_up_fully(keywork, model)
    assert model.position() == position


def test_a_rebuild_from_zero_gives_the_rows_built_one_batch_at_a_time(
    keywork: Keywork, access: AccessLog, runner: ProjectionRunner, own_database: Database
) -> None:
    for _ in range(3):
        case_id = active_case(keywork)
        sign_agreement(keywork, case_id)
        contact(keywork, case_id)
        read_case(access, case_id)
    apps = {"keywork": keywork, "access": access}
    for kind in READ_MODELS:
        live = caught_up(runner, apps[kind.follows], kind)
        rebuilt = rebuild(
            apps[kind.follows], keywork.store.datastore, kind, blind_index=blind_index()
        )
        assert rebuilt.generation == live.generation + 1
        assert rows(rebuilt) == rows(live), kind.name
        assert live_generation(keywork.store.datastore, kind.name) == rebuilt.generation
    deadline = time.monotonic() + 10
    while runner.get(KeyWorking).generation != live_generation(
        keywork.store.datastore, "key_working"
    ):
        assert time.monotonic() < deadline, "the runner did not take up the rebuilt generation"
        time.sleep(0.1)


def test_a_runner_that_only_reads_takes_up_a_rebuilt_generation(
    keywork: Keywork, access: AccessLog, own_database: Database
) -> None:
    # As in an API process: it reads the read models, the projections' process runs them.
    apps = {"keywork": keywork, "access": access}
    reader = ProjectionRunner(apps, own_database, READ_MODELS, blind_index=blind_index())
    rebuilt = rebuild(keywork, keywork.store.datastore, KeyWorking)
    deadline = time.monotonic() + 10
    while reader.get(KeyWorking).generation != rebuilt.generation:
        assert time.monotonic() < deadline, "the reader did not take up the rebuilt generation"
        time.sleep(0.1)


def test_a_killed_projections_process_resumes_without_missing_or_doubling_an_event(
    keywork: Keywork, runner: ProjectionRunner, own_database: Database, tmp_path: Any
) -> None:
    runner.stop()
    for _ in range(120):
        case_id = active_case(keywork)
        contact(keywork, case_id)
    model = runner.get(KeyWorking)
    before, head = model.position(), keywork.recorder.max_notification_id() or 0
    env = os.environ | {
        "KEYWORK_DATABASE_URL": own_database.conninfo,
        "KEYWORK_JWT_SECRET": "x" * 40,
        "KEYWORK_DATA_DIR": str(tmp_path),
        "KEYWORK_MASTER_KEY": master_key_setting(),
        "KEYWORK_SEARCH_KEY": search_key_setting(),
    }
    service = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "run", "--only", "projections"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while model.position() == before:  # kill it once it has committed a batch
            assert time.monotonic() < deadline, "the service never started projecting"
            time.sleep(0.005)
    finally:
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=10)
    killed_at = model.position()
    head = keywork.recorder.max_notification_id() or 0  # the service records too (overdue flags)
    while catch_up(keywork, model):
        pass
    assert model.position() == head >= killed_at
    rebuilt = rebuild(keywork, keywork.store.datastore, KeyWorking)
    assert rows(rebuilt) == rows(model)


def test_a_batch_opens_the_keys_of_all_its_children_in_one_query(
    keywork: Keywork, own_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    children = {refer(keywork) for _ in range(3)}
    reader = open_keywork(settings_with(postgres_pool_size=2), own_database)  # no key in memory
    try:
        asked: list[set[Any]] = []
        fetch = reader.store.wrapped_keys

        def counted(subject_ids: Any) -> Any:
            asked.append(set(subject_ids))
            return fetch(subject_ids)

        monkeypatch.setattr(reader.store, "wrapped_keys", counted)
        # Read for a read model that reads the children's details, so they are opened.
        searching = ChildIndex(keywork.store.datastore, blind_index=blind_index())
        events, _ = read_after(reader, 0, 10_000, [searching])
        assert len(asked) == 1 and children <= asked[0]
        referrals = [e for e in events if e.originator_id in children and hasattr(e, "child")]
        assert [e.child.given_name for e in referrals] == ["Sam"] * 3  # opened, not placeholders
    finally:
        reader.close()
