"""Access tokens from the organisation's OpenID provider, for callers of the API.

Only RS256 and ES256 are accepted, verified with the provider's published keys (its JWKS,
kept for five minutes, and fetched again, at most every ten seconds, when a token names a key
not yet seen), for this API's audience, from this issuer, within its lifetime. An HS256 token
is never checked here: it is one of ours (`api/auth.py`), so a token signed with the
provider's public key as an HMAC secret fails our own secret's check.
"""

from typing import Any

import httpx2
import jwt

from api.auth import InvalidToken
from services.settings import Settings

ALGORITHMS = ["RS256", "ES256"]
KEYS_KEPT_SECONDS = 300
# Tokens naming keys nobody published must not have us fetch the JWKS for every request.
REFETCH_AFTER_SECONDS = 10.0
FETCH_TIMEOUT_SECONDS = 5
# Clocks differ a little between the provider and us.
LEEWAY_SECONDS = 30


class ProviderTokens:
    def __init__(
        self, issuer: str, audience: str, refetch_after_seconds: float = REFETCH_AFTER_SECONDS
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.refetch_after_seconds = refetch_after_seconds
        self._keys: jwt.PyJWKClient | None = None

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims once it has passed every check; InvalidToken otherwise."""
        try:
            key = self.keys().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except (jwt.PyJWTError, httpx2.HTTPError, KeyError, ValueError) as error:
            raise InvalidToken(str(error)) from None
        return claims

    def keys(self) -> jwt.PyJWKClient:
        if self._keys is None:
            discovery = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
            response = httpx2.get(discovery, timeout=FETCH_TIMEOUT_SECONDS)
            response.raise_for_status()
            self._keys = jwt.PyJWKClient(
                response.json()["jwks_uri"],
                lifespan=KEYS_KEPT_SECONDS,
                cooldown_duration=self.refetch_after_seconds,
                timeout=FETCH_TIMEOUT_SECONDS,
            )
        return self._keys


def provider_tokens(settings: Settings) -> ProviderTokens | None:
    """The check of the provider's access tokens, when the service has a provider."""
    if settings.oidc_issuer is None:
        return None
    return ProviderTokens(
        settings.oidc_issuer, settings.oidc_audience or settings.oidc_client_id or ""
    )


def is_ours(token: str) -> bool:
    """Whether the token says it is signed as ours are (HS256), to be checked with our secret."""
    try:
        return jwt.get_unverified_header(token).get("alg") == "HS256"
    except jwt.PyJWTError:
        return True  # not a JWT at all: our own check refuses it
