"""Wires the pages into the app: their routes, GOV.UK Frontend's files, and HTML for failures.

GOV.UK Frontend comes from the npm registry (`package.json`), installed into node_modules by
`make run` and `make test`, never copied into the repository.
"""

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.problems import HANDLERS, problem_of, respond
from api.web import (
    case_tasks,
    chronology_pages,
    closure_tasks,
    directory,
    erasure,
    feedback,
    find,
    front_door,
    letters,
    oversight,
    plan_tasks,
    practitioners,
    referrals,
    sign_in,
    team_tasks,
)
from api.web.headers import PageHeaders
from api.web.pages import render, router
from api.web.provider import keep_sign_in_state, origin_of, provider_client
from api.web.session import PAGES, SignInNeeded
from services.settings import Settings

log = logging.getLogger("keywork.pages")

# The directory's before the practitioners': its /practitioners/new is no practitioner's id.
ROUTERS = (
    front_door.router,
    router,
    find.router,
    sign_in.router,
    oversight.router,
    feedback.router,
    referrals.router,
    case_tasks.router,
    team_tasks.router,
    plan_tasks.router,
    closure_tasks.router,
    chronology_pages.router,
    directory.router,
    practitioners.router,
    letters.router,
    erasure.router,
)
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules/govuk-frontend/dist/govuk"


def install(app: FastAPI, settings: Settings) -> None:
    frontend = settings.frontend_dir or NODE_MODULES
    if not (frontend / "govuk-frontend.min.css").exists():
        log.warning("GOV.UK Frontend is not installed (npm ci): the pages will be unstyled")
    # Mounted before /static, which would otherwise take these paths.
    app.mount("/static/govuk", StaticFiles(directory=frontend, check_dir=False))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"))
    app.mount("/assets/images", StaticFiles(directory=frontend / "assets/images", check_dir=False))
    app.add_middleware(PageHeaders, provider=origin_of(settings.oidc_issuer))
    app.state.provider = provider_client(settings)
    if app.state.provider is not None:
        keep_sign_in_state(app, settings)
    for pages in ROUTERS:
        app.include_router(pages)
    app.add_exception_handler(SignInNeeded, _sign_in)
    for failure in HANDLERS:
        app.add_exception_handler(failure, _page_or_problem)


async def _sign_in(request: Request, error: Exception) -> Response:
    return RedirectResponse(f"{PAGES}/sign-in", status_code=303)


async def _page_or_problem(request: Request, error: Exception) -> Response:
    """On a page, the failure as a page; on the API, the problem as before."""
    if not request.url.path.startswith(f"{PAGES}/"):
        return respond(request, error)
    problem = problem_of(request, error)
    return render(request, "failure.html", status=problem["status"], problem=problem)
