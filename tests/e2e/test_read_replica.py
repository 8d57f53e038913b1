"""Read replicas: with KEYWORK_READ_DATABASE_URL the service answers read-model queries from a
real streaming replica, and a read with min_position waits for the replica to replay that far,
while commands and the access log are written to the primary.

Replay on the replica is paused and resumed (pg_wal_replay_pause/resume), so what the replica
holds at each step is known without relying on timing.
"""

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import psycopg
import pytest

from store.database import Database
from store.embedded_postgres import free_port
from tests.conftest import streaming_replica
from tests.e2e.bodies import MEETS_NORFOLK, new_case, new_practitioner, today
from tests.e2e.conftest import RunningService, running_service

NAME = "keywork_replica"
APPLIED = "SELECT coalesce(max(notification_id), 0) FROM key_working_g1_tracking"
READS_RECORDED = "SELECT count(*) FROM access_events"
STORED_AT = "SELECT count(*) FROM keywork_events WHERE notification_id = %s"


@dataclass
class Replicated:
    service: RunningService
    primary: Database
    replica: Database


@pytest.fixture(scope="module")
def replicated(broker: str) -> Iterator[Replicated]:
    with streaming_replica() as (primary, replica):
        reads = replace(replica, dbname=NAME)
        # The API and the projections in one process, whose runner writes each read model on
        # the primary and queries it on the replica.
        with running_service(
            primary,
            NAME,
            broker,
            free_port(),
            only=("api", "projections"),
            KEYWORK_READ_DATABASE_URL=reads.conninfo,
        ) as service:
            yield Replicated(service, replace(primary, dbname=NAME), reads)


def value(database: Database, query: str, *params: Any) -> Any:
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def eventually(holds: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not holds():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.02)


def key_workers(service: RunningService, case_id: str, min_position: int | None = None) -> Any:
    params = {} if min_position is None else {"min_position": min_position}
    found = service.http.get(
        f"/cases/{case_id}/key-worker", params=params, headers=service.as_("coordinator")
    )
    assert found.status_code == 200, found.text
    return [worker["practitioner_id"] for worker in found.json()["key_workers"]]


def test_reads_are_answered_by_the_replica_and_min_position_waits_for_its_replay(
    replicated: Replicated,
) -> None:
    service, primary, replica = replicated.service, replicated.primary, replicated.replica
    worker = new_practitioner(service)
    case_id = new_case(service)
    accepted = service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    assert key_workers(service, case_id, int(accepted.headers["X-Event-Position"])) == []

    value(replica, "SELECT pg_wal_replay_pause()")
    try:
        allocation = {"kind": "designated", "from": today(), "practitioner_id": worker}
        allocated = service.post(f"/cases/{case_id}/key-worker", allocation)
        assert allocated.status_code == 200, allocated.text
        position = int(allocated.headers["X-Event-Position"])
        # The command is in the primary's store, and the primary's read model has applied it...
        assert value(primary, STORED_AT, position) == 1
        eventually(lambda: value(primary, APPLIED) >= position)
        assert value(replica, APPLIED) < position
        recorded = value(primary, READS_RECORDED)

        # ...yet a read without min_position answers the replica's state: no key worker yet.
        assert key_workers(service, case_id) == []
        assert value(primary, READS_RECORDED) == recorded + 1

        with ThreadPoolExecutor(1) as reader:
            waiting = reader.submit(key_workers, service, case_id, position)
            # The read is recorded on the primary before it waits for the replica.
            eventually(lambda: value(primary, READS_RECORDED) == recorded + 2)
            assert not waiting.done()
            value(replica, "SELECT pg_wal_replay_resume()")
            assert waiting.result() == [worker]
    finally:
        value(replica, "SELECT pg_wal_replay_resume()")
    assert value(replica, APPLIED) >= position
