"""Service metrics for commissioners: aggregates only, small numbers suppressed, reproducible."""

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.dependencies import Runner, Service
from api.metrics_report import report
from api.reads import caught_up, known_at_time, read_of
from api.schemas.common import Day, Moment
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


PERIOD_PATTERN = "^[1-9][0-9]{3}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


def reporting_period(
    text: str | None, first: date | None, last: date | None, today: date
) -> Period:
    """The period named, else `from` to `to`: either alone runs to its year's end or from its
    start, and neither is this year."""
    if text is not None:
        try:
            if not re.fullmatch(PERIOD_PATTERN, text):
                raise InvalidPeriod("a period is a year (2026), a quarter (2026-Q3) or a month")
            return period(text)
        except InvalidPeriod as error:
            raise InvalidValue("period", "year_quarter_or_month", str(error)) from None
    if first is None and last is None:
        return period(str(today.year))
    first = first or date((last or today).year, 1, 1)
    last = last or date(first.year, 12, 31)
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
    period: Annotated[
        str | None,
        Query(
            description="A year (2026), a quarter (2026-Q3) or a month (2026-07). Without it, "
            "`from` and `to`; with neither, this year.",
            json_schema_extra={"pattern": PERIOD_PATTERN},
        ),
    ] = None,
    first: Annotated[
        Day | None,
        Query(alias="from", description="The first day; alone, the period runs to its year's end."),
    ] = None,
    to: Annotated[
        Day | None,
        Query(description="The last day, not before `from`; alone, the period starts its year."),
    ] = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    age_band: AgeBand | None = None,
    key_worker_kind: KeyWorkerKind | None = None,
    known_at: Annotated[Moment | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The service metrics of a period (docs/metrics.md defines each), as the facts recorded
    by `known_at` (default: now) gave them. `Accept: text/csv` gives a CSV."""
    within = reporting_period(period, first, to, keywork.clock().date())
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
