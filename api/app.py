"""The FastAPI application: routers, error mapping, and the service it fronts."""

from fastapi import FastAPI

from api import problems
from api.routers import case_reads, cases, directory, health
from services.keywork import Keywork
from services.settings import Settings

DESCRIPTION = """The back office of a key working service for disabled children and young people
and their families. Every change is an event; see the HTTP contract for conventions."""


def create_app(keywork: Keywork, settings: Settings) -> FastAPI:
    app = FastAPI(title="keywork", version="0.1.0", description=DESCRIPTION)
    app.state.keywork = keywork
    app.state.settings = settings
    problems.install(app)
    for module in (cases, case_reads, directory, health):
        app.include_router(module.router)
    return app
