"""Every versioned table of the read models (rows with `recorded_from` and `recorded_until`, read
as known at a time) shows exactly one version of each row at any `known_at` from the row's first
recording until it is deleted, and none outside that: at each recorded time itself too, the
instant a correction, a handover or a closure supersedes a version."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.sql import SQL, Identifier

from api.bootstrap import open_access_log, open_keywork
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.corrections import Replacement
from domain.outcomes import DEFAULT_AREAS
from projections import history
from projections.read_model import ReadModel
from projections.registry import projection_runner
from projections.runner import catch_up_fully
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import MEETS_NORFOLK, as_, on, practitioner
from tests.keys import blind_index
from tests.settings import settings_with

# What a later version of a row may change; the other columns are the row's identity. Every
# versioned table is named here (the test fails on one that is not), so a new one says too.
CHANGES: dict[str, frozenset[str]] = {
    "periods": frozenset({"until", "closed_on"}),
    "agreements": frozenset({"ended_on"}),
    "contacts": frozenset({"occurred_at"}),
    "contact_functions": frozenset({"occurred_at"}),
    "reviews": frozenset({"meeting_on", "status", "next_review_on", "held_on"}),
    "closures": frozenset({"audited_on", "reopened_on"}),
    **dict.fromkeys(
        (
            "trainings",
            "supervisions",
            "cases",
            "approaches",
            "plans",
            "plan_copies",
            "outcome_scores",
            "feedback_invitations",
            "feedback_answers",
        ),
        frozenset[str](),
    ),
}
HISTORY = frozenset({"recorded_from", "recorded_until"})
START = date(2025, 3, 3)
PARENT = "Alex Parent"


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=2), own_database)
    yield app
    app.close()


def refer(keywork: Keywork, day: date) -> UUID:
    return keywork.refer(
        on(day, 9),
        area="norfolk",
        route="professional",
        referrer=Referrer("Dr Ada"),
        child=Child("Sam", "Parent", date(2016, 5, 1)),
        family=[FamilyMember(PARENT, "mother", True, "email", "alex@example.org")],
        needs=[],
        consent_to_share=True,
    ).aggregate_id


def record_history(keywork: Keywork) -> None:
    """A case through every change a versioned row records: key workers approached, allocated
    and handed over, a cover ended early, contacts corrected, reviews moved, held and
    cancelled, a plan and its copy, scores, a closure audited and reopened; another closed
    before its key worker was to start; a practitioner's training and supervision."""
    workers = [practitioner(keywork) for _ in range(4)]
    case_id = refer(keywork, START)
    keywork.approach_key_worker(on(START), case_id, practitioner_id=workers[0], answer="declined")
    keywork.decide_eligibility(on(START), case_id, MEETS_NORFOLK)
    keywork.allocate_key_worker(
        on(START), case_id, kind="designated", from_date=START, practitioner_id=workers[1]
    )
    keywork.sign_service_agreement(
        on(START), case_id, contact_every_days=28, signed_by=PARENT, signed_on=START
    )
    day = START + timedelta(days=7)
    served = keywork.record_contact(
        on(day), case_id, kind="phone", participants=[], note=None, functions=["advocacy"]
    )
    keywork.correct(
        on(day),
        case_id,
        corrects_event_id=served.event_ids[0],
        reason="It was the day before, about appointments",
        replacement=Replacement(
            occurred_at=datetime.combine(day - timedelta(days=1), time(10), UTC),
            functions=["coordinating_services"],
        ),
    )
    meeting = datetime.combine(day + timedelta(days=7), time(10), UTC)
    review_id, _ = keywork.schedule_review(
        on(day), case_id, at=meeting, location="Home", requested_by="key_worker"
    )
    meeting += timedelta(days=1)
    keywork.reschedule_review(on(day), case_id, review_id=review_id, at=meeting, reason="Ill")
    keywork.record_review_outcome(
        on(meeting.date(), 11),
        case_id,
        review_id=review_id,
        attendees=[PARENT],
        child_views="Happy",
        decisions=["Carry on"],
        next_review_on=meeting.date() + timedelta(days=90),
        key_worker_confirmed=True,
    )
    scores = dict.fromkeys(DEFAULT_AREAS, 5)
    keywork.measure_outcomes(on(meeting.date(), 12), case_id, review_id, scores)
    cancelled, _ = keywork.schedule_review(
        on(meeting.date()), case_id, at=meeting + timedelta(days=30), location="Home"
    )
    keywork.cancel_review(on(meeting.date()), case_id, review_id=cancelled, reason="Not needed")
    version, _ = keywork.draft_plan(
        on(meeting.date()), case_id, summary="Plan", outcomes=[], actions=[]
    )
    keywork.sign_plan(
        on(meeting.date()),
        case_id,
        plan_version=version,
        signed_by=PARENT,
        signed_on=meeting.date(),
    )
    keywork.record_plan_copy(
        on(meeting.date(), 12),
        case_id,
        plan_version=version,
        recipient="practitioner:0",
        channel="email",
        sent=True,
    )
    day = meeting.date() + timedelta(days=7)
    keywork.hand_over(
        on(day),
        case_id,
        kind="designated",
        on=day,
        reason="Moving team",
        to_practitioner_id=workers[2],
        overlap_until=day + timedelta(days=7),
    )
    keywork.arrange_cover(
        on(day),
        case_id,
        practitioner_id=workers[3],
        from_date=day + timedelta(days=10),
        until=day + timedelta(days=40),
        reason="Leave",
    )
    keywork.end_cover(on(day + timedelta(days=20)), case_id, reason="Back early")
    day += timedelta(days=30)
    keywork.close_case(
        on(day), case_id, reason="needs_met", family_agreed=True, final_plan_version=version
    )
    keywork.audit_closure(on(day), case_id, outcome="good", findings="Fine")
    keywork.reopen_case(on(day + timedelta(days=3)), case_id, reason="Needs again")
    later = refer(keywork, START)
    keywork.decide_eligibility(on(START), later, MEETS_NORFOLK)
    keywork.allocate_key_worker(
        on(START),
        later,
        kind="designated",
        from_date=START + timedelta(days=60),
        practitioner_id=workers[0],
    )
    keywork.close_case(on(START + timedelta(days=5)), later, reason="family_withdrew")
    keywork.record_training(
        as_("admin-1"),
        workers[1],
        course="safeguarding",
        completed_on=START,
        expires_on=START + timedelta(days=365),
    )
    keywork.record_supervision(
        as_("manager-1"),
        workers[1],
        held_on=START + timedelta(days=14),
        kind="one_to_one",
        supervisor_id=workers[0],
        cases_discussed=[],
        actions=[],
    )


Versioned = dict[ReadModel, list[str]]  # each read model's versioned tables
Rows = dict[tuple[str, str], list[dict[str, Any]]]  # (read model, table): rows
Lifetime = tuple[datetime, datetime | None]  # a row's first recording, and its deletion
Lifetimes = dict[tuple[str, str], dict[tuple[Any, ...], Lifetime]]  # by table, by row


@pytest.fixture(scope="module")
def versioned(keywork: Keywork, own_database: Database) -> Iterator[Versioned]:
    """Every read model with versioned tables, caught up with the history."""
    access = open_access_log(settings_with(postgres_pool_size=1), own_database)
    apps = {"keywork": keywork, "access": access}
    record_history(keywork)
    runner = projection_runner(apps, own_database, keywork.rules, blind_index())
    found = {}
    for model in runner.read_models.values():
        catch_up_fully(apps[model.follows], model)
        if tables := versioned_tables(model):
            found[model] = tables
    yield found
    access.close()


def versioned_tables(model: ReadModel) -> list[str]:
    with model.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name LIKE %s AND column_name = 'recorded_until'",
            (model.datastore.schema, model.prefix.replace("_", "\\_") + "%"),
        )
        return sorted(row["table_name"].removeprefix(model.prefix) for row in cursor.fetchall())


def rows(versioned: Versioned, condition: str, known_at: datetime | None = None) -> Rows:
    """The rows of every versioned table meeting `condition`, each as JSON."""
    found: Rows = defaultdict(list)
    for model, tables in versioned.items():
        statement = SQL(" UNION ALL ").join(
            SQL("SELECT {name} AS name, to_jsonb(t) AS row FROM {table} t WHERE ").format(
                name=table, table=Identifier(model.datastore.schema, model.prefix + table)
            )
            + SQL(condition)  # type: ignore[arg-type]
            for table in tables
        )
        with model.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, {"known_at": known_at})
            for row in cursor.fetchall():
                found[model.name, row["name"]].append(row["row"])
    return found


def identity(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in sorted(row) if c not in CHANGES[table] | HISTORY)


@pytest.fixture(scope="module")
def every_version(versioned: Versioned) -> Rows:
    return rows(versioned, "true")


@pytest.fixture(scope="module")
def lifetimes(every_version: Rows) -> Lifetimes:
    """Each row's versions, by its identity, told apart from what a later version may change:
    the row is there from its first version's recording until its last version's end, if the
    last one ended (a deletion)."""
    found = {}
    for (model, table), versions in every_version.items():
        chains: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in versions:
            chains[identity(table, row)].append(row)
        found[model, table] = {
            key: (
                min(datetime.fromisoformat(row["recorded_from"]) for row in chain),
                None
                if any(row["recorded_until"] is None for row in chain)
                else max(datetime.fromisoformat(row["recorded_until"]) for row in chain),
            )
            for key, chain in chains.items()
        }
    return found


def recorded_times(every_version: Rows) -> list[datetime]:
    times = {
        datetime.fromisoformat(row[column])
        for versions in every_version.values()
        for row in versions
        for column in HISTORY
        if row[column] is not None
    }
    return sorted(times)


def assert_one_version_of_each_row_at(
    versioned: Versioned, lifetimes: Lifetimes, known_at: datetime
) -> None:
    visible = rows(versioned, history.known_at("t"), known_at)
    for (model, table), rows_there in lifetimes.items():
        expected = Counter(
            key
            for key, (first, deleted) in rows_there.items()
            if first <= known_at and (deleted is None or known_at < deleted)
        )
        seen = Counter(identity(table, row) for row in visible.get((model, table), []))
        assert seen == expected, f"{model}.{table} as known at {known_at.isoformat()}"


def test_the_history_changes_every_versioned_table_it_should(
    versioned: Versioned, every_version: Rows
) -> None:
    """Every versioned table declares what a later version may change, and the history here
    supersedes a version in each table that has one, and deletes a row (a contact's function
    corrected away, and a key worker due to start after the closure)."""
    assert {table for tables in versioned.values() for table in tables} == set(CHANGES)
    superseded = {
        table
        for (_, table), versions in every_version.items()
        if any(row["recorded_until"] is not None for row in versions)
    }
    assert {table for table, changes in CHANGES.items() if changes} <= superseded
    assert "contact_functions" in superseded


def test_exactly_one_version_of_each_row_at_each_recorded_time(
    versioned: Versioned, every_version: Rows, lifetimes: Lifetimes
) -> None:
    for known_at in recorded_times(every_version):
        assert_one_version_of_each_row_at(versioned, lifetimes, known_at)


@settings(max_examples=25, derandomize=True, deadline=None, database=None)
@given(data=st.data())
def test_exactly_one_version_of_each_row_at_any_time(
    versioned: Versioned, every_version: Rows, lifetimes: Lifetimes, data: st.DataObject
) -> None:
    """At any instant: a recorded time, a microsecond either side, or anywhere around them."""
    times = recorded_times(every_version)
    near = st.tuples(st.sampled_from(times), st.integers(-1, 1)).map(
        lambda moment: moment[0] + timedelta(microseconds=moment[1])
    )
    anywhere = st.datetimes(
        min_value=times[0].replace(tzinfo=None) - timedelta(seconds=1),
        max_value=times[-1].replace(tzinfo=None) + timedelta(seconds=1),
        timezones=st.just(UTC),
    )
    known_at = data.draw(st.one_of(near, anywhere), label="known_at")
    assert_one_version_of_each_row_at(versioned, lifetimes, known_at)
