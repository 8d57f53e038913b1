"""The print queue: letters waiting to be posted, their PDFs, and marking them posted."""

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.dependencies import Queue
from api.policy import allowed
from api.reads import read_of
from consumers.pdf import PDF

router = APIRouter(tags=["letters"])


class LetterOut(BaseModel):
    letter_id: UUID
    case_id: UUID | None
    recipient: str
    subject: str
    created_at: datetime
    posted_at: datetime | None
    accessible_format: str | None  # large_print (printed so), easy_read: send the easy read version


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
    return FileResponse(queue.printable(letter_id), media_type=PDF)


@router.post("/letters/{letter_id}/posted", dependencies=[Depends(allowed("print_letters"))])
def mark_posted(letter_id: UUID, queue: Queue) -> dict[str, bool]:
    return {"newly_posted": queue.post(letter_id)}
