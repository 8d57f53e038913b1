"""Commands on a case: referral to closure, with contacts, transfer and corrections."""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.auth import Principal
from api.command_context import accepted, command_for
from api.dependencies import Service
from api.policy import principal, require
from api.schemas.cases import (
    ClosureAuditIn,
    ClosureIn,
    ContactIn,
    CorrectionIn,
    EligibilityIn,
    ReasonIn,
    ReferralIn,
    ServiceAgreementIn,
    TransferIn,
)
from api.schemas.common import CaseAccepted
from domain.case import Case, Child, Referrer
from domain.case_base import FamilyMember
from domain.corrections import Replacement
from domain.eligibility import EligibilityFacts
from domain.errors import InvalidValue
from domain.stamp import Stamp
from domain.transfers import Transfer
from services.commands import Command

router = APIRouter(tags=["cases"])

Refer = Annotated[Command, Depends(command_for("refer"))]
DecideEligibility = Annotated[Command, Depends(command_for("decide_eligibility"))]
SignServiceAgreement = Annotated[Command, Depends(command_for("sign_service_agreement"))]
RecordContact = Annotated[Command, Depends(command_for("record_contact"))]
AgreeTransfer = Annotated[Command, Depends(command_for("agree_transfer"))]
CloseCase = Annotated[Command, Depends(command_for("close_case"))]
AuditClosure = Annotated[Command, Depends(command_for("audit_closure"))]
ReopenCase = Annotated[Command, Depends(command_for("reopen_case"))]
Correct = Annotated[Command, Depends(command_for("correct"))]
Caller = Annotated[Principal, Depends(principal)]


@router.post("/referrals", status_code=201, response_model=CaseAccepted)
def refer(body: ReferralIn, command: Refer, keywork: Service) -> JSONResponse:
    outcome = keywork.refer(
        command.at(body.occurred_at),
        area=body.area,
        route=body.route,
        referrer=Referrer(**body.referrer.model_dump()),
        child=Child(**body.child.model_dump()),
        family=[FamilyMember(**member.model_dump()) for member in body.family],
        needs=body.needs,
        consent_to_share=body.consent_to_share,
        previous_case_id=body.previous_case_id,
    )
    return accepted(outcome, "case_id", 201)


@router.post("/cases/{case_id}/eligibility", response_model=CaseAccepted)
def eligibility(
    case_id: UUID,
    body: EligibilityIn,
    command: DecideEligibility,
    caller: Caller,
    keywork: Service,
) -> JSONResponse:
    command = command.at(body.occurred_at)
    if (body.facts is None) == (body.override is None):
        raise InvalidValue("facts", "facts_or_override", "give either facts or an override")
    if body.facts is not None:
        facts = EligibilityFacts(**body.facts.model_dump())
        return accepted(keywork.decide_eligibility(command, case_id, facts), "case_id")
    require(caller, "override_eligibility")
    if body.reason is None:
        raise InvalidValue("reason", "required_for_override", "an override needs a reason")
    accept, reason = body.override == "accepted", body.reason
    outcome = keywork.update_case(
        command, case_id, lambda case, stamp: case.override_eligibility(stamp, accept, reason)
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/service-agreement", response_model=CaseAccepted)
def sign_service_agreement(
    case_id: UUID, body: ServiceAgreementIn, command: SignServiceAgreement, keywork: Service
) -> JSONResponse:
    outcome = keywork.update_case(
        command.at(body.occurred_at),
        case_id,
        lambda case, stamp: case.sign_service_agreement(
            stamp,
            contact_every_days=body.contact_every_days,
            signed_by=body.signed_by,
            signed_on=body.signed_on,
        ),
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/contacts", response_model=CaseAccepted)
def record_contact(
    case_id: UUID, body: ContactIn, command: RecordContact, keywork: Service
) -> JSONResponse:
    outcome = keywork.update_case(command.at(body.occurred_at), case_id, contact_recorded(body))
    return accepted(outcome, "case_id")


def contact_recorded(body: ContactIn) -> Callable[[Case, Stamp], None]:
    """The decision that records the contact `body` describes (here and on the case page)."""

    def record(case: Case, stamp: Stamp) -> None:
        case.record_contact(
            stamp,
            kind=body.kind,
            participants=body.participants,
            note=body.note,
            functions=body.functions,
        )

    return record


@router.post("/cases/{case_id}/transfer", response_model=CaseAccepted)
def agree_transfer(
    case_id: UUID, body: TransferIn, command: AgreeTransfer, keywork: Service
) -> JSONResponse:
    transfer = Transfer(**body.model_dump(exclude={"occurred_at"}))
    outcome = keywork.agree_transfer(command.at(body.occurred_at), case_id, transfer=transfer)
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/closure", response_model=CaseAccepted)
def close_case(
    case_id: UUID, body: ClosureIn, command: CloseCase, keywork: Service
) -> JSONResponse:
    outcome = keywork.update_case(
        command.at(body.occurred_at),
        case_id,
        lambda case, stamp: case.close(
            stamp, reason=body.reason, final_plan_version=body.final_plan_version
        ),
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/closure-audit", response_model=CaseAccepted)
def audit_closure(
    case_id: UUID, body: ClosureAuditIn, command: AuditClosure, keywork: Service
) -> JSONResponse:
    outcome = keywork.update_case(
        command.at(body.occurred_at),
        case_id,
        lambda case, stamp: case.audit_closure(stamp, outcome=body.outcome, findings=body.findings),
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/reopen", response_model=CaseAccepted)
def reopen_case(
    case_id: UUID, body: ReasonIn, command: ReopenCase, keywork: Service
) -> JSONResponse:
    outcome = keywork.reopen_case(command.at(body.occurred_at), case_id, reason=body.reason)
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/corrections", response_model=CaseAccepted)
def correct(case_id: UUID, body: CorrectionIn, command: Correct, keywork: Service) -> JSONResponse:
    replacement = Replacement(**body.replacement.model_dump())
    outcome = keywork.update_case(
        command.at(body.occurred_at),
        case_id,
        lambda case, stamp: case.correct(
            stamp,
            corrects_event_id=body.corrects_event_id,
            reason=body.reason,
            replacement=replacement,
        ),
    )
    return accepted(outcome, "case_id")
