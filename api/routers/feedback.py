"""Family feedback: the questionnaire, and answers given with a one-time link's token.

No bearer token: the family is not a user of the service, and the token is the only thing that
lets them answer. Nothing here is logged or recorded with the token, and nothing answered names
who gave it (`services/feedback.py`).
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.dependencies import Service
from api.schemas.common import Body
from domain.feedback import AGREEMENT, QUESTIONS

router = APIRouter(tags=["family feedback"])


class Question(BaseModel):
    question: str
    text: str


class QuestionnaireOut(BaseModel):
    questions: list[Question]
    scale: dict[int, str]  # each answer's meaning


class FeedbackIn(Body):
    token: str = Field(max_length=2000)
    answers: dict[str, int]


@router.get("/feedback/questions", response_model=QuestionnaireOut)
async def questionnaire() -> QuestionnaireOut:
    return QuestionnaireOut(
        questions=[Question(question=key, text=text) for key, text in QUESTIONS.items()],
        scale=AGREEMENT,
    )


@router.post("/feedback", status_code=201)
def give_feedback(body: FeedbackIn, request: Request, keywork: Service) -> JSONResponse:
    invitation = request.app.state.feedback_tokens.read(body.token)
    keywork.give_feedback(invitation, body.answers)
    return JSONResponse({"received": True}, status_code=201)
