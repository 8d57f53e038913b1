"""Group commit, made deterministic: another transaction holds the events table's lock, so the
first append waits at the lock while the others queue behind it."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

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
    keywork: Keywork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database commits, then the answer is lost; the library retries the commit, and the
    retry meets the events the first attempt recorded: recorded as sent, they are its success."""
    case_id = active_case(keywork)
    store, datastore = keywork.store, keywork.store.datastore
    connect, fetch_ids = datastore.get_connection, store._fetch_ids_after_insert_events
    inserting: list[bool] = []
    answers_lost = [OperationalError("server closed the connection unexpectedly")]

    def inserted(*args: Any, **kwargs: Any) -> Any:
        inserting.append(True)
        return fetch_ids(*args, **kwargs)

    @contextmanager
    def losing_the_first_answer(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with connect(*args, **kwargs) as connection:
            yield connection
        if inserting and answers_lost:  # after the insert's transaction committed
            raise answers_lost.pop()

    monkeypatch.setattr(store, "_fetch_ids_after_insert_events", inserted)
    monkeypatch.setattr(datastore, "get_connection", losing_the_first_answer)
    outcome = contact(keywork, case_id)
    assert not answers_lost, "the first commit's answer was lost"
    monkeypatch.undo()
    assert outcome.position == keywork.store.position_of(case_id, outcome.version)
    topics = [event.topic for event in keywork.store.select_events(case_id)]
    assert sum(topic.endswith(".ContactRecorded") for topic in topics) == 1, "recorded twice"


def test_the_same_events_sent_again_without_a_lost_answer_clash(keywork: Keywork) -> None:
    """Sent afresh, events recorded before are another writer's (an answer given twice, say)."""
    case_id = active_case(keywork)
    sent = list(keywork.store.select_events(case_id))
    with pytest.raises(IntegrityError):
        keywork.store.insert_events(sent)
