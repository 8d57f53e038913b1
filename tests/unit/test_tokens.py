"""Our own bearer tokens: a token read once is remembered, but never past its expiry."""

from datetime import timedelta

import pytest

import api.auth
from api.auth import InvalidToken, Principal, issue_token, read_token
from services.clock import utc_now

SECRET = "t" * 32
CALLER = Principal("someone", "coordinator", area="norfolk")


def test_a_remembered_token_is_refused_once_it_has_expired(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = issue_token(CALLER, SECRET, hours=1)
    assert read_token(token, SECRET) == CALLER
    monkeypatch.setattr(api.auth, "utc_now", lambda: utc_now() + timedelta(hours=1, seconds=1))
    with pytest.raises(InvalidToken):
        read_token(token, SECRET)


def test_a_token_is_remembered_only_with_the_secret_that_signed_it() -> None:
    token = issue_token(CALLER, SECRET, hours=1)
    assert read_token(token, SECRET) == CALLER
    with pytest.raises(InvalidToken):
        read_token(token, "u" * 32)
    with pytest.raises(InvalidToken):
        read_token(token + "x", SECRET)
