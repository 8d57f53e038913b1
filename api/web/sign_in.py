"""Signing in to the pages (with a token, or as a demo user when the service runs as a demo)
and signing out."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import InvalidToken, issue_token, read_token
from api.web.demo import DEMO_USERS
from api.web.pages import render
from api.web.session import PAGES, csrf_checked, signed_in, signed_out

router = APIRouter(prefix=PAGES, include_in_schema=False)


@router.get("/sign-in")
async def sign_in_page(request: Request) -> HTMLResponse:
    demo = DEMO_USERS if request.app.state.settings.demo else {}
    return render(request, "sign_in.html", demo=demo)


@router.post("/sign-in", dependencies=[Depends(csrf_checked)], response_model=None)
async def sign_in(
    request: Request,
    token: Annotated[str, Form()] = "",
    demo_user: Annotated[str, Form()] = "",
) -> Response:
    settings = request.app.state.settings
    secure = request.url.scheme == "https"
    if settings.demo and demo_user in DEMO_USERS:
        issued = issue_token(DEMO_USERS[demo_user], settings.signing_secret, settings.token_hours)
        return signed_in(issued, settings.token_hours, secure)
    try:
        read_token(token.strip(), settings.signing_secret)
    except InvalidToken:
        errors = [{"field": "token", "message": "Enter a valid sign-in token"}]
        demo = DEMO_USERS if settings.demo else {}
        return render(request, "sign_in.html", status=401, errors=errors, demo=demo)
    return signed_in(token.strip(), settings.token_hours, secure)


@router.post("/sign-out", dependencies=[Depends(csrf_checked)])
async def sign_out() -> RedirectResponse:
    return signed_out()
