"""A pass over the store opens only the personal fields its read models read (ReadModel
`reads_personal`), and every read model comes out as if each event had been opened."""

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from eventsourcing.utils import resolve_topic

from api.bootstrap import open_access_log, open_keywork
from demo.loader import seed
from domain.personal import EVENT_FIELDS
from projections import runner as runner_module
from projections.metrics import Metrics
from projections.read_model import ReadModel
from projections.rebuild import rebuild, rebuild_together
from projections.registry import READ_MODELS
from services.access import AccessLog
from services.keywork import Keywork
from store.database import Database
from store.sealing import Opening, Sealed, decoded
from tests.conftest import fresh_database
from tests.integration.conftest import MEETS_NORFOLK, as_, on, practitioner, refer
from tests.integration.test_read_models import rows
from tests.integration.test_synthetic import NOW, TINY
from tests.keys import blind_index
from tests.settings import settings_with


@pytest.fixture
def stores(database: Database) -> Iterator[tuple[Keywork, AccessLog]]:
    own = fresh_database(database, "keywork_sealed_in_passes")
    settings = settings_with(postgres_pool_size=2)
    keywork, access = open_keywork(settings, own), open_access_log(settings, own)
    yield keywork, access
    access.close()
    keywork.close()


def still_sealed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts, by event, the personal fields the passes leave sealed from here on."""
    counted: Counter[str] = Counter()
    decoding = runner_module.decoded

    def decoded(*arguments: Any) -> Any:
        events = decoding(*arguments)
        for event in events:
            name = type(event).__name__
            counted[name] += sum(
                isinstance(getattr(event, field), Sealed) for field in EVENT_FIELDS.get(name, {})
            )
        return events

    monkeypatch.setattr(runner_module, "decoded", decoded)
    return counted


def test_read_models_given_only_the_personal_fields_they_read_equal_those_given_every_one(
    stores: tuple[Keywork, AccessLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    keywork, access = stores
    seed(keywork, access, TINY, 3, NOW, workers=1)
    # What the synthetic histories lack: a parent carer as key worker, a contact's own words.
    today = keywork.clock().date()
    case_id = refer(keywork, on(today - timedelta(days=60)))
    keywork.decide_eligibility(as_(), case_id, MEETS_NORFOLK)
    keywork.allocate_key_worker(
        as_(),
        case_id,
        kind="designated",
        from_date=today - timedelta(days=30),
        practitioner_id=practitioner(keywork),
    )
    keywork.hand_over(
        as_(),
        case_id,
        kind="parent_carer",
        on=today,
        reason="the family asked",
        parent_carer_name="Alex Parent",
    )
    keywork.record_contact(
        as_(),
        case_id,
        kind="home_visit",
        participants=["Alex Parent"],
        note="Talked about the new school",
        functions=["single_point_of_contact"],
    )
    apps: dict[str, Any] = {"keywork": keywork, "access": access}
    datastore = keywork.store.datastore

    # Each alone: together, one that reads an event's personal fields opens them for all.
    sealed = still_sealed(monkeypatch)
    alone = {
        kind.name: rows(rebuild(apps[kind.follows], datastore, kind, blind_index=blind_index()))
        for kind in READ_MODELS
    }
    assert sealed["ContactRecorded"] > 0, "every contact was opened, though none is read"

    sealed.clear()
    monkeypatch.setattr(ReadModel, "opens", ReadModel.applies)  # every event applied, opened
    opened = rebuild_together(apps, datastore, READ_MODELS, blind_index=blind_index())
    assert sum(sealed.values()) == 0

    for model in opened:
        assert alone[model.name] == rows(model), model.name
    # What they do read reached them opened.
    assert any("Alex Parent" in row for row in alone["key_working"]["periods"])
    assert any("the family asked" in row for row in alone["actions"]["actions"])


def test_a_read_model_naming_a_field_gets_that_field_opened_and_the_rest_still_sealed(
    stores: tuple[Keywork, AccessLog],
) -> None:
    """Metrics reads a referral for the child's date of birth alone (its age band)."""

    def opened(topic: str) -> Opening:
        return metrics.opens(resolve_topic(topic).__name__)

    keywork, _ = stores
    born = date(2016, 5, 1)
    refer(keywork, born=born)
    notifications = keywork.recorder.select_notifications(start=1, limit=10)
    metrics = Metrics(keywork.store.datastore, blind_index=blind_index())
    events = decoded(keywork.mapper, notifications, opened)
    (referral,) = [event for event in events if type(event).__name__ == "Referred"]
    assert referral.child.date_of_birth == born
    assert isinstance(referral.child.given_name, Sealed)
    assert isinstance(referral.family[0].name, Sealed)
    assert isinstance(referral.needs, Sealed)
