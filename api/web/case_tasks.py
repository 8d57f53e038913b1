"""The pages that start a case's key working: the eligibility decision (from the facts, or a
coordinator's override), meeting the family, the key workers approached, the allocation of a key
worker, and the service agreement."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from api.schemas.cases import KeyWorkerIn
from api.schemas.eligibility import EligibilityIn
from api.schemas.start import ApproachIn, FamilyMeetingIn
from api.schemas.transition import ServiceAgreementIn
from api.web.case_choices import directory, family
from api.web.case_forms import Field, TaskForm, add_task_pages, asking, recorded_by
from api.web.session import PAGES
from domain.case import Case
from domain.eligibility import EligibilityFacts
from services.commands import Command, Outcome
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)

ANSWERS = (("accepted", "They can be the key worker"), ("declined", "They cannot"))
KEY_WORKER_KINDS = (
    ("designated", "Designated key worker"),
    ("non_designated", "Non-designated key worker (a practitioner in another role)"),
    ("parent_carer", "A parent carer"),
    ("young_person", "The young person themselves (from their 18th birthday)"),
)
NOT_A_PRACTITIONER = "Not for a parent carer or the young person"


def rules_told(request: Request, case: Case) -> str:
    """The area's rule set, in words: what the facts are checked against."""
    rules = request.app.state.keywork.areas.rules_for(case.area)
    asks = "; ".join(criterion.words for criterion in rules.criteria)
    until = ordinal(rules.until_birthday)
    in_school = ordinal(rules.until_birthday_in_complex_needs_school)
    return (
        f"The {rules.id} rules (version {rules.version}) cover children until their {until} "
        f"birthday ({in_school} in a school for complex needs), and ask for: {asks}."
    )


def ordinal(number: int) -> str:
    teens = 11 <= number % 100 <= 13
    return f"{number}{'th' if teens else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def facts_asked(request: Request, case: Case) -> set[str]:
    """The facts the area's criteria name: the only ones its eligibility page asks for."""
    rules = request.app.state.keywork.areas.rules_for(case.area)
    return {f"facts.{check.fact}" for c in rules.criteria for check in c.any_of}


def decide(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
    facts = EligibilityFacts(**body.facts.model_dump()) if body.facts is not None else None
    return keywork.decide_eligibility(
        command, case_id, facts=facts, override=body.override, reason=body.reason
    )


ELIGIBILITY = TaskForm(
    slug="eligibility",
    title="Decide eligibility",
    action="decide_eligibility",
    schema=EligibilityIn,
    record=decide,
    intro_of=rules_told,
    button="Decide",
    asked_of=facts_asked,
    fields=(
        Field("facts.gp_in_area", "Is the child registered with a GP in the area?", "yes_no"),
        Field(
            "facts.complex_health_needs",
            "Does the child have a severe health condition needing ongoing health intervention?",
            "yes_no",
        ),
        Field(
            "facts.severe_learning_or_physical_disability",
            "Does the child have a severe learning or physical disability?",
            "yes_no",
        ),
        Field("facts.specialist_count", "How many specialists work with the child?", "number"),
        Field("facts.agency_count", "From how many agencies?", "number"),
        Field("facts.learning_disability", "Does the child have a learning disability?", "yes_no"),
        Field("facts.autism", "Is the child autistic?", "yes_no"),
        Field("facts.inpatient", "Is the child an inpatient in hospital?", "yes_no"),
        Field(
            "facts.at_risk_of_admission", "Is the child at risk of admission to hospital?", "yes_no"
        ),
        Field(
            "facts.dynamic_support_register",
            "Their rating on the Dynamic Support Register",
            optional=True,
        ),
        Field("facts.looked_after", "Is the child looked after?", "yes_no"),
        Field("facts.adopted", "Is the child adopted?", "yes_no"),
        Field(
            "facts.in_transition_between_services",
            "Is the child in transition between services?",
            "yes_no",
        ),
    ),
)
OVERRIDE = TaskForm(
    slug="eligibility-override",
    title="Override the eligibility rules",
    action="override_eligibility",
    schema=EligibilityIn,
    record=decide,
    intro_of=rules_told,
    button="Record the decision",
    fields=(
        Field(
            "override",
            "Your decision",
            "choice",
            choices=(("accepted", "Accept the referral"), ("declined", "Decline the referral")),
        ),
        Field("reason", "Why the rules do not decide this case", "long_text"),
    ),
)
FAMILY_MEETING = TaskForm(
    slug="family-meeting",
    title="Record the meeting with the family",
    action="meet_the_family",
    schema=FamilyMeetingIn,
    record=recorded_by(Keywork.meet_the_family),
    button="Record the meeting",
    fields=(
        Field("met_on", "The day you met", "date"),
        Field(
            "priorities",
            "The family's priorities and expectations",
            "lines",
            hint="One a line",
            optional=True,
        ),
        Field("planning_meeting_needed", "Is a multi-agency planning meeting needed?", "yes_no"),
    ),
)
APPROACH = TaskForm(
    slug="key-worker-approach",
    title="Record a key worker approached",
    action="approach_key_worker",
    schema=ApproachIn,
    record=recorded_by(Keywork.approach_key_worker),
    choices_of=asking(practitioner_id=directory),
    button="Record their answer",
    fields=(
        Field("practitioner_id", "Who was asked to be the key worker?", "select"),
        Field("answer", "Their answer", "choice", choices=ANSWERS),
        Field("reason", "If they could not, why (optional)", "long_text", optional=True),
    ),
)
ALLOCATION = TaskForm(
    slug="key-worker",
    title="Allocate a key worker",
    action="allocate_key_worker",
    schema=KeyWorkerIn,
    record=recorded_by(Keywork.allocate_key_worker),
    choices_of=asking(practitioner_id=directory),
    button="Allocate",
    fields=(
        Field("kind", "What kind of key worker?", "choice", choices=KEY_WORKER_KINDS),
        Field("practitioner_id", "Practitioner", "select", hint=NOT_A_PRACTITIONER),
        Field("parent_carer_name", "The parent carer's name", optional=True),
        Field("from", "From", "date"),
    ),
)
AGREEMENT = TaskForm(
    slug="service-agreement",
    title="Record the service agreement",
    action="sign_service_agreement",
    schema=ServiceAgreementIn,
    record=recorded_by(Keywork.sign_service_agreement),
    choices_of=asking(signed_by=family),
    button="Record the agreement",
    fields=(
        Field(
            "contact_every_days", "How often will the key worker be in touch, in days?", "number"
        ),
        Field("signed_by", "Signed by", "choice"),
        Field("signed_on", "Signed on", "date"),
        Field(
            "expected_duration_months",
            "How long is key working expected to last, in months? (optional)",
            "number",
            optional=True,
        ),
        Field(
            "exit_plan",
            "How will key working end? (optional)",
            "long_text",
            hint="The plan for exiting, explained to the family now",
            optional=True,
        ),
    ),
)

add_task_pages(router, (ELIGIBILITY, OVERRIDE, FAMILY_MEETING, APPROACH, ALLOCATION, AGREEMENT))
