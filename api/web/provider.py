"""The organisation's OpenID provider, for signing in to the pages: Authlib's Starlette client.

The authorization code flow with PKCE (S256), `state` and `nonce`. Authlib keeps those for the
few minutes a sign-in takes in a signed cookie of their own, and checks the ID token: its
signature against the provider's keys, its issuer, audience, expiry and nonce.
"""

from urllib.parse import urlsplit

from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from api.web.session import PAGES
from services.settings import Settings

SIGN_IN_COOKIE = "keywork_sign_in"
SIGN_IN_SECONDS = 600
NAME = "organisation"


def provider_client(settings: Settings) -> StarletteOAuth2App | None:
    if settings.oidc_issuer is None or settings.oidc_client_secret is None:
        return None
    issuer = settings.oidc_issuer.rstrip("/")
    client: StarletteOAuth2App = OAuth().register(
        NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )
    return client


def keep_sign_in_state(app: FastAPI, settings: Settings) -> None:
    """The cookie Authlib keeps a sign-in's state, nonce and PKCE verifier in, signed."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.signing_secret,
        session_cookie=SIGN_IN_COOKIE,
        max_age=SIGN_IN_SECONDS,
        path=PAGES,
        same_site="lax",
        https_only=settings.pages_url.startswith("https:"),
    )


def origin_of(issuer: str | None) -> str | None:
    """Where the provider's pages are (scheme, host and port), which the pages' forms may reach."""
    if issuer is None:
        return None
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"
