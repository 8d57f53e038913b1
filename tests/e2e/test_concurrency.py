"""Many clients on one case at the same moment: one winner per version, no doubled retries."""

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from tests.e2e.bodies import new_active_case
from tests.e2e.conftest import RunningService

CLIENTS = 16


def all_at_once(work: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Runs `work` on CLIENTS threads released together; their responses, in thread order."""
    start = threading.Barrier(CLIENTS, timeout=10)
    responses: list[Any] = [None] * CLIENTS

    def client(index: int) -> None:
        start.wait()
        responses[index] = work(index)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def version(service: RunningService, case_id: str) -> int:
    return int(service.get(f"/cases/{case_id}").json()["version"])


def test_of_many_writers_on_one_version_exactly_one_wins(service: RunningService) -> None:
    case_id = new_active_case(service)
    responses = all_at_once(
        lambda i: service.post(f"/cases/{case_id}/contacts", {"kind": "phone"}, If_Match='"3"')
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: CLIENTS - 1}
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.json()["current_version"] == 4
        assert loser.headers["ETag"] == '"4"'
    assert version(service, case_id) == 4


def test_writers_without_if_match_are_all_recorded_once(service: RunningService) -> None:
    case_id = new_active_case(service)
    responses = all_at_once(lambda i: service.post(f"/cases/{case_id}/contacts", {"kind": "phone"}))
    # Without If-Match a clash is decided again on the new version, a few times at most.
    won = [r for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in responses)
    assert version(service, case_id) == 3 + len(won)
    assert len({r.json()["version"] for r in won}) == len(won)


def test_concurrent_retries_with_one_key_write_once(service: RunningService) -> None:
    case_id = new_active_case(service)
    responses = all_at_once(
        lambda i: service.post(
            f"/cases/{case_id}/contacts", {"kind": "phone"}, Idempotency_Key="retry-42"
        )
    )
    answers = {(r.status_code, tuple(r.json()["event_ids"])) for r in responses}
    assert len(answers) == 1 and next(iter(answers))[0] == 200
    assert version(service, case_id) == 4
