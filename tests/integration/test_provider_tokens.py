"""The check of the provider's access tokens (api/provider_tokens.py) against the real provider:
its keys are kept, and fetched again when a token names a key not yet seen."""

import pytest

from api.auth import InvalidToken
from api.provider_tokens import ProviderTokens
from store.embedded_postgres import free_port
from tests.oidc_provider import access_token, new_keys, running_provider

ACCOUNTS = {"jo": {"email": "jo@example.org", "roles": ["key_worker"], "area": "norfolk"}}
CALLBACK = ["http://127.0.0.1:9/ui/signed-in"]


def test_keys_are_kept_and_fetched_again_for_a_key_not_yet_seen() -> None:
    port = free_port()
    with running_provider(ACCOUNTS, CALLBACK, [], port=port) as first:
        tokens = ProviderTokens(first.issuer, first.audience, refetch_after_seconds=0)
        before_rotation = access_token(first, "jo")["access_token"]
        assert tokens.claims(before_rotation)["email"] == "jo@example.org"
    # The provider is gone: a token signed with a key already fetched still checks.
    assert tokens.claims(before_rotation)["sub"] == "jo"
    rotated = {"rsa-2": new_keys()["rsa-1"]}
    with running_provider(ACCOUNTS, CALLBACK, [], port=port, keys=rotated) as second:
        after_rotation = access_token(second, "jo")["access_token"]
        assert tokens.claims(after_rotation)["roles"] == ["key_worker"]
        # The old key is no longer published: its tokens are refused from now on.
        with pytest.raises(InvalidToken, match="rsa-1"):
            tokens.claims(before_rotation)


def test_es256_tokens_are_accepted_and_other_audiences_are_not() -> None:
    with running_provider(ACCOUNTS, CALLBACK, [], access_token_alg="ES256") as provider:
        token = access_token(provider, "jo")["access_token"]
        assert ProviderTokens(provider.issuer, provider.audience).claims(token)["sub"] == "jo"
        with pytest.raises(InvalidToken, match="Audience"):
            ProviderTokens(provider.issuer, "another-api").claims(token)
