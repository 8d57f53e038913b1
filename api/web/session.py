"""Signing in to the pages: the caller's bearer token, kept in a cookie only the pages receive.

The cookie is HttpOnly, SameSite=Strict and scoped to /ui, so the JSON API never accepts it and
other sites cannot send it. Every form also carries a CSRF token that must match a second cookie.
"""

import secrets
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api import logs
from api.auth import InvalidToken, Principal, read_token
from services.permissions import Forbidden

PAGES = "/ui"
SESSION_COOKIE = "keywork_session"
CSRF_COOKIE = "keywork_csrf"


class SignInNeeded(Exception):
    """No valid session: the page answers with the sign-in page instead."""


async def page_principal(request: Request) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInNeeded
    try:
        caller = read_token(token, request.app.state.settings.signing_secret)
    except InvalidToken:
        raise SignInNeeded from None
    return logs.identified(caller)


Caller = Annotated[Principal, Depends(page_principal)]


def csrf_token(request: Request) -> str:
    """The form token for this browser: the cookie's, or a new one `remember_csrf` sets."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


async def csrf_checked(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """A dependency of every page form: the form's token must be this browser's."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    # As bytes: compare_digest refuses non-ASCII text, which a hostile form may send.
    if not expected or not secrets.compare_digest(csrf.encode(), expected.encode()):
        raise Forbidden("the form has expired: open the page again and resubmit")


def remember_csrf(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        CSRF_COOKIE, token, path=PAGES, httponly=True, samesite="strict", secure=secure
    )


def signed_in(token: str, hours: int, secure: bool) -> RedirectResponse:
    response = RedirectResponse(PAGES, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=hours * 3600,
        path=PAGES,
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    return response


def signed_out() -> RedirectResponse:
    response = RedirectResponse(f"{PAGES}/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PAGES)
    return response
