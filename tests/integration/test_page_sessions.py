"""Page sessions (store/sessions.py): kept on the server, ended by idleness, by age and by
signing out, and never given back for an id that was not handed out."""

from datetime import UTC, datetime, timedelta

import pytest

from services.keywork import Keywork
from store.sessions import SessionHolder, Sessions

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=10)
SIGNED_IN = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
KEY_WORKER = SessionHolder("practitioner-1", "key_worker", "team-a", "norfolk", by_provider=True)


@pytest.fixture
def sessions(keywork: Keywork) -> Sessions:
    return Sessions(keywork.store.datastore, IDLE, LIFETIME)


def test_a_session_lasts_while_it_is_used_up_to_its_lifetime(sessions: Sessions) -> None:
    session_id = sessions.start(KEY_WORKER, SIGNED_IN)
    now = SIGNED_IN
    # A request every 29 minutes keeps it going...
    while now + timedelta(minutes=29) < SIGNED_IN + LIFETIME:
        now += timedelta(minutes=29)
        assert sessions.resume(session_id, now) == KEY_WORKER, now
    # ...until ten hours after sign-in, however busy.
    assert sessions.resume(session_id, SIGNED_IN + LIFETIME) is None


def test_thirty_minutes_without_a_request_ends_it(sessions: Sessions) -> None:
    session_id = sessions.start(KEY_WORKER, SIGNED_IN)
    assert sessions.resume(session_id, SIGNED_IN + IDLE - timedelta(seconds=1)) == KEY_WORKER
    later = SIGNED_IN + IDLE - timedelta(seconds=1)
    assert sessions.resume(session_id, later + IDLE) is None
    # Once over, activity does not bring it back.
    assert sessions.resume(session_id, later + timedelta(minutes=1)) is None


def test_a_session_from_a_token_ends_when_the_token_does(sessions: Sessions) -> None:
    token_expires = SIGNED_IN + timedelta(minutes=20)
    session_id = sessions.start(KEY_WORKER, SIGNED_IN, ends_by=token_expires)
    assert sessions.resume(session_id, token_expires - timedelta(seconds=1)) == KEY_WORKER
    assert sessions.resume(session_id, token_expires) is None


def test_signing_out_ends_it_and_says_whose_it_was(sessions: Sessions) -> None:
    session_id = sessions.start(KEY_WORKER, SIGNED_IN)
    assert sessions.end(session_id) == KEY_WORKER
    assert sessions.resume(session_id, SIGNED_IN) is None
    assert sessions.end(session_id) is None


def test_each_sign_in_has_its_own_id_and_the_table_holds_no_id(sessions: Sessions) -> None:
    first = sessions.start(KEY_WORKER, SIGNED_IN)
    second = sessions.start(KEY_WORKER, SIGNED_IN)
    assert first != second and len(first) >= 43
    assert sessions.resume("not-" + first, SIGNED_IN) is None
    with sessions.datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT * FROM page_sessions")
        stored = str(cursor.fetchall())
    assert first not in stored and second not in stored
