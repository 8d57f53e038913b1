"""The family's questionnaire page, opened from the one-time link in their invitation.

No sign-in and no cookie: the token in the link is the only thing that lets them answer, and the
page is not recorded as a read (there is no reader to record). Like every page it is sent with
`Referrer-Policy: no-referrer`, which keeps the token out of any request the page makes, and
`no-store`, which keeps it out of caches (api/web/headers.py).
"""

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.dependencies import Service
from api.problems import problem_of
from api.routers.feedback import invitation_of
from api.web.pages import templates
from api.web.session import PAGES
from api.web.story import error_messages
from domain.errors import InvalidValue, NotAllowedNow
from domain.feedback import AGREEMENT, QUESTIONS
from services.feedback import FeedbackTokens, Invitation
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)


def page(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    shown = {"questions": QUESTIONS, "scale": AGREEMENT, "entered": {}, "caller": None}
    return templates.TemplateResponse(request, "feedback.html", shown | context, status_code=status)


def tokens(request: Request) -> FeedbackTokens:
    found: FeedbackTokens = request.app.state.feedback_tokens
    return found


@router.get("/feedback/{token}")
def questionnaire(request: Request, token: str, keywork: Service) -> HTMLResponse:
    try:
        keywork.require_unanswered(tokens(request).read(token))
    except (InvalidValue, NotAllowedNow) as error:
        return closed(request, error)
    return page(request)


@router.get("/feedback")
async def paper_questionnaire(request: Request) -> HTMLResponse:
    return page(request, with_code=True)


@router.post("/feedback/{token}")
async def answer(request: Request, token: str, keywork: Service) -> HTMLResponse:
    try:
        invitation = tokens(request).read(token)
    except InvalidValue as error:
        return closed(request, error)
    return await answered(request, keywork, lambda: invitation)


@router.post("/feedback")
async def answer_paper(request: Request, keywork: Service) -> HTMLResponse:
    code = str((await request.form()).get("code") or "")
    shown = {"with_code": True, "code": code}
    return await answered(
        request, keywork, lambda: invitation_of(request, keywork, None, code), shown
    )


async def answered(
    request: Request,
    keywork: Keywork,
    invitation: Callable[[], Invitation],
    shown: dict[str, object] | None = None,
) -> HTMLResponse:
    """Records the form's answers, or shows it again with what is wrong."""
    form = await request.form()
    entered = {key: str(form[key]) for key in QUESTIONS if form.get(key)}
    answers = {key: int(value) for key, value in entered.items() if value.isdigit()}
    try:
        # The store is written on a worker thread, as for any plain `def` route.
        await run_in_threadpool(lambda: keywork.give_feedback(invitation(), answers))
    except NotAllowedNow as error:
        return closed(request, error)
    except InvalidValue as error:
        problem = problem_of(request, error)
        errors = error_messages(problem)
        return page(request, problem["status"], errors=errors, entered=entered, **(shown or {}))
    return page(request, thanked=True)


def closed(request: Request, error: InvalidValue | NotAllowedNow) -> HTMLResponse:
    problem = problem_of(request, error)
    return page(request, problem["status"], closed=problem)
