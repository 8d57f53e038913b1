"""The FastAPI application: routers, error mapping, and the service it fronts."""

from fastapi import FastAPI

from api import problems
from api.routers import (
    case_reads,
    cases,
    directory,
    health,
    key_working,
    plans,
    read_models,
    reviews,
)
from projections.runner import ProjectionRunner
from services.access import AccessLog
from services.keywork import Keywork
from services.settings import Settings

DESCRIPTION = """The back office of a key working service for disabled children and young people
and their families. Every change is an event; see the HTTP contract for conventions."""


def create_app(
    keywork: Keywork, access: AccessLog, runner: ProjectionRunner, settings: Settings
) -> FastAPI:
    app = FastAPI(title="keywork", version="0.1.0", description=DESCRIPTION)
    app.state.keywork = keywork
    app.state.access = access
    app.state.runner = runner
    app.state.settings = settings
    problems.install(app)
    for module in (cases, key_working, reviews, plans, case_reads, read_models, directory, health):
        app.include_router(module.router)
    return app
