"""Commands on a case: referral to closure, with contacts, transfer and corrections."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Service
from api.schemas.cases import (
    ClosureAuditIn,
    ClosureIn,
    ContactIn,
    CorrectionIn,
    ReasonIn,
    ReferralIn,
    TransferIn,
)
from api.schemas.common import CaseAccepted
from api.schemas.eligibility import EligibilityIn
from api.schemas.transition import ServiceAgreementIn
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.corrections import Replacement
from domain.eligibility import EligibilityFacts
from domain.transfers import Transfer
from services.cases import Referral
from services.commands import Command, Outcome
from services.keywork import Keywork

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


@router.post("/referrals", status_code=201, response_model=CaseAccepted)
def refer(body: ReferralIn, command: Refer, keywork: Service) -> JSONResponse:
    return accepted(refer_as(keywork, command.at(body.occurred_at), body), "case_id", 201)


def refer_as(keywork: Keywork, command: Command, body: ReferralIn) -> Outcome:
    """The referral `body` recorded: for the API, and for the referral page."""
    return keywork.refer(command, **referral_of(body))


def referral_of(body: ReferralIn) -> Referral:
    """The use case's arguments for a referral's body."""
    return {
        "area": body.area,
        "route": body.route,
        "referrer": Referrer(**body.referrer.model_dump()),
        "child": Child(**body.child.model_dump()),
        "family": [FamilyMember(**member.model_dump()) for member in body.family],
        "needs": body.needs,
        "consent_to_share": body.consent_to_share,
        "previous_case_id": body.previous_case_id,
    }


@router.post("/cases/{case_id}/eligibility", response_model=CaseAccepted)
def eligibility(
    case_id: UUID, body: EligibilityIn, command: DecideEligibility, keywork: Service
) -> JSONResponse:
    facts = EligibilityFacts(**body.facts.model_dump()) if body.facts is not None else None
    outcome = keywork.decide_eligibility(
        command.at(body.occurred_at),
        case_id,
        facts=facts,
        override=body.override,
        reason=body.reason,
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/service-agreement", response_model=CaseAccepted)
def sign_service_agreement(
    case_id: UUID, body: ServiceAgreementIn, command: SignServiceAgreement, keywork: Service
) -> JSONResponse:
    outcome = keywork.sign_service_agreement(
        command.at(body.occurred_at), case_id, **body.model_dump(exclude={"occurred_at"})
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/contacts", response_model=CaseAccepted)
def record_contact(
    case_id: UUID, body: ContactIn, command: RecordContact, keywork: Service
) -> JSONResponse:
    outcome = keywork.record_contact(
        command.at(body.occurred_at),
        case_id,
        kind=body.kind,
        participants=body.participants,
        note=body.note,
        functions=body.functions,
    )
    return accepted(outcome, "case_id")


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
    fields = body.model_dump(exclude={"occurred_at"})
    outcome = keywork.close_case(command.at(body.occurred_at), case_id, **fields)
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/closure-audit", response_model=CaseAccepted)
def audit_closure(
    case_id: UUID, body: ClosureAuditIn, command: AuditClosure, keywork: Service
) -> JSONResponse:
    outcome = keywork.audit_closure(
        command.at(body.occurred_at), case_id, outcome=body.outcome, findings=body.findings
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
    outcome = keywork.correct(
        command.at(body.occurred_at),
        case_id,
        corrects_event_id=body.corrects_event_id,
        reason=body.reason,
        replacement=replacement,
    )
    return accepted(outcome, "case_id")
