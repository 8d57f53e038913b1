"""The broker away for a while: the relay keeps its place, and publishes everything once the
broker is back."""

import time
from collections.abc import Iterator

import pytest

from api.bootstrap import open_keywork
from consumers.relay import Relay
from domain.stamp import event_id
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import free_port
from tests.broker import running_broker
from tests.conftest import fresh_database
from tests.integration.conftest import active_case, contact
from tests.integration.test_relay import as_cloud_event, published
from tests.settings import settings_with

DOWN_SECONDS = 3
CATCH_UP_TIMEOUT_SECONDS = 90


@pytest.fixture
def own_database(database: Database) -> Database:
    return fresh_database(database, "keywork_broker_down")


@pytest.fixture
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=4), own_database)
    yield app
    app.close()


def test_events_recorded_while_the_broker_is_down_are_published_when_it_returns(
    keywork: Keywork, own_database: Database
) -> None:
    port = free_port()
    relay = Relay(keywork, own_database, f"127.0.0.1:{port}")
    relay.start()
    try:
        for _ in range(10):
            contact(keywork, active_case(keywork))
        time.sleep(DOWN_SECONDS)
        head = keywork.recorder.max_notification_id() or 0
        assert relay.position() == 0  # nothing could be published
        with running_broker(port) as broker:
            deadline = time.monotonic() + CATCH_UP_TIMEOUT_SECONDS
            while relay.position() < head:
                assert time.monotonic() < deadline, "the relay did not catch up"
                time.sleep(0.2)
            ids = {str(as_cloud_event(record).get_id()) for record in published(broker)}
    finally:
        relay.stop()
    stored = keywork.recorder.select_notifications(start=1, limit=head)
    assert ids == {str(event_id(n.originator_id, n.originator_version)) for n in stored}
