"""Commands on a case, from referral to closure and reopening."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.auth import Principal
from api.command_context import accepted, command_for
from api.dependencies import Service
from api.policy import principal, require
from api.schemas.cases import (
    ClosureIn,
    ContactIn,
    EligibilityIn,
    KeyWorkerIn,
    ReferralIn,
    ReopenIn,
    ServiceAgreementIn,
)
from api.schemas.common import CaseAccepted
from domain.case import Child, FamilyMember, Referrer
from domain.eligibility import EligibilityFacts
from domain.errors import InvalidValue
from services.commands import Command

router = APIRouter(tags=["cases"])


Refer = Annotated[Command, Depends(command_for("refer"))]
DecideEligibility = Annotated[Command, Depends(command_for("decide_eligibility"))]
AllocateKeyWorker = Annotated[Command, Depends(command_for("allocate_key_worker"))]
SignServiceAgreement = Annotated[Command, Depends(command_for("sign_service_agreement"))]
RecordContact = Annotated[Command, Depends(command_for("record_contact"))]
CloseCase = Annotated[Command, Depends(command_for("close_case"))]
ReopenCase = Annotated[Command, Depends(command_for("reopen_case"))]
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
    outcome = keywork.override_eligibility(
        command, case_id, accepted=body.override == "accepted", reason=body.reason
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/key-worker", response_model=CaseAccepted)
def allocate_key_worker(
    case_id: UUID, body: KeyWorkerIn, command: AllocateKeyWorker, keywork: Service
) -> JSONResponse:
    outcome = keywork.allocate_key_worker(
        command.at(body.occurred_at),
        case_id,
        kind=body.kind,
        from_date=body.from_date,
        practitioner_id=body.practitioner_id,
        parent_carer_name=body.parent_carer_name,
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/service-agreement", response_model=CaseAccepted)
def sign_service_agreement(
    case_id: UUID,
    body: ServiceAgreementIn,
    command: SignServiceAgreement,
    keywork: Service,
) -> JSONResponse:
    outcome = keywork.sign_service_agreement(
        command.at(body.occurred_at),
        case_id,
        contact_every_days=body.contact_every_days,
        signed_by=body.signed_by,
        signed_on=body.signed_on,
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
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/closure", response_model=CaseAccepted)
def close_case(
    case_id: UUID, body: ClosureIn, command: CloseCase, keywork: Service
) -> JSONResponse:
    outcome = keywork.close_case(
        command.at(body.occurred_at),
        case_id,
        reason=body.reason,
        final_plan_version=body.final_plan_version,
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/reopen", response_model=CaseAccepted)
def reopen_case(
    case_id: UUID, body: ReopenIn, command: ReopenCase, keywork: Service
) -> JSONResponse:
    outcome = keywork.reopen_case(command.at(body.occurred_at), case_id, reason=body.reason)
    return accepted(outcome, "case_id")
