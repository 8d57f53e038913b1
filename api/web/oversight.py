"""Pages for oversight: a manager's team caseloads and the accountability trail, and the
commissioners' metrics dashboard. Each mirrors an API read, through the same policy and log."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.dependencies import Runner, Service
from api.metrics_report import Report, report
from api.problems import problem_of
from api.reads import known_at_time, read_of
from api.routers.metrics import reporting_period
from api.spreadsheet import csv_text
from api.web.forms import error_at
from api.web.headers import download
from api.web.pages import AsAt, FormDate, by_urgency, child_names, render
from api.web.session import PAGES, page_principal
from api.web.story import error_messages
from domain.aggregate import require_choice
from domain.errors import InvalidValue
from domain.key_workers import KeyWorkerKind
from projections.caseloads import EVERYTHING_RECORDED, team_caseload, team_workforce
from projections.key_working import KeyWorking
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.suppression import Figure
from projections.trail import Actions, TrailEntry, Views, trail
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)

TRAIL_ROWS = 500
BAR_WIDTH = 240  # pixels, for the largest figure of a metric
TEAM_READ = read_of("read_team_caseloads", "team", "team caseloads page", "team_id", page_principal)
TRAIL_READ = read_of("read_trail", "trail", "trail page", "actor", page_principal)
METRICS_READ = read_of("read_metrics", "metrics", "metrics dashboard", "area", page_principal)
KINDS = [(kind, kind.replace("_", " ").capitalize()) for kind in get_args(KeyWorkerKind)]


@router.get("/teams/{team_id}")
def team_page(
    request: Request,
    team_id: str,
    caller: Annotated[Principal, Depends(TEAM_READ)],
    keywork: Service,
    runner: Runner,
    as_at: AsAt = None,
) -> HTMLResponse:
    day = as_at or keywork.clock().date()
    model = runner.get(KeyWorking)
    every = keywork.areas.for_team(team_id).supervision_every_days
    workers = team_caseload(model, team_id, day, EVERYTHING_RECORDED)
    for worker in workers:
        worker.cases.sort(key=by_urgency)
    # Workers with an overdue contact or review first.
    workers.sort(
        key=lambda w: (not any(c.contact_overdue or c.review_overdue for c in w.cases), w.name)
    )
    names = child_names(caller, keywork, [case for worker in workers for case in worker.cases])
    return render(
        request,
        "team.html",
        caller=caller,
        team_id=team_id,
        workers=workers,
        names=names,
        workforce=team_workforce(model, workers, day, EVERYTHING_RECORDED, every),
        supervision_every_days=every,
        worker_names={worker.practitioner_id: worker.name for worker in workers},
        as_at=day,
    )


@dataclass(frozen=True)
class TrailFilter:
    actor: str | None
    first: date | None
    last: date | None
    action: str | None

    def entries(self, runner: Runner) -> list[TrailEntry]:
        found = trail(
            runner.get(Actions),
            runner.get(Views),
            actor=self.actor,
            since=datetime.combine(self.first, time.min, UTC) if self.first else None,
            until=datetime.combine(self.last + timedelta(days=1), time.min, UTC)
            if self.last
            else None,
            limit=TRAIL_ROWS,
        )
        wanted = (self.action or "").lower()
        return [entry for entry in found if wanted in entry.action.lower()]


def trail_filter(
    actor: Annotated[str | None, Query(max_length=200)] = None,
    first: Annotated[FormDate, Query(alias="from")] = None,
    last: Annotated[FormDate, Query(alias="to")] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
) -> TrailFilter:
    return TrailFilter(actor or None, first, last, action or None)


Filter = Annotated[TrailFilter, Depends(trail_filter)]


@router.get("/trail")
def trail_page(
    request: Request,
    caller: Annotated[Principal, Depends(TRAIL_READ)],
    runner: Runner,
    chosen: Filter,
) -> HTMLResponse:
    return render(
        request,
        "trail.html",
        caller=caller,
        chosen=chosen,
        entries=chosen.entries(runner),
        limit=TRAIL_ROWS,
        query=request.url.query,
    )


@router.get("/trail.csv", dependencies=[Depends(TRAIL_READ)])
def trail_csv(runner: Runner, chosen: Filter) -> Response:
    rows = (
        [e.at.isoformat(), e.recorded_at.isoformat(), e.actor, e.subject_id, e.action, e.reason]
        for e in chosen.entries(runner)
    )
    header = ["at", "recorded_at", "actor", "subject_id", "action", "reason"]
    return csv_download(csv_text(header, rows), "trail.csv")


def csv_download(text: str, name: str) -> Response:
    return download(text, "text/csv; charset=utf-8", name)


@dataclass(frozen=True)
class MetricsChoice:
    """What the dashboard's form asks: the period (default: this year), the day it is known
    on (default: now) and a kind of key worker (default: every case)."""

    period: str | None
    known_at: date | None
    key_worker_kind: str | None

    def report(self, keywork: Keywork, model: Metrics) -> Report:
        """Across the areas: supervision judged by the service's own interval."""
        now = keywork.clock()
        within = reporting_period(self.period or None, None, None, now.date())
        if self.key_worker_kind is not None:
            require_choice("key_worker_kind", self.key_worker_kind, KeyWorkerKind)
        scope = Scope(key_worker_kind=self.key_worker_kind)
        every = keywork.areas.defaults.supervision_every_days
        return report(model, within, known_at_time(self.known_at) or now, scope, every)


def metrics_choice(
    period: Annotated[str | None, Query(max_length=20)] = None,
    known_at: Annotated[FormDate, Query()] = None,
    key_worker_kind: Annotated[str | None, Query(max_length=20)] = None,
) -> MetricsChoice:
    return MetricsChoice(period or None, known_at, key_worker_kind or None)


Choice = Annotated[MetricsChoice, Depends(metrics_choice)]


@dataclass(frozen=True)
class Bar:
    figure: Figure
    width: int


def charted(figures: list[Figure]) -> dict[str, list[Bar]]:
    """The figures by metric, each with a bar scaled to its metric's largest figure."""
    by_metric: dict[str, list[Figure]] = {}
    for figure in figures:
        by_metric.setdefault(figure.metric, []).append(figure)
    charts = {}
    for metric, found in by_metric.items():
        # A change (distance travelled) can be negative: bars are scaled by size.
        top = max((abs(f.value) for f in found if f.value is not None), default=0.0) or 1.0
        charts[metric] = [
            Bar(f, round(BAR_WIDTH * abs(f.value) / top) if f.value is not None else 0)
            for f in found
        ]
    return charts


@router.get("/metrics")
def metrics_page(
    request: Request,
    caller: Annotated[Principal, Depends(METRICS_READ)],
    keywork: Service,
    runner: Runner,
    choice: Choice,
) -> HTMLResponse:
    shown: dict[str, Any] = {
        "caller": caller,
        "choice": choice,
        "kinds": KINDS,
        "query": request.url.query,
    }
    try:
        found = choice.report(keywork, runner.get(Metrics))
    except InvalidValue as error:
        problem = problem_of(request, error)
        errors = error_messages(problem)
        return render(
            request,
            "metrics.html",
            status=problem["status"],
            errors=errors,
            err=error_at(errors),
            **shown,
        )
    return render(
        request,
        "metrics.html",
        found=found,
        charts=charted(found.figures),
        bar_width=BAR_WIDTH,
        err={},
        **shown,
    )


@router.get("/metrics.csv", dependencies=[Depends(METRICS_READ)])
def metrics_csv(keywork: Service, runner: Runner, choice: Choice) -> Response:
    found = choice.report(keywork, runner.get(Metrics))
    return csv_download(found.csv(), f"metrics-{found.period.label}.csv")
