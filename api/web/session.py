"""Page sessions: kept on the server (`store/sessions.py`), the browser holding only their id.

The id's cookie is HttpOnly and scoped to /ui, so the JSON API never accepts it. It is
SameSite=Lax, not Strict, because signing in with the organisation's provider returns here
through a redirect from another site, and a Strict cookie would not come with it; every form
also carries a CSRF token that must match a second cookie.
"""

import secrets
from datetime import datetime
from typing import Annotated, cast

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api import logs
from api.auth import Principal
from services.permissions import ROLES, Forbidden, Role
from store.sessions import SessionHolder, Sessions

PAGES = "/ui"
SESSION_COOKIE = "keywork_session"
CSRF_COOKIE = "keywork_csrf"


class SignInNeeded(Exception):
    """No valid session: the page answers with the sign-in page instead."""


async def page_principal(request: Request) -> Principal:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise SignInNeeded
    state = request.app.state
    holder = await run_in_threadpool(state.sessions.resume, session_id, state.keywork.clock())
    if holder is None or holder.role not in ROLES:
        raise SignInNeeded
    role = cast(Role, holder.role)
    return logs.identified(Principal(holder.user, role, holder.team, holder.area))


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


async def signed_in(
    request: Request, caller: Principal, by_provider: bool, ends_by: datetime | None = None
) -> RedirectResponse:
    """A new session for `caller`, replacing any this browser had, and on to their start page."""
    state = request.app.state
    sessions: Sessions = state.sessions
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(sessions.end, old)
    holder = SessionHolder(caller.user, caller.role, caller.team, caller.area, by_provider)
    session_id = await run_in_threadpool(sessions.start, holder, state.keywork.clock(), ends_by)
    response = RedirectResponse(PAGES, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(sessions.lifetime.total_seconds()),
        path=PAGES,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def end_session(request: Request) -> SessionHolder | None:
    """Ends this browser's session, if it has one, and says whose it was."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    ended: SessionHolder | None = await run_in_threadpool(
        request.app.state.sessions.end, session_id
    )
    return ended


def signed_out(then: str) -> RedirectResponse:
    response = RedirectResponse(then, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PAGES)
    return response
