"""Reads of one case: its summary and its timeline, straight from its events."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from fastapi.encoders import jsonable_encoder

from api.dependencies import Service
from api.policy import allowed
from api.schemas.cases import (
    CaseOut,
    ChildIn,
    FamilyMemberIn,
    KeyWorkerOut,
    TimelineEntry,
    TimelineOut,
)
from domain.case import Case
from domain.stamp import event_id
from services.keywork import Keywork

router = APIRouter(tags=["cases"], dependencies=[Depends(allowed("read_case"))])

# Fields every event has, shown apart from its details.
ENVELOPE = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "stamp",
    "reason",
}


@router.get("/cases/{case_id}", response_model=CaseOut)
def case_summary(case_id: UUID, keywork: Service, response: Response) -> CaseOut:
    case = keywork.case(case_id)
    response.headers["ETag"] = f'"{case.version}"'
    today = keywork.clock().date()
    return CaseOut(
        case_id=case.id,
        version=case.version,
        status=case.status,
        area=case.area,
        route=case.route,
        referred_at=case.referred_at,
        consent_to_share=case.consent_to_share,
        child=ChildIn.model_validate(case.child, from_attributes=True),
        family=[FamilyMemberIn.model_validate(m, from_attributes=True) for m in case.family],
        needs=case.needs,
        eligible=case.eligible,
        key_worker=_key_worker(keywork, case),
        contact_every_days=case.contact_every_days,
        last_contact_at=case.last_contact_at,
        next_contact_due=case.next_contact_due(),
        contact_overdue=case.is_contact_overdue(today),
        closure_reason=case.closure_reason,
    )


@router.get("/cases/{case_id}/timeline", response_model=TimelineOut)
def timeline(case_id: UUID, keywork: Service) -> TimelineOut:
    entries = [_entry(case_id, event) for event in keywork.timeline(case_id)]
    return TimelineOut(case_id=case_id, events=entries)


def _key_worker(keywork: Keywork, case: Case) -> KeyWorkerOut | None:
    worker = case.key_worker
    if worker is None:
        return None
    name, email, phone = worker.parent_carer_name, None, None
    if worker.practitioner_id is not None:
        practitioner = keywork.practitioner(worker.practitioner_id)
        name, email, phone = practitioner.name, practitioner.email, practitioner.phone
    return KeyWorkerOut(
        kind=worker.kind,
        from_date=worker.from_date,
        practitioner_id=worker.practitioner_id,
        parent_carer_name=worker.parent_carer_name,
        name=name,
        email=email,
        phone=phone,
    )


def _entry(case_id: UUID, event: Case.Event) -> TimelineEntry:
    fields: dict[str, Any] = vars(event)
    details = {name: value for name, value in fields.items() if name not in ENVELOPE}
    return TimelineEntry(
        event_id=event_id(case_id, event.originator_version),
        version=event.originator_version,
        type=type(event).__name__,
        actor=event.stamp.actor,
        occurred_at=event.stamp.occurred_at,
        recorded_at=event.stamp.recorded_at,
        reason=fields.get("reason"),
        details=jsonable_encoder(details),
    )
