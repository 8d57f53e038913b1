"""The child index on a real PostgreSQL: found by blind values, within an area, open or recently
closed, gone at erasure, and nothing typed about a child kept in clear."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from api.bootstrap import open_keywork
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from projections.child_index import ChildIndex, IndexedCase
from projections.rebuild import rebuild
from projections.runner import catch_up_fully
from services.keywork import Keywork
from store.blind_index import Sought
from store.database import Database
from tests.conftest import fresh_database
from tests.integration.conftest import as_
from tests.integration.test_read_models import rows
from tests.keys import blind_index
from tests.nhs_numbers import new_nhs_number
from tests.settings import settings_with

REOPEN_WINDOW_DAYS = 30
BORN = date(2014, 9, 3)


@pytest.fixture(scope="module")
def keywork(database: Database) -> Iterator[Keywork]:
    own = fresh_database(database, "keywork_child_index")
    app = open_keywork(
        settings_with(postgres_pool_size=2, reopen_window_days=REOPEN_WINDOW_DAYS), own
    )
    yield app
    app.close()


def caught_up(keywork: Keywork) -> ChildIndex:
    model = ChildIndex(keywork.store.datastore, rules=keywork.rules, blind_index=blind_index())
    model.create_table()
    catch_up_fully(keywork, model)
    return model


def today() -> date:
    return datetime.now(UTC).date()


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def refer(
    keywork: Keywork, given: str, family: str, nhs_number: str | None, referred_days_ago: int = 0
) -> UUID:
    return keywork.refer(
        as_(occurred_at=days_ago(referred_days_ago)),
        area="norfolk",
        route="self",
        referrer=Referrer("The family"),
        child=Child(given, family, BORN, nhs_number),
        family=[FamilyMember("A Parent", "mother", True, "email", "parent@example.org")],
        needs=["respite"],
        consent_to_share=True,
    ).aggregate_id


def closed(keywork: Keywork, case_id: UUID, closed_days_ago: int) -> UUID:
    stamp = as_(occurred_at=days_ago(closed_days_ago))
    keywork.close_case(stamp, case_id, reason="needs_met", family_agreed=True)
    return case_id


def ids(found: list[IndexedCase]) -> set[UUID]:
    return {entry.case_id for entry in found}


def test_a_child_is_found_by_nhs_number_or_name_and_date_of_birth_however_typed(
    keywork: Keywork,
) -> None:
    nhs_number = new_nhs_number()
    case_id = refer(keywork, "Zoë", "O'Sullivan-Brady", nhs_number)
    namesake = refer(keywork, "Niamh", "O'Sullivan-Brady", None)
    index = caught_up(keywork)

    spaced = f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"
    assert ids(index.find(Sought(nhs_number=spaced), "norfolk")) == {case_id}
    by_family = Sought(family_name="o sullivan brady", date_of_birth=BORN)
    assert ids(index.find(by_family, "norfolk")) == {case_id, namesake}
    by_full_name = Sought(family_name="OSULLIVAN-BRADY", date_of_birth=BORN, given_name="ZOE")
    assert ids(index.find(by_full_name, "norfolk")) == {case_id}
    other_birthday = Sought(family_name="O'Sullivan-Brady", date_of_birth=date(2014, 9, 4))
    assert index.find(other_birthday, "norfolk") == []
    # Only within the area asked for.
    assert index.find(Sought(nhs_number=nhs_number), "suffolk") == []
    assert index.find(Sought(nhs_number=nhs_number), None) == []


def test_possible_existing_cases_are_open_or_closed_within_the_year_a_return_counts(
    keywork: Keywork,
) -> None:
    nhs_number = new_nhs_number()
    open_case = refer(keywork, "Ada", "Fairweather", nhs_number, referred_days_ago=100)
    recently_closed = closed(keywork, refer(keywork, "Ada", "Fairweather", None, 100), 10)
    closed_earlier = closed(keywork, refer(keywork, "Ada", "Fairweather", nhs_number, 100), 60)
    long_closed = closed(keywork, refer(keywork, "Ada", "Fairweather", nhs_number, 400), 366)
    reopened = refer(keywork, "ADA", "FAIRWEATHER", None, referred_days_ago=100)
    closed(keywork, reopened, 20)
    keywork.reopen_case(as_(), reopened, reason="The family asked again")
    index = caught_up(keywork)

    child = Sought(nhs_number, "Fairweather", BORN, "Ada")
    found = {m.case_id: m for m in index.possible_existing_cases(child, "norfolk", today())}
    assert set(found) == {open_case, recently_closed, closed_earlier, reopened}
    assert long_closed not in found
    assert found[open_case].matched_by == {"nhs_number", "full_name_and_birth"}
    assert found[recently_closed].matched_by == {"full_name_and_birth"}
    assert found[recently_closed].closed_on == days_ago(10).date()
    assert found[reopened].closed_on is None
    # Another given name is not the same child by name; the NHS number still finds its cases.
    sibling = Sought(nhs_number, "Fairweather", BORN, "Grace")
    found_by_number = ids(index.possible_existing_cases(sibling, "norfolk", today()))
    assert found_by_number == {open_case, closed_earlier}


def test_an_erased_child_is_no_longer_findable_and_nothing_typed_is_kept_in_clear(
    keywork: Keywork,
) -> None:
    nhs_number = new_nhs_number()
    case_id = refer(keywork, "Wilhelmina", "Oxenbridge", nhs_number)
    index = caught_up(keywork)
    held = str(index.rows_about(str(case_id))).casefold()
    assert "blind_values" in held and "norfolk" in held
    for typed in (nhs_number, "oxenbridge", "wilhelmina", BORN.isoformat()):
        assert typed not in held

    keywork.erase_case(as_("admin-1"), case_id, reason="Article 17 request 2026/7")
    index = caught_up(keywork)
    assert index.find(Sought(nhs_number=nhs_number), "norfolk") == []
    by_name = Sought(family_name="Oxenbridge", date_of_birth=BORN, given_name="Wilhelmina")
    assert index.find(by_name, "norfolk") == []
    assert index.rows_about(str(case_id)) == {"cases": [], "blind_values": []}

    rebuilt = rebuild(keywork, keywork.store.datastore, ChildIndex, blind_index=blind_index())
    assert rebuilt.rows_about(str(case_id)) == {"cases": [], "blind_values": []}
    assert rows(rebuilt) == rows(caught_up(keywork))
