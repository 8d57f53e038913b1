"""The application object the routers call, wired once at start-up."""

from typing import Annotated

from fastapi import Depends, Request

from projections.runner import ProjectionRunner
from services.keywork import Keywork


async def keywork(request: Request) -> Keywork:  # async: no I/O, no worker thread
    app: Keywork = request.app.state.keywork
    return app


Service = Annotated[Keywork, Depends(keywork)]


async def projection_runner(request: Request) -> ProjectionRunner:
    runner: ProjectionRunner = request.app.state.runner
    return runner


Runner = Annotated[ProjectionRunner, Depends(projection_runner)]
