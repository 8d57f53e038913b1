"""The application object the routers call, and the parts beside it, wired once at start-up."""

from typing import Annotated

from fastapi import Depends, Request

from consumers.letters import PrintQueue
from consumers.questionnaires import PaperQuestionnaires
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


async def print_queue(request: Request) -> PrintQueue:
    queue: PrintQueue = request.app.state.letters
    return queue


Queue = Annotated[PrintQueue, Depends(print_queue)]


async def paper_questionnaires(request: Request) -> PaperQuestionnaires:
    state = request.app.state
    answer_at = f"{state.settings.pages_url}/feedback"
    return PaperQuestionnaires(state.feedback_tokens, answer_at, state.keywork.clock)


Questionnaires = Annotated[PaperQuestionnaires, Depends(paper_questionnaires)]
