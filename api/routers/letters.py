"""The print queue: letters waiting to be posted, their PDFs, and marking them posted."""

from datetime import datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.policy import allowed
from api.reads import read_of
from consumers.letters import PrintQueue
from services.commands import NotFound

router = APIRouter(tags=["letters"])


class LetterOut(BaseModel):
    letter_id: UUID
    case_id: UUID | None
    recipient: str
    subject: str
    created_at: datetime
    posted_at: datetime | None


def print_queue(request: Request) -> PrintQueue:
    queue: PrintQueue = request.app.state.letters
    return queue


Queue = Annotated[PrintQueue, Depends(print_queue)]


@router.get(
    "/letters",
    response_model=list[LetterOut],
    dependencies=[Depends(read_of("print_letters", "letters", "print queue", "letter_id"))],
)
def waiting_letters(queue: Queue) -> list[LetterOut]:
    return [LetterOut.model_validate(letter, from_attributes=True) for letter in queue.waiting()]


@router.get(
    "/letters/{letter_id}",
    response_class=FileResponse,
    dependencies=[Depends(read_of("print_letters", "letters", "letter", "letter_id"))],
)
def letter_pdf(letter_id: UUID, queue: Queue) -> FileResponse:
    letter = queue.get(letter_id)
    if letter is None or not Path(letter.path).exists():  # gone with an erasure
        raise NotFound("letter")
    return FileResponse(letter.path, media_type="application/pdf")


@router.post("/letters/{letter_id}/posted", dependencies=[Depends(allowed("print_letters"))])
def mark_posted(letter_id: UUID, queue: Queue) -> dict[str, bool]:
    if queue.get(letter_id) is None:
        raise NotFound("letter")
    return {"newly_posted": queue.mark_posted(letter_id)}
