"""The caseload read model and the runner that keeps it: exactly once, never skipping."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from projections.caseload import Caseload
from projections.runner import ProjectionRunner
from services.database import Database
from services.keywork import Keywork
from tests.integration.conftest import (
    active_case,
    as_,
    close,
    contact,
    practitioner,
    sign_agreement,
)
from tests.integration.test_case_service import run_together


@pytest.fixture
def runner(keywork: Keywork, database: Database) -> Iterator[ProjectionRunner]:
    running = ProjectionRunner(keywork, database, [Caseload(keywork.store.datastore)])
    running.start()
    yield running
    running.stop()


def caught_up(runner: ProjectionRunner, keywork: Keywork) -> Caseload:
    caseload = runner.get(Caseload)
    head = keywork.recorder.max_notification_id() or 0
    assert runner.wait_for(caseload, head, timeout=30)
    return caseload


def test_a_key_workers_caseload_lists_their_active_cases(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    worker = practitioner(keywork)
    first, second, closed = (active_case(keywork, worker) for _ in range(3))
    today = keywork.clock().date()
    sign_agreement(keywork, first, every_days=14)
    contact(keywork, first, as_(occurred_at=keywork.clock() - timedelta(days=20)), "phone")
    close(keywork, closed)

    entries = {e.case_id: e for e in caught_up(runner, keywork).of(worker, today)}
    assert set(entries) == {first, second}
    assert entries[first].contact_every_days == 14
    assert entries[first].next_contact_due == today - timedelta(days=6)
    assert entries[first].contact_overdue is True
    assert entries[second].next_contact_due is None
    assert entries[second].contact_overdue is False


def test_it_agrees_with_the_aggregates_under_concurrent_writers(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    worker = practitioner(keywork)
    cases = [active_case(keywork, worker) for _ in range(4)]

    def contacts(case_id: Any) -> Any:
        def write() -> None:
            for days_ago in (9, 3, 6):
                occurred = keywork.clock() - timedelta(days=days_ago)
                contact(keywork, case_id, as_(occurred_at=occurred), "phone")

        return write

    assert run_together(*(contacts(c) for c in cases)) == [None] * 4
    entries = {e.case_id: e for e in caught_up(runner, keywork).of(worker, keywork.clock().date())}
    for case_id in cases:
        assert entries[case_id].last_contact_at == keywork.case(case_id).last_contact_at


def test_a_batch_that_fails_leaves_neither_rows_nor_position(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    caseload = caught_up(runner, keywork)
    runner.stop()
    worker = practitioner(keywork)
    case_id = active_case(keywork, worker)
    before = caseload.position(keywork.name)
    events = list(keywork.events.get(case_id))

    def broken(cursor: Any, event: Any) -> None:
        raise RuntimeError("the read model's code failed half-way")

    caseload.handlers["KeyWorkerAllocated"] = broken
    with pytest.raises(RuntimeError):
        caseload.apply_batch(events, Tracking(keywork.name, before + 1))
    assert caseload.position(keywork.name) == before
    assert caseload.of(worker, keywork.clock().date()) == []


def test_a_batch_already_applied_by_another_runner_is_refused_whole(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    caseload = caught_up(runner, keywork)
    worker = practitioner(keywork)
    case_id = active_case(keywork, worker)
    caught_up(runner, keywork)
    position = caseload.position(keywork.name)
    with pytest.raises(IntegrityError):
        caseload.apply_batch(list(keywork.events.get(case_id)), Tracking(keywork.name, position))
    assert [e.case_id for e in caseload.of(worker, keywork.clock().date())] == [case_id]


def test_health_positions_reach_the_store_head(keywork: Keywork, runner: ProjectionRunner) -> None:
    active_case(keywork)
    caught_up(runner, keywork)
    assert runner.positions() == {"caseload": keywork.recorder.max_notification_id()}
