"""The pages about review meetings (rescheduled, cancelled, a report received, held with the
child's views) and Family Support Plans (drafted, signed by someone with parental
responsibility or by the young person of 18 or over, a copy recorded). Scheduling a review is
on the case page."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from api.schemas.cases import (
    ReasonIn,
    RescheduleIn,
    ReviewOutcomeIn,
    ReviewReportIn,
)
from api.schemas.plans import PlanCopyIn, PlanIn, SignatureIn
from api.web.case_choices import (
    CHANNELS,
    draft_plans,
    parental_responsibility,
    recipients,
    scheduled_reviews,
    signed_plans,
    tac_members,
)
from api.web.case_forms import Field, TaskForm, add_task_pages, asking, recorded_by
from api.web.session import PAGES
from domain.case import Case
from domain.plans import PlanAction
from services.commands import Command, Outcome
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)

ACTIONS = 3  # rows for the plan's actions; a plan needing more is drafted again
ONE_A_LINE = "One on each line."


def draft(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
    _, outcome = keywork.draft_plan(
        command,
        case_id,
        summary=body.summary,
        outcomes=body.outcomes,
        actions=[PlanAction(**action.model_dump()) for action in body.actions],
    )
    return outcome


def record_copy(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
    return keywork.record_plan_copy(
        command,
        case_id,
        plan_version=body.plan_version,
        recipient=body.recipient,
        channel=body.channel,
        sent=body.outcome == "sent",
        reason=body.reason,
    )


def who_may_sign(request: Request, case: Case) -> str:
    return (
        "The plan is signed by a parent or carer with parental responsibility: only they are "
        "offered below. From their 18th birthday the young person may sign their own plan."
    )


RECORD_REVIEW = "record_review"
REVIEW = Field("review_id", "Which review?", "choice")
REVIEW_PATH = {"review_id": UUID}
PLAN_PATH = {"plan_version": int}
THE_REVIEWS = asking(review_id=scheduled_reviews)

RESCHEDULE = TaskForm(
    slug="review-reschedule",
    title="Move a review",
    action=RECORD_REVIEW,
    schema=RescheduleIn,
    path=REVIEW_PATH,
    record=recorded_by(Keywork.reschedule_review),
    choices_of=THE_REVIEWS,
    button="Move the review",
    fields=(
        REVIEW,
        Field("at", "The new date", "date_time"),
        Field("reason", "Why is it moving?", "long_text"),
    ),
)
CANCELLATION = TaskForm(
    slug="review-cancellation",
    title="Cancel a review",
    action=RECORD_REVIEW,
    schema=ReasonIn,
    path=REVIEW_PATH,
    record=recorded_by(Keywork.cancel_review),
    choices_of=THE_REVIEWS,
    button="Cancel the review",
    fields=(REVIEW, Field("reason", "Why is it cancelled?", "long_text")),
)
REPORT = TaskForm(
    slug="review-report",
    title="Record a report received for a review",
    action=RECORD_REVIEW,
    schema=ReviewReportIn,
    path=REVIEW_PATH,
    record=recorded_by(Keywork.receive_review_report),
    choices_of=asking(review_id=scheduled_reviews, from_practitioner_id=tac_members),
    button="Record the report",
    fields=(
        REVIEW,
        Field("from_practitioner_id", "From which Team Around the Child member?", "choice"),
        Field("title", "The report's title"),
    ),
)
OUTCOME = TaskForm(
    slug="review-outcome",
    title="Record a review meeting",
    action=RECORD_REVIEW,
    schema=ReviewOutcomeIn,
    path=REVIEW_PATH,
    record=recorded_by(Keywork.record_review_outcome),
    choices_of=THE_REVIEWS,
    button="Record the meeting",
    fields=(
        REVIEW,
        Field("attendees", "Who came?", "lines", hint=ONE_A_LINE),
        Field(
            "child_views",
            "The child's views",
            "long_text",
            hint="In their own words where you can, and how they were given",
        ),
        Field("decisions", "What was decided?", "lines", hint=ONE_A_LINE),
        Field("next_review_on", "The next review is due by", "date"),
        Field("key_worker_confirmed", "Does the family want to keep the key worker?", "yes_no"),
    ),
)
PLAN = TaskForm(
    slug="plan",
    title="Draft a Family Support Plan",
    action="draft_plan",
    schema=PlanIn,
    record=draft,
    button="Save the draft",
    fields=(
        Field("summary", "Summary", "long_text"),
        Field("outcomes", "Outcomes the family wants", "lines", hint=ONE_A_LINE),
        *(
            question
            for row in range(ACTIONS)
            for question in (
                Field(f"actions.{row}.who", f"Action {row + 1}: who", optional=True),
                Field(f"actions.{row}.what", f"Action {row + 1}: what", optional=True),
                Field(f"actions.{row}.by", f"Action {row + 1}: by when", "date", optional=True),
            )
        ),
    ),
)
SIGNATURE = TaskForm(
    slug="plan-signature",
    title="Record the plan's signature",
    action="sign_plan",
    schema=SignatureIn,
    path=PLAN_PATH,
    record=recorded_by(Keywork.sign_plan),
    intro_of=who_may_sign,
    choices_of=asking(plan_version=draft_plans, signed_by=parental_responsibility),
    button="Record the signature",
    fields=(
        Field("plan_version", "Which version?", "choice"),
        Field(
            "signed_by_young_person",
            "Did the young person sign it themselves?",
            "yes_no",
            hint="Only a young person of 18 or over on the day",
            optional=True,
        ),
        Field(
            "signed_by",
            "Signed by",
            "choice",
            hint="When a parent or carer signed it",
            optional=True,
        ),
        Field("signed_on", "Signed on", "date"),
    ),
)
COPY = TaskForm(
    slug="plan-copy",
    title="Record who got a copy of the plan",
    action="distribute_plan",
    schema=PlanCopyIn,
    path=PLAN_PATH,
    record=record_copy,
    choices_of=asking(plan_version=signed_plans, recipient=recipients),
    button="Record the copy",
    fields=(
        Field("plan_version", "Which version?", "choice"),
        Field("recipient", "Copy to", "select"),
        Field("channel", "Sent", "choice", choices=CHANNELS),
        Field(
            "outcome",
            "Did it reach them?",
            "choice",
            choices=(("sent", "Yes, it was sent"), ("failed", "No, it could not be sent")),
        ),
        Field("reason", "Why it could not be sent", "long_text", optional=True),
    ),
)

add_task_pages(router, (RESCHEDULE, CANCELLATION, REPORT, OUTCOME, PLAN, SIGNATURE, COPY))
