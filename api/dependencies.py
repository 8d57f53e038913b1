"""The application object the routers call, wired once at start-up."""

from typing import Annotated

from fastapi import Depends, Request

from services.keywork import Keywork


def keywork(request: Request) -> Keywork:
    app: Keywork = request.app.state.keywork
    return app


Service = Annotated[Keywork, Depends(keywork)]
