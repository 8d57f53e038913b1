"""Signing in to the pages and signing out.

With an OpenID provider configured, people sign in with their organisation's account
(`provider.py`) and are linked to a practitioner (`api/identity.py`). Without one, on the
embedded default or as a demo, a pasted token or a demo user signs in instead.
"""

from typing import Annotated

import httpx2
from authlib.integrations.starlette_client import OAuthError, StarletteOAuth2App
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from api.auth import InvalidToken, Principal, expiry_of, read_token
from api.identity import ClaimMapping, NoAccess, person
from api.web.demo import DEMO_USERS
from api.web.pages import render
from api.web.session import PAGES, csrf_checked, end_session, signed_in, signed_out
from projections.key_working import KeyWorking
from services.commands import NotFound
from services.permissions import Forbidden

router = APIRouter(prefix=PAGES, include_in_schema=False)

SIGNED_OUT = f"{PAGES}/signed-out"
PASTED_TOKENS_REFUSED = "This service signs people in with their organisation's account"


@router.get("/sign-in")
async def sign_in_page(request: Request) -> HTMLResponse:
    return _sign_in_page(request)


@router.post("/sign-in", dependencies=[Depends(csrf_checked)], response_model=None)
async def sign_in(
    request: Request,
    token: Annotated[str, Form()] = "",
    demo_user: Annotated[str, Form()] = "",
) -> Response:
    settings = request.app.state.settings
    if not settings.accepts_pasted_tokens:
        raise Forbidden(PASTED_TOKENS_REFUSED)
    if settings.demo and demo_user in DEMO_USERS:
        return await signed_in(request, DEMO_USERS[demo_user], by_provider=False)
    try:
        caller = read_token(token.strip(), settings.signing_secret)
    except InvalidToken:
        errors = [{"field": "token", "message": "Enter a valid sign-in token"}]
        return _sign_in_page(request, status=401, errors=errors)
    return await signed_in(request, caller, by_provider=False, ends_by=expiry_of(token.strip()))


@router.get("/sign-in/organisation", response_model=None)
async def sign_in_with_provider(request: Request) -> Response:
    provider = _provider(request)
    try:
        response: Response = await provider.authorize_redirect(
            request, f"{request.app.state.settings.pages_url}/signed-in"
        )
    except httpx2.HTTPError:
        return render(request, "sign_in_failed.html", status=503, unreachable=True)
    return response


@router.get("/signed-in", response_model=None)
async def signed_in_by_provider(request: Request) -> Response:
    """Where the provider sends the person back: the code exchanged, the ID token checked."""
    provider = _provider(request)
    try:
        token = await provider.authorize_access_token(request)
    except (OAuthError, JoseError):
        return render(request, "sign_in_failed.html", status=401)
    except httpx2.HTTPError:
        return render(request, "sign_in_failed.html", status=503, unreachable=True)
    state = request.app.state
    mapping = ClaimMapping.of(state.settings)
    directory = state.runner.get(KeyWorking)
    try:
        caller: Principal = await run_in_threadpool(
            person, dict(token["userinfo"]), mapping, state.keywork, directory
        )
    except NoAccess as refused:
        return render(request, "no_access.html", status=403, reason=str(refused))
    return await signed_in(request, caller, by_provider=True)


@router.post("/sign-out", dependencies=[Depends(csrf_checked)])
async def sign_out(request: Request) -> RedirectResponse:
    """Ends our session; one begun at the provider ends there too (RP-initiated logout)."""
    ended = await end_session(request)
    provider: StarletteOAuth2App | None = request.app.state.provider
    if ended is None or not ended.by_provider or provider is None:
        return signed_out(SIGNED_OUT)
    try:
        logout = await provider.create_logout_url(
            post_logout_redirect_uri=f"{request.app.state.settings.pages_url}/signed-out",
            client_id=provider.client_id,
        )
    except (RuntimeError, httpx2.HTTPError):  # no end_session_endpoint, or no answer
        return signed_out(SIGNED_OUT)
    return signed_out(logout["url"])


@router.get("/signed-out")
async def signed_out_page(request: Request) -> HTMLResponse:
    return render(request, "signed_out.html")


def _sign_in_page(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    settings = request.app.state.settings
    pasted = settings.accepts_pasted_tokens
    return render(
        request,
        "sign_in.html",
        status=status,
        provider=settings.signs_in_with_provider,
        pasted=pasted,
        demo=DEMO_USERS if settings.demo and pasted else {},
        **context,
    )


def _provider(request: Request) -> StarletteOAuth2App:
    provider: StarletteOAuth2App | None = request.app.state.provider
    if provider is None:
        raise NotFound("page")
    return provider
