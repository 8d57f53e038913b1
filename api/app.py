"""The FastAPI application: routers, error mapping, and the service it fronts."""

from fastapi import Depends, FastAPI

from api import logs, openapi, problems
from api.limits import BodySizeLimit, no_nul_in_parameters
from api.provider_tokens import provider_tokens
from api.routers import (
    case_reads,
    cases,
    chronology,
    data_protection,
    directory,
    feedback,
    fhir,
    health,
    key_working,
    metrics,
    plans,
    read_models,
    reviews,
    search,
    transition,
)
from api.routers import (
    letters as letters_router,
)
from api.web import install as pages
from consumers.letters import PrintQueue
from projections.runner import ProjectionRunner
from services.access import AccessLog
from services.areas import Areas
from services.feedback import FeedbackTokens
from services.keywork import Keywork
from services.settings import Settings
from store.sessions import Sessions

DESCRIPTION = """The back office of a key working service for disabled children and young people
and their families. Every change is an event; see the HTTP contract for conventions."""


def create_app(
    keywork: Keywork,
    access: AccessLog,
    runner: ProjectionRunner,
    letters: PrintQueue,
    sessions: Sessions,
    settings: Settings,
) -> FastAPI:
    app = FastAPI(
        title="keywork",
        version="0.1.0",
        description=DESCRIPTION,
        dependencies=[Depends(no_nul_in_parameters)],
        # Each operation is named for its use case (`refer`, `record_contact`): a client
        # generated from the document calls it so.
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.keywork = keywork
    app.state.letters = letters
    app.state.access = access
    app.state.runner = runner
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.provider_tokens = provider_tokens(settings)
    app.state.feedback_tokens = FeedbackTokens(settings.signing_secret)
    problems.install(app)
    openapi.install(app, Areas.load(settings.areas_file).names(), settings.outcome_measure)
    app.add_middleware(BodySizeLimit)
    logs.install(app)
    routers = (
        cases,
        key_working,
        transition,
        reviews,
        plans,
        case_reads,
        chronology,
        read_models,
        data_protection,
    )
    for module in (*routers, search, metrics, letters_router, directory, feedback, fhir, health):
        app.include_router(module.router)
    pages.install(app, settings)
    return app
