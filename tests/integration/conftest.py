from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row

from api.bootstrap import open_access_log, open_keywork
from domain.case import Child, FamilyMember, Referrer
from domain.eligibility import EligibilityFacts
from services.access import AccessLog
from services.commands import Command, Outcome
from services.keywork import Keywork
from store.database import Database
from tests.settings import settings_with

MEETS_NORFOLK = EligibilityFacts(True, True, 3, 2)


@pytest.fixture(scope="session")
def keywork(database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=8), database)
    yield app
    app.close()


@pytest.fixture(scope="module")
def access(own_database: Database) -> Iterator[AccessLog]:
    """The access log in the module's own database."""
    app = open_access_log(settings_with(postgres_pool_size=2), own_database)
    yield app
    app.close()


def as_(actor: str = "coordinator-1", **fields: object) -> Command:
    return Command(actor=actor, **fields)  # type: ignore[arg-type]


def on(day: date, hour: int = 10) -> Command:
    """A command as happening on `day` at `hour` (UTC)."""
    return as_(occurred_at=datetime.combine(day, time(hour), UTC))


def refer(
    keywork: Keywork,
    command: Command | None = None,
    born: date = date(2016, 5, 1),
    area: str = "norfolk",
) -> UUID:
    outcome = keywork.refer(
        command or as_(),
        area=area,
        route="single_point",
        referrer=Referrer("Single point of referral"),
        child=Child("Sam", "Parent", born, "9434765919"),
        family=[FamilyMember("Alex Parent", "mother", True, "email", "alex@example.org")],
        needs=["co-ordination of appointments"],
        consent_to_share=True,
    )
    return outcome.aggregate_id


def practitioner(
    keywork: Keywork,
    email: str = "jo@example.org",
    team_id: str | None = None,
    name: str = "Jo Worker",
    postal_address: str | None = None,
) -> UUID:
    agency = keywork.register_agency(as_("admin-1"), name="NHS community team", sector="health")
    return keywork.register_practitioner(
        as_("admin-1"),
        name=name,
        role_title="Key worker",
        agency_id=agency.aggregate_id,
        email=email,
        team_id=team_id,
        postal_address=postal_address,
    ).aggregate_id


def active_case(
    keywork: Keywork, key_worker: UUID | None = None, born: date = date(2016, 5, 1)
) -> UUID:
    return activate(keywork, refer(keywork, born=born), key_worker)


def activate(keywork: Keywork, case_id: UUID, key_worker: UUID | None = None) -> UUID:
    """Eligible, and allocated to `key_worker` (a new practitioner if none)."""
    keywork.decide_eligibility(as_(), case_id, MEETS_NORFOLK)
    keywork.allocate_key_worker(
        as_(),
        case_id,
        kind="designated",
        from_date=keywork.clock().date(),
        practitioner_id=key_worker or practitioner(keywork),
    )
    return case_id


def contact(
    keywork: Keywork, case_id: UUID, command: Command | None = None, kind: str = "phone"
) -> Outcome:
    """Records a contact, as the key worker's everyday command."""
    return keywork.record_contact(
        command or as_(),
        case_id,
        kind=kind,  # type: ignore[arg-type]
        participants=[],
        note=None,
        functions=[],
    )


def sign_agreement(keywork: Keywork, case_id: UUID, every_days: int = 28) -> None:
    """Signed today: the day the command, which says no time of its own, is recorded."""
    keywork.sign_service_agreement(
        as_(),
        case_id,
        contact_every_days=every_days,
        signed_by="Alex Parent",
        signed_on=keywork.clock().date(),
    )


def close(keywork: Keywork, case_id: UUID, reason: str = "needs_met") -> None:
    agreed = None if reason in ("family_withdrew", "not_eligible") else True
    keywork.close_case(as_(), case_id, reason=reason, family_agreed=agreed)  # type: ignore[arg-type]


def read_case(access: AccessLog, case_id: UUID) -> None:
    """A manager's read of the case, as the access log records it."""
    access.record(
        actor="m",
        role="manager",
        subject_kind="case",
        subject_id=str(case_id),
        what="summary",
        purpose=None,
        allowed=True,
    )


@contextmanager
def tables_made(database: Database, statements: str) -> Iterator[psycopg.Connection[DictRow]]:
    """A connection to `database` once `statements` (SQL making tables) have been committed."""
    with psycopg.connect(database.conninfo, row_factory=dict_row) as connection:
        connection.execute(statements)
        connection.commit()
        yield connection
