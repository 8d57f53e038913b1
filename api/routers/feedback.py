"""Family feedback: the questionnaire, and answers given with a one-time link's token.

No bearer token: the family is not a user of the service, and the token is the only thing that
lets them answer. Nothing here is logged or recorded with the token, and nothing answered names
who gave it (`services/feedback.py`).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import Principal
from api.dependencies import Service
from api.policy import allowed
from api.schemas.common import Body
from consumers.questionnaires import questionnaires
from domain.errors import InvalidValue
from domain.feedback import AGREEMENT, QUESTIONS
from services.feedback import FeedbackTokens, Invitation
from services.keywork import Keywork
from services.settings import Settings

router = APIRouter(tags=["family feedback"])
MAX_STACK = 200


class Question(BaseModel):
    question: str
    text: str


class QuestionnaireOut(BaseModel):
    questions: list[Question]
    scale: dict[int, str]  # each answer's meaning


class FeedbackIn(Body):
    # The token from the emailed link, or the code on a paper questionnaire.
    token: str | None = Field(None, max_length=2000)
    code: str | None = Field(None, max_length=40)
    answers: dict[str, int]


class StackIn(Body):
    count: int = Field(ge=1, le=MAX_STACK)


@router.get("/feedback/questions", response_model=QuestionnaireOut)
async def questionnaire() -> QuestionnaireOut:
    return QuestionnaireOut(
        questions=[Question(question=key, text=text) for key, text in QUESTIONS.items()],
        scale=AGREEMENT,
    )


@router.post("/feedback", status_code=201)
def give_feedback(body: FeedbackIn, request: Request, keywork: Service) -> JSONResponse:
    keywork.give_feedback(invitation_of(request, keywork, body.token, body.code), body.answers)
    return JSONResponse({"received": True}, status_code=201)


def invitation_of(
    request: Request, keywork: Keywork, token: str | None, code: str | None
) -> Invitation:
    """What the link's token, or else the paper's code, says; neither is ever echoed back."""
    tokens: FeedbackTokens = request.app.state.feedback_tokens
    if token:
        return tokens.read(token)
    if code:
        return tokens.read_paper_code(code, keywork.areas.names(), keywork.clock().date())
    raise InvalidValue("code", "required", "give the code from the questionnaire")


@router.post(
    "/feedback/questionnaires",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def print_questionnaires(
    body: StackIn,
    caller: Annotated[Principal, Depends(allowed("print_letters"))],
    request: Request,
    keywork: Service,
) -> Response:
    """A stack of paper questionnaires for the caller's area, each with its own code."""
    if caller.area is None:
        raise InvalidValue("area", "known_area", "the caller has no area to print for")
    tokens: FeedbackTokens = request.app.state.feedback_tokens
    today = keywork.clock().date()
    codes = [tokens.paper_code(caller.area, today) for _ in range(body.count)]
    settings: Settings = request.app.state.settings
    pdf = questionnaires(codes, f"{settings.pages_url}/feedback")
    return Response(pdf, media_type="application/pdf")
