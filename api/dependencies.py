"""The application object the routers call, wired once at start-up."""

from typing import Annotated

from fastapi import Depends, Request

from projections.runner import ProjectionRunner
from services.keywork import Keywork


def keywork(request: Request) -> Keywork:
    app: Keywork = request.app.state.keywork
    return app


Service = Annotated[Keywork, Depends(keywork)]


def projection_runner(request: Request) -> ProjectionRunner:
    runner: ProjectionRunner = request.app.state.runner
    return runner


Runner = Annotated[ProjectionRunner, Depends(projection_runner)]
