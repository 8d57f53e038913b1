"""Reads of one case: its summary and its timeline, straight from its events."""

from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from fastapi.encoders import jsonable_encoder

from api.auth import Principal
from api.dependencies import Service
from api.pages import CURSOR, decode_cursor, encode_cursor
from api.reads import read_of
from api.schemas.cases import (
    CaseOut,
    ChildOut,
    CoverOut,
    FamilyMemberOut,
    KeyWorkerOut,
    PlanOut,
    TacMemberOut,
    TimelineEntry,
    TimelineOut,
    TransferOut,
)
from api.schemas.start import ApproachOut
from api.schemas.transition import TransitionPlanOut
from consumers.publication import published_data
from domain.aggregate import KeyworkAggregate
from domain.case import Case
from domain.key_workers import KeyWorker
from domain.stamp import event_id
from services.keywork import Keywork

router = APIRouter(tags=["cases"])

# Fields every event has, shown apart from its details.
ENVELOPE = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "stamp",
    "reason",
}


@router.get(
    "/cases/{case_id}",
    response_model=CaseOut,
    dependencies=[Depends(read_of("read_case", "case", "summary", "case_id"))],
)
def case_summary(case_id: UUID, keywork: Service, response: Response) -> CaseOut:
    case = keywork.case(case_id)
    response.headers["ETag"] = f'"{case.version}"'
    today = keywork.clock().date()
    cover = case.cover_on(today)
    plan = case.transition_plan
    return CaseOut(
        case_id=case.id,
        version=case.version,
        status=case.status,
        area=case.area,
        team=case.team_on(today),
        route=case.route,
        referred_at=case.referred_at,
        previous_case_id=case.previous_case_id,
        consent_to_share=case.consent_to_share,
        consent_overridden=case.consent_overridden,
        erased=case.erased,
        child=ChildOut.model_validate(case.child, from_attributes=True),
        family=[FamilyMemberOut.model_validate(m, from_attributes=True) for m in case.family],
        needs=case.needs,
        eligible=case.eligible,
        family_met_on=case.family_met_on,
        approaches=[ApproachOut(**asdict(approach)) for approach in case.approaches],
        key_workers=[_key_worker(keywork, case, worker) for worker in case.key_workers_on(today)],
        cover=CoverOut(**asdict(cover)) if cover else None,
        team_around_the_child=[TacMemberOut(**asdict(member)) for member in case.tac.values()],
        contact_every_days=case.contact_every_days,
        expected_duration_months=case.expected_duration_months,
        exit_plan=case.exit_plan,
        last_contact_at=case.last_contact_at,
        next_contact_due=case.next_contact_due(),
        contact_overdue=case.is_contact_overdue(today),
        review_overdue=case.is_review_overdue(today),
        next_review=case.next_review(),
        plans=[
            PlanOut(
                plan_version=version,
                status=plan.status,
                signed_by=plan.signed_by,
                signed_on=plan.signed_on,
                signed_by_young_person=plan.signed_by_young_person,
            )
            for version, plan in case.plans.items()
        ],
        transfer=TransferOut(**asdict(case.transfer)) if case.transfer else None,
        transition_plan=TransitionPlanOut(**asdict(plan)) if plan else None,
        closure_reason=case.closure_reason,
        closed_on=case.closed_on,
        closure_audit_overdue=case.is_closure_audit_overdue(today),
    )


@router.get(
    "/cases/{case_id}/timeline",
    response_model=TimelineOut,
)
def timeline(
    case_id: UUID,
    keywork: Service,
    caller: Annotated[
        Principal, Depends(read_of("read_case_events", "case", "timeline", "case_id"))
    ],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(json_schema_extra=CURSOR)] = None,
) -> TimelineOut:
    """The case's events; a downstream system sees only the types it is granted, and only the
    fields that are published."""
    start = decode_cursor(cursor)
    events = keywork.timeline(case_id)
    if caller.role == "downstream":
        granted = [event for event in events if type(event).__name__ in caller.grants]
        page = [published_entry(case_id, event) for event in granted[start : start + limit]]
        events = granted
    else:
        page = timeline_entries(case_id, events)[start : start + limit]
    more = start + limit < len(events)
    return TimelineOut(
        case_id=case_id, events=page, next_cursor=encode_cursor(start + limit) if more else None
    )


def _key_worker(keywork: Keywork, case: Case, worker: KeyWorker) -> KeyWorkerOut:
    name, email, phone = worker.parent_carer_name, None, None
    if worker.practitioner_id is not None:
        practitioner = keywork.practitioner(worker.practitioner_id)
        name, email, phone = practitioner.name, practitioner.email, practitioner.phone
    elif worker.kind == "young_person":
        own = case.young_person_contact()
        name = case.child.full_name
        email, phone = (own.email, own.phone) if own else (None, None)
    return KeyWorkerOut(
        kind=worker.kind,
        from_date=worker.from_date,
        until=worker.until,
        practitioner_id=worker.practitioner_id,
        parent_carer_name=worker.parent_carer_name,
        name=name,
        email=email,
        phone=phone,
    )


def timeline_entries(
    case_id: UUID, events: Sequence[KeyworkAggregate.Event]
) -> list[TimelineEntry]:
    # A correction names the event it supersedes: link each corrected event to its correction.
    corrected_by = {
        vars(event)["corrects_event_id"]: event_id(case_id, event.originator_version)
        for event in events
        if "corrects_event_id" in vars(event)
    }
    return [_entry(case_id, event, corrected_by) for event in events]


def published_entry(case_id: UUID, event: KeyworkAggregate.Event) -> TimelineEntry:
    return TimelineEntry(
        event_id=event_id(case_id, event.originator_version),
        version=event.originator_version,
        type=type(event).__name__,
        actor=event.stamp.actor,
        occurred_at=event.stamp.occurred_at,
        recorded_at=event.stamp.recorded_at,
        reason=None,
        corrected_by=None,
        details=published_data(event),
    )


def _entry(
    case_id: UUID, event: KeyworkAggregate.Event, corrected_by: dict[UUID, UUID]
) -> TimelineEntry:
    fields: dict[str, Any] = vars(event)
    details = {name: value for name, value in fields.items() if name not in ENVELOPE}
    this_event = event_id(case_id, event.originator_version)
    return TimelineEntry(
        event_id=this_event,
        version=event.originator_version,
        type=type(event).__name__,
        actor=event.stamp.actor,
        occurred_at=event.stamp.occurred_at,
        recorded_at=event.stamp.recorded_at,
        reason=fields.get("reason"),
        corrected_by=corrected_by.get(this_event),
        details=jsonable_encoder(details),
    )
