"""The pages about consent and the record itself: the family's consent to share (given or
withdrawn, or a coordinator's override), the transition plan to adult services, closing the case
with its final plan, the practice supervisor's audit of the closure, reopening, and a correction
of an earlier event."""

from typing import Any, get_args
from uuid import UUID

from fastapi import APIRouter

from api.schemas.cases import ClosureAuditIn, ClosureIn, ConsentIn, CorrectionIn, ReasonIn
from api.schemas.transition import TransitionPlanIn
from api.web.case_choices import (
    CHANNELS,
    YES_OR_NO,
    correctable_events,
    held_reviews,
    signed_plans,
)
from api.web.case_forms import Field, TaskForm, add_task_pages, asking, recorded_by
from api.web.session import PAGES
from domain.contacts import ContactKind
from domain.corrections import Replacement
from services.commands import Command, Outcome
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)

CLOSURE_REASONS = (
    ("needs_met", "No remaining unmet needs"),
    ("age_limit", "Reached the age limit"),
    ("adult_services", "Moved to adult services"),
    ("moved_out_of_area", "Moved out of the area"),
    ("family_withdrew", "The family withdrew"),
    ("not_eligible", "Not eligible"),
)
AUDIT_OUTCOMES = (
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
)
CONTACT_KINDS = [(kind, kind.replace("_", " ").capitalize()) for kind in get_args(ContactKind)]
FOR_A_CONTACT = "For a contact"
FOR_A_MEMBER = "For a Team Around the Child member"


def correct(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
    return keywork.correct(
        command,
        case_id,
        corrects_event_id=body.corrects_event_id,
        reason=body.reason,
        replacement=Replacement(**body.replacement.model_dump()),
    )


CONSENT = TaskForm(
    slug="consent",
    title="Record the family's consent to share",
    action="record_consent",
    schema=ConsentIn,
    record=recorded_by(Keywork.record_consent),
    button="Record their answer",
    fields=(
        Field(
            "given",
            "Does the family agree to share the case with practitioners from other agencies?",
            "yes_no",
            hint="No withdraws a consent given before.",
        ),
    ),
)
CONSENT_OVERRIDE = TaskForm(
    slug="consent-override",
    title="Share the case without the family's consent",
    action="override_consent",
    schema=ReasonIn,
    record=recorded_by(Keywork.override_consent),
    button="Share the case",
    fields=(
        Field(
            "reason",
            "Why must the case be shared?",
            "long_text",
            hint="For example, to safeguard the child. It lasts until the family's answer is "
            "next recorded.",
        ),
    ),
)
CLOSURE = TaskForm(
    slug="closure",
    title="Close the case",
    action="close_case",
    schema=ClosureIn,
    record=recorded_by(Keywork.close_case),
    choices_of=asking(final_plan_version=signed_plans, agreed_at_review_id=held_reviews),
    button="Close the case",
    fields=(
        Field("reason", "The reason for closing", "choice", choices=CLOSURE_REASONS),
        Field(
            "family_agreed",
            "Did the family agree to the ending?",
            "yes_no",
            hint="Needed when needs are met, at the age limit or on moving to adult services",
            optional=True,
        ),
        Field("why_not_agreed", "If not, why not", "long_text", optional=True),
        Field(
            "agreed_at_review_id",
            "The review at which it was agreed",
            "select",
            optional=True,
        ),
        Field(
            "final_plan_version",
            "The final plan",
            "select",
            hint="The signed plan sent with the closure letters",
            optional=True,
        ),
        Field(
            "why_no_final_plan",
            "If a plan was signed but there is no final plan, why",
            "long_text",
            optional=True,
        ),
    ),
)
AUDIT = TaskForm(
    slug="closure-audit",
    title="Audit the closure",
    action="audit_closure",
    schema=ClosureAuditIn,
    record=recorded_by(Keywork.audit_closure),
    button="Record the audit",
    fields=(
        Field("outcome", "The audit's outcome", "choice", choices=AUDIT_OUTCOMES),
        Field("findings", "Findings", "long_text"),
    ),
)
REOPENING = TaskForm(
    slug="reopening",
    title="Reopen the case",
    action="reopen_case",
    schema=ReasonIn,
    record=recorded_by(Keywork.reopen_case),
    button="Reopen the case",
    fields=(Field("reason", "Why is the case reopening?", "long_text"),),
)
CORRECTION = TaskForm(
    slug="correction",
    title="Correct an earlier record",
    action="correct",
    schema=CorrectionIn,
    record=correct,
    choices_of=asking(corrects_event_id=correctable_events),
    button="Record the correction",
    fields=(
        Field("corrects_event_id", "What is being corrected?", "choice"),
        Field("reason", "Why is it wrong?", "long_text"),
        Field(
            "replacement.occurred_at",
            f"{FOR_A_CONTACT}: when it happened",
            "date_time",
            hint="Give only what was wrong; the rest stays as it was.",
            optional=True,
        ),
        Field(
            "replacement.kind",
            f"{FOR_A_CONTACT}: kind",
            "select",
            choices=CONTACT_KINDS,
            optional=True,
        ),
        Field(
            "replacement.with",
            f"{FOR_A_CONTACT}: who took part",
            "lines",
            hint="One name on each line",
            optional=True,
        ),
        Field("replacement.note", f"{FOR_A_CONTACT}: note", "long_text", optional=True),
        Field("replacement.role", f"{FOR_A_MEMBER}: their role", optional=True),
        Field(
            "replacement.receives_plans",
            f"{FOR_A_MEMBER}: do they receive plans?",
            "select",
            choices=YES_OR_NO,
            optional=True,
        ),
        Field(
            "replacement.channel",
            f"{FOR_A_MEMBER}: how they are sent",
            "select",
            choices=CHANNELS,
            optional=True,
        ),
    ),
)

TRANSITION = TaskForm(
    slug="transition-plan",
    title="Plan the transition to adult services",
    action="plan_transition",
    schema=TransitionPlanIn,
    record=recorded_by(Keywork.plan_transition),
    button="Record the plan",
    fields=(
        Field("adult_services", "Which adult services will the young person move to?"),
        Field("receiving_contact", "Who there will take them on?"),
        Field("receiving_contact_email", "Their email address (optional)", optional=True),
        Field(
            "planned_on",
            "The day planned for the move",
            "date",
            hint="On or before the last day the area's age limit covers",
        ),
    ),
)

add_task_pages(
    router, (CONSENT, CONSENT_OVERRIDE, TRANSITION, CLOSURE, AUDIT, REOPENING, CORRECTION)
)
