"""Group commit, made deterministic: another transaction holds the events table's lock, so the
first append waits at the lock while the others queue behind it."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from domain.case import Case
from services.commands import Outcome, VersionConflict
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import active_case, as_, contact

WAIT_SECONDS = 20.0  # only a failing test waits this long


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the appends never reached the expected state"
        time.sleep(0.005)


@contextmanager
def table_locked(database: Database, keywork: Keywork) -> Iterator[None]:
    with psycopg.connect(database.conninfo) as connection, connection.transaction():
        for statement in keywork.store.lock_table_statements:
            connection.execute(statement)
        yield


class Attempt(threading.Thread):
    """A command on its own thread, keeping its outcome or its error."""

    def __init__(self, command: Callable[[], Outcome]) -> None:
        super().__init__()
        self.command = command
        self.outcome: Outcome | None = None
        self.error: Exception | None = None
        self.start()

    def run(self) -> None:
        try:
            self.outcome = self.command()
        except Exception as error:
            self.error = error


def register(keywork: Keywork, name: str) -> Callable[[], Outcome]:
    return lambda: keywork.register_agency(as_("admin-1"), name=name, sector="education")


def transactions_of(database: Database, keywork: Keywork, ids: list[UUID]) -> set[Any]:
    """The ids of the transactions (xmin) that inserted these aggregates' events."""
    with psycopg.connect(database.conninfo) as connection:
        rows = connection.execute(
            f"SELECT DISTINCT xmin::text FROM {keywork.store.events_table_name} "
            "WHERE originator_id = ANY(%s)",
            (ids,),
        ).fetchall()
    return {row[0] for row in rows}


def queue_behind_a_blocked_commit(
    database: Database, keywork: Keywork, commands: list[Callable[[], Outcome]]
) -> tuple[Attempt, list[Attempt]]:
    """The first command commits alone, blocked at the lock; the others queue behind it."""
    group = keywork.store.group_commit
    with table_locked(database, keywork):
        batches = group.batches
        first = Attempt(register(keywork, "First Agency"))
        wait_for(lambda: group.batches == batches + 1)
        queued = [Attempt(command) for command in commands]
        wait_for(lambda: group.queued() == len(commands))
    for attempt in [first, *queued]:
        attempt.join(WAIT_SECONDS)
    assert group.batches >= batches + 2
    return first, queued


def test_appends_that_wait_for_a_commit_are_committed_together_in_one_transaction(
    keywork: Keywork, database: Database
) -> None:
    group = keywork.store.group_commit
    first, queued = queue_behind_a_blocked_commit(
        database, keywork, [register(keywork, f"Agency {n}") for n in range(12)]
    )
    outcomes = [attempt.outcome for attempt in queued]
    assert first.error is None and all(attempt.error is None for attempt in queued)
    assert all(outcome is not None for outcome in outcomes)
    ids = [outcome.aggregate_id for outcome in outcomes if outcome]
    assert len(transactions_of(database, keywork, ids)) == 1
    assert first.outcome is not None
    assert transactions_of(database, keywork, [first.outcome.aggregate_id]).isdisjoint(
        transactions_of(database, keywork, ids)
    )
    # Each caller got its own events' positions, as committed.
    for outcome in outcomes:
        assert outcome is not None
        assert outcome.position == keywork.store.position_of(outcome.aggregate_id, 1)
        assert keywork.agency(outcome.aggregate_id).version == 1
    assert group.queued() == 0


def test_a_version_clash_in_a_batch_fails_only_the_clashing_command(
    keywork: Keywork, database: Database
) -> None:
    case_id = active_case(keywork)
    version = contact(keywork, case_id).version
    same_version = as_(expected_version=version)
    _, queued = queue_behind_a_blocked_commit(
        database,
        keywork,
        [
            lambda: contact(keywork, case_id, same_version),
            register(keywork, "Bystander Agency"),
            lambda: contact(keywork, case_id, same_version),
        ],
    )
    errors = [attempt.error for attempt in queued if attempt.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], VersionConflict)
    assert errors[0].current_version == version + 1
    bystander = queued[1].outcome
    assert bystander is not None and keywork.agency(bystander.aggregate_id).version == 1
    assert keywork.load(Case, case_id).version == version + 1


def test_a_commit_retried_after_its_answer_was_lost_succeeds_where_it_was_recorded(
    keywork: Keywork,
) -> None:
    """The library retries a commit whose answer was lost; the retry, sending the same events,
    meets those the first attempt recorded: recorded as sent, they are the append's success."""
    case_id = active_case(keywork)
    contact(keywork, case_id)
    sent = list(keywork.store.select_events(case_id))
    positions = [keywork.store.position_of(case_id, e.originator_version) for e in sent]
    assert keywork.store.insert_events(sent) == positions
    assert list(keywork.store.select_events(case_id)) == sent
    other = replace(sent[-1], state=sent[-1].state + b" ")
    with pytest.raises(IntegrityError):  # the same version, other bytes: a true clash
        keywork.store.insert_events([*sent[:-1], other])
