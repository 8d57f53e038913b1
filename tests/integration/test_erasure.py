"""Per-child encryption and erasure, on a real PostgreSQL, down to the raw stored rows."""

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from cryptography.exceptions import InvalidTag

from api import bootstrap
from api.bootstrap import open_access_log
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.errors import NotAllowedNow
from domain.personal import ERASED
from projections.distribution_list import DistributionList
from projections.rebuild import rebuild
from projections.registry import READ_MODELS
from projections.runner import ProjectionRunner
from projections.trail import Actions
from services.erasure import ERASURE_LIST_ACTOR
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import binaries
from tests.conftest import fresh_database
from tests.integration.conftest import activate, as_
from tests.keys import blind_index
from tests.settings import settings_with

# Personal data distinctive enough to find in any byte of the store.
GIVEN, FAMILY, NHS = "Wilhelmina", "Oxenbridge", "9434765919"
BORN = date(2015, 2, 17)
PARENT, ADDRESS, EMAIL = "Persephone Oxenbridge", "17 Quernmore Lane, Diss", "perse@example.org"
NOTE = "Talked through Wilhelmina's respite options"
PERSONAL = (GIVEN, FAMILY, NHS, BORN.isoformat(), PARENT, ADDRESS, EMAIL, "Quernmore", "respite")


def open_keywork(database: Database, erasure_list: Path) -> Keywork:
    return bootstrap.open_keywork(
        settings_with(postgres_pool_size=4, erasure_list=erasure_list), database
    )


@pytest.fixture(scope="module")
def erasure_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("erasure") / "erasure-list"


@pytest.fixture(scope="module")
def keywork(own_database: Database, erasure_list: Path) -> Iterator[Keywork]:
    app = open_keywork(own_database, erasure_list)
    yield app
    app.close()


@pytest.fixture(scope="module")
def runner(keywork: Keywork, own_database: Database) -> Iterator[ProjectionRunner]:
    access = open_access_log(settings_with(postgres_pool_size=2), own_database)
    apps = {"keywork": keywork, "access": access}
    running = ProjectionRunner(apps, own_database, READ_MODELS, blind_index=blind_index())
    running.start()
    yield running
    running.stop()
    access.close()


def the_childs_case(keywork: Keywork) -> UUID:
    case_id = keywork.refer(
        as_(),
        area="norfolk",
        route="professional",
        referrer=Referrer("Dr Ada Lovelace", "ada@example.org"),
        child=Child(GIVEN, FAMILY, BORN, NHS, postcode="IP22 4AA"),
        family=[
            FamilyMember(PARENT, "mother", True, "letter", EMAIL, None, ADDRESS),
        ],
        needs=["respite care"],
        consent_to_share=True,
    ).aggregate_id
    activate(keywork, case_id)
    keywork.record_contact(
        as_(), case_id, kind="home_visit", participants=[PARENT], note=NOTE, functions=[]
    )
    return case_id


def stored_rows(database: Database, case_id: UUID) -> list[tuple[str, bytes]]:
    with psycopg.connect(database.conninfo) as conn:
        return [
            (topic, bytes(state))
            for topic, state in conn.execute(
                "SELECT topic, state FROM keywork_events WHERE originator_id = %s "
                "ORDER BY originator_version",
                (case_id,),
            )
        ]


def holds_personal_data(data: bytes | str) -> list[str]:
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    return [value for value in PERSONAL if value in text]


def wait_for_read_models(runner: ProjectionRunner, keywork: Keywork) -> None:
    head = keywork.recorder.max_notification_id() or 0
    for model in runner.read_models.values():
        if model.follows == "keywork":
            assert runner.wait_for(model, head, timeout=30), model.name


def test_the_stored_events_hold_the_personal_fields_as_ciphertext_only(
    keywork: Keywork, own_database: Database
) -> None:
    case_id = the_childs_case(keywork)
    rows = stored_rows(own_database, case_id)
    assert len(rows) == 4
    for _, state in rows:
        assert holds_personal_data(state) == []
    referred = rows[0][1].decode()
    assert '"area":"norfolk"' in referred and '"route":"professional"' in referred
    assert '"_type_":"sealed"' in referred
    case = keywork.case(case_id)
    assert (case.child.given_name, case.child.nhs_number, case.child.date_of_birth) == (
        GIVEN,
        NHS,
        BORN,
    )
    assert case.family[0].postal_address == ADDRESS
    assert [c.note for c in case.contacts.values()] == [NOTE]


def test_a_key_row_does_not_open_another_childs_data(
    keywork: Keywork, own_database: Database
) -> None:
    first, second = the_childs_case(keywork), the_childs_case(keywork)
    with psycopg.connect(own_database.conninfo, autocommit=True) as conn:
        conn.execute(
            "UPDATE data_keys SET wrapped = (SELECT wrapped FROM data_keys WHERE subject_id = %s) "
            "WHERE subject_id = %s",
            (first, second),
        )
    other_process = open_keywork(own_database, Path("/nonexistent/erasure-list"))
    try:
        with pytest.raises(InvalidTag):
            other_process.case(second)
    finally:
        other_process.close()


def test_erasure_destroys_the_key_and_every_copy_of_the_personal_data(
    keywork: Keywork, own_database: Database, runner: ProjectionRunner, erasure_list: Path
) -> None:
    case_id = the_childs_case(keywork)
    kept = the_childs_case(keywork)
    wait_for_read_models(runner, keywork)
    assert holds_personal_data(str(runner.get(DistributionList).rows_about(str(case_id))))

    outcome = keywork.erase_case(as_("admin-1"), case_id, reason="Article 17 request 2026/118")
    assert len(outcome.event_ids) == 1
    again = keywork.erase_case(as_("admin-1"), case_id, reason="Article 17 request 2026/118")
    assert (again.version, again.event_ids) == (outcome.version, [])

    with psycopg.connect(own_database.conninfo) as conn:
        key = conn.execute(
            "SELECT wrapped, erased_at FROM data_keys WHERE subject_id = %s", (case_id,)
        ).fetchone()
    assert key is not None and key[0] is None and key[1] is not None
    for _, state in stored_rows(own_database, case_id):
        assert holds_personal_data(state) == []

    case = keywork.case(case_id)  # it still replays, with placeholders
    assert (case.child.given_name, case.child.date_of_birth, case.child.nhs_number) == (
        ERASED,
        None,
        None,
    )
    assert (case.family[0].name, case.family[0].postal_address) == (ERASED, None)
    assert (case.status, len(case.key_workers), case.erased) == ("active", 1, True)
    with pytest.raises(NotAllowedNow):
        keywork.override_consent(as_(), case_id, reason="x")
    assert erasure_list.read_text().split() == [str(case_id)]

    wait_for_read_models(runner, keywork)
    for model in runner.read_models.values():
        if model.follows == "keywork":
            assert holds_personal_data(str(model.rows_about(str(case_id)))) == [], model.name
            rebuilt = rebuild(
                keywork, keywork.store.datastore, type(model), blind_index=blind_index()
            )
            assert holds_personal_data(str(rebuilt.rows_about(str(case_id)))) == [], model.name
    # The other child is untouched.
    assert keywork.case(kept).child.given_name == GIVEN
    assert GIVEN not in str(runner.get(Actions).rows_about(str(case_id)))


def test_a_restore_from_a_backup_taken_before_the_erasure_does_not_bring_the_child_back(
    keywork: Keywork, own_database: Database, database: Database, tmp_path: Path
) -> None:
    case_id = the_childs_case(keywork)
    backup = tmp_path / "before-erasure.dump"
    pg(own_database, "pg_dump", "--format=custom", f"--file={backup}", own_database.dbname)
    listing = tmp_path / "erasure-list"
    erasing = open_keywork(own_database, listing)
    try:
        erasing.erase_case(as_("admin-1"), case_id, reason="Article 17 request 2026/119")
    finally:
        erasing.close()

    restored = fresh_database(database, "keywork_erasure_restored")
    pg(restored, "pg_restore", f"--dbname={restored.dbname}", "--no-owner", str(backup))
    service = open_keywork(restored, listing)
    try:
        assert service.store.wrapped_keys([case_id])[case_id] is not None  # the backup had the key
        assert service.replay_erasures() == [case_id]
        case = service.case(case_id)
        assert (case.child.given_name, case.erased) == (ERASED, True)
        assert service.timeline(case_id)[-1].stamp.actor == ERASURE_LIST_ACTOR
        assert service.replay_erasures() == []  # once is enough
    finally:
        service.close()


def pg(database: Database, program: str, *args: Any) -> None:
    subprocess.run(
        [
            str(binaries() / program),
            f"--host={database.host}",
            f"--port={database.port}",
            f"--username={database.user}",
            *args,
        ],
        env={"PGPASSWORD": database.password, "PGDATABASE": database.dbname},
        check=True,
        capture_output=True,
        timeout=60,
    )
