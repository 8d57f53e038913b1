"""Service metrics for commissioners: aggregates only, small numbers suppressed, reproducible."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel

from api.dependencies import Runner, Service
from api.metrics_report import report
from api.reads import caught_up, known_at_time, read_of
from domain.age_bands import AgeBand
from domain.errors import InvalidValue
from domain.key_workers import KeyWorkerKind
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.service_metrics import InvalidPeriod, Period, period
from projections.suppression import Figure

router = APIRouter(tags=["metrics"])

CSV = "text/csv"


class PeriodOut(BaseModel):
    label: str
    first: date
    last: date


class MetricsOut(BaseModel):
    period: PeriodOut
    area: str | None
    age_band: str | None
    key_worker_kind: str | None
    known_at: datetime
    figures: list[Figure]


def reporting_period(text: str | None, first: date | None, last: date | None) -> Period:
    if text is not None:
        try:
            return period(text)
        except InvalidPeriod as error:
            raise InvalidValue("period", "year_quarter_or_month", str(error)) from None
    if first is None or last is None:
        raise InvalidValue("period", "period_or_from_and_to", "give a period, or from and to")
    if last < first:
        raise InvalidValue("to", "not_before_from", "to must not be before from")
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


@router.get(
    "/metrics",
    response_model=MetricsOut,
    responses={200: {"content": {CSV: {}}}},
    dependencies=[Depends(read_of("read_metrics", "metrics", "service metrics", "area"))],
)
def metrics(
    keywork: Service,
    runner: Runner,
    period: Annotated[str | None, Query(description="2026, 2026-Q3 or 2026-07")] = None,
    first: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    age_band: AgeBand | None = None,
    key_worker_kind: KeyWorkerKind | None = None,
    known_at: Annotated[date | AwareDatetime | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The service metrics of a period (docs/metrics.md defines each), as the facts recorded
    by `known_at` (default: now) gave them. `Accept: text/csv` gives a CSV."""
    within = reporting_period(period, first, to)
    model = runner.get(Metrics)
    caught_up(runner, model, min_position)
    recorded_by = known_at_time(known_at) or keywork.clock()
    every = keywork.areas.reported(area).supervision_every_days
    found = report(model, within, recorded_by, Scope(area, age_band, key_worker_kind), every)
    if accept is not None and CSV in accept:
        return Response(found.csv(), media_type=f"{CSV}; charset=utf-8")
    body = MetricsOut(
        period=PeriodOut(label=within.label, first=within.first, last=within.last),
        area=area,
        age_band=age_band,
        key_worker_kind=key_worker_kind,
        known_at=recorded_by,
        figures=found.figures,
    )
    return JSONResponse(body.model_dump(mode="json"))
