"""Family feedback: the questionnaire, and answers given with a one-time link's token.

No bearer token: the family is not a user of the service, and the token is the only thing that
lets them answer. Nothing here is logged or recorded with the token, and nothing answered names
who gave it (`services/feedback.py`).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Principal
from api.dependencies import Questionnaires, Service
from api.policy import allowed
from api.schemas.common import Body, Whole
from api.schemas.feedback import StackIn
from consumers.pdf import PDF
from domain.errors import InvalidValue
from domain.feedback import AGREEMENT, QUESTIONS
from services.feedback import FeedbackTokens, Invitation
from services.keywork import Keywork

router = APIRouter(tags=["family feedback"])


class Question(BaseModel):
    question: str
    text: str


class QuestionnaireOut(BaseModel):
    questions: list[Question]
    scale: dict[int, str]  # each answer's meaning


class FeedbackIn(Body):
    """The token from the emailed link, or the code on a paper questionnaire: one of them."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["token"], "properties": {"token": {"type": "string"}}},
                {"required": ["code"], "properties": {"code": {"type": "string"}}},
            ]
        }
    )

    token: str | None = Field(None, min_length=1, max_length=2000)
    code: str | None = Field(None, min_length=1, max_length=40)
    answers: dict[str, Whole] = Field(
        json_schema_extra={
            "minProperties": 1,
            "propertyNames": {"enum": list(QUESTIONS)},
            "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5},
        }
    )


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
    responses={200: {"content": {PDF: {}}}},
)
def print_questionnaires(
    body: StackIn,
    caller: Annotated[Principal, Depends(allowed("print_letters"))],
    printer: Questionnaires,
) -> Response:
    """A stack of paper questionnaires for the caller's area, each with its own code."""
    return Response(printer.print_stack(caller.area, body.count), media_type=PDF)
