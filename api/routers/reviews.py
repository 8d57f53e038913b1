"""Review meetings: scheduling, reports received before the meeting, and what it decided."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.command_context import accepted, command_for
from api.dependencies import Service
from api.reads import read_of
from api.schemas.cases import (
    ReasonIn,
    RescheduleIn,
    ReviewAccepted,
    ReviewIn,
    ReviewOutcomeIn,
    ReviewReportIn,
)
from api.schemas.common import CaseAccepted
from api.schemas.outcomes import (
    OutcomeJourneyOut,
    OutcomeMeasureOut,
    OutcomeScoresOut,
    OutcomesIn,
)
from domain.outcomes import distance_travelled
from services.commands import Command

router = APIRouter(tags=["reviews"])

ScheduleReview = Annotated[Command, Depends(command_for("schedule_review"))]
RecordReview = Annotated[Command, Depends(command_for("record_review"))]


@router.post("/cases/{case_id}/reviews", status_code=201, response_model=ReviewAccepted)
def schedule_review(
    case_id: UUID, body: ReviewIn, command: ScheduleReview, keywork: Service
) -> JSONResponse:
    review_id, outcome = keywork.schedule_review(
        command.at(body.occurred_at),
        case_id,
        at=body.at,
        location=body.location,
        requested_by=body.requested_by,
    )
    return accepted(outcome, "case_id", 201, review_id=str(review_id))


@router.post("/cases/{case_id}/reviews/{review_id}/reschedule", response_model=CaseAccepted)
def reschedule_review(
    case_id: UUID, review_id: UUID, body: RescheduleIn, command: RecordReview, keywork: Service
) -> JSONResponse:
    outcome = keywork.reschedule_review(
        command.at(body.occurred_at), case_id, review_id=review_id, at=body.at, reason=body.reason
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/reviews/{review_id}/cancellation", response_model=CaseAccepted)
def cancel_review(
    case_id: UUID, review_id: UUID, body: ReasonIn, command: RecordReview, keywork: Service
) -> JSONResponse:
    outcome = keywork.cancel_review(
        command.at(body.occurred_at), case_id, review_id=review_id, reason=body.reason
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/reviews/{review_id}/reports", response_model=CaseAccepted)
def receive_report(
    case_id: UUID, review_id: UUID, body: ReviewReportIn, command: RecordReview, keywork: Service
) -> JSONResponse:
    outcome = keywork.receive_review_report(
        command.at(body.occurred_at),
        case_id,
        review_id=review_id,
        from_practitioner_id=body.from_practitioner_id,
        title=body.title,
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/reviews/{review_id}/outcome", response_model=CaseAccepted)
def record_outcome(
    case_id: UUID, review_id: UUID, body: ReviewOutcomeIn, command: RecordReview, keywork: Service
) -> JSONResponse:
    outcome = keywork.record_review_outcome(
        command.at(body.occurred_at),
        case_id,
        review_id=review_id,
        **body.model_dump(exclude={"occurred_at"}),
    )
    return accepted(outcome, "case_id")


@router.post("/cases/{case_id}/reviews/{review_id}/outcome-scores", response_model=CaseAccepted)
def measure_outcomes(
    case_id: UUID, review_id: UUID, body: OutcomesIn, command: RecordReview, keywork: Service
) -> JSONResponse:
    outcome = keywork.measure_outcomes(
        command.at(body.occurred_at), case_id, review_id, body.scores
    )
    return accepted(outcome, "case_id")


@router.get(
    "/cases/{case_id}/outcomes",
    response_model=OutcomeJourneyOut,
    dependencies=[Depends(read_of("read_case", "case", "outcomes", "case_id"))],
)
def outcome_journey(case_id: UUID, keywork: Service) -> OutcomeJourneyOut:
    case = keywork.case(case_id)
    measure = keywork.areas.settings_for(case.area).outcome_measure
    return OutcomeJourneyOut(
        case_id=case.id,
        measure=OutcomeMeasureOut(
            areas=list(measure.areas), lowest=measure.lowest, highest=measure.highest
        ),
        measurements=[
            OutcomeScoresOut(review_id=m.review_id, measured_on=m.measured_on, scores=m.scores)
            for m in case.outcomes
        ],
        distance_travelled=distance_travelled(case.outcomes),
    )
