"""A pass's pages of a store's notifications (store/pages.py): what the library's own read gives
for the same bounds and topics, and shares of the store's aggregates that hold each event once."""

from collections.abc import Iterator

import pytest

from api.bootstrap import open_keywork
from services.keywork import Keywork
from store.database import Database
from store.pages import Share, page
from tests.integration.conftest import active_case, contact
from tests.settings import settings_with

CASES = 6
SHARES = 3


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=2), own_database)
    for _ in range(CASES):
        contact(app, active_case(app))
    yield app
    app.close()


def test_a_page_holds_what_the_library_reads_for_the_same_bounds_and_topics(
    keywork: Keywork,
) -> None:
    recorder = keywork.recorder
    head = recorder.max_notification_id() or 0
    every = recorder.select_notifications(start=1, limit=head)
    topics = sorted({n.topic for n in every})[:2]
    for after, limit, stop, of in (
        (0, head, None, []),
        (5, 4, None, []),
        (2, head, head - 3, []),
        (1, head, head - 1, topics),
    ):
        expected = recorder.select_notifications(start=after + 1, limit=limit, stop=stop, topics=of)
        assert page(recorder, after, limit, stop, of) == expected
    assert 0 < len(page(recorder, 0, head, topics=topics)) < head


def test_shares_hold_each_event_once_each_aggregate_whole_in_the_share_its_id_names(
    keywork: Keywork,
) -> None:
    recorder = keywork.recorder
    every = page(recorder, 0, 10**6)
    shares = [page(recorder, 0, 10**6, share=Share(number, SHARES)) for number in range(SHARES)]
    assert sorted(n.id for share in shares for n in share) == [n.id for n in every]
    for number, share in enumerate(shares):
        assert [n.id for n in share] == sorted(n.id for n in share)
        assert {n.originator_id.bytes[-1] % SHARES for n in share} <= {number}
    assert sum(1 for share in shares if share) > 1
