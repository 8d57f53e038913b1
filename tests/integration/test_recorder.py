"""The recorder's inserts, whatever their size."""

import threading
from collections.abc import Sequence
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from api.bootstrap import open_keywork
from store.database import Database
from store.receipts import Receipt
from tests.conftest import fresh_database
from tests.settings import settings_with

WAIT_SECONDS = 60.0  # only a failing test waits this long


def test_an_insert_larger_than_the_socket_takes_at_once_commits(database: Database) -> None:
    # The county seed's practitioners (9,000 events, 5 MB of state) stalled; 40 MB always did.
    keywork = open_keywork(
        settings_with(postgres_pool_size=1), fresh_database(database, "keywork_recorder_large")
    )
    events = [
        StoredEvent(uuid4(), 1, "tests.integration.test_recorder:Large", bytes(1 << 20))
        for _ in range(40)
    ]
    receipt = Receipt("tester", "large", "large", events[0].originator_id, 1, 1)
    ids: list[Sequence[int] | None] = []
    insert = threading.Thread(
        target=lambda: ids.append(keywork.store.insert_events(events, receipt=receipt)),
        daemon=True,  # a stalled insert must not keep the test run from ending
    )
    try:
        insert.start()
        insert.join(WAIT_SECONDS)
        assert not insert.is_alive(), "the insert stalled"
        assert ids and ids[0] is not None and len(ids[0]) == len(events)
        assert keywork.store.find_receipt("tester", "large") == receipt
    finally:
        if not insert.is_alive():  # a stalled insert holds its connection: the pool cannot close
            keywork.close()
