"""A metrics report: the figures of one period and scope, as JSON or as CSV."""

from dataclasses import asdict, dataclass
from datetime import datetime

from api.spreadsheet import csv_text
from domain.supervision import SUPERVISION_EVERY_DAYS
from projections.known_facts import EVERY_CASE, Scope, known_facts
from projections.metrics import Metrics
from projections.service_metrics import Period, service_metrics
from projections.suppression import Figure

CSV_COLUMNS = ("period", "first_day", "last_day", "area", "age_band", "key_worker_kind", "known_at")


@dataclass(frozen=True)
class Report:
    period: Period
    scope: Scope
    known_at: datetime
    figures: list[Figure]

    def csv(self) -> str:
        figure_columns = list(Figure.__dataclass_fields__)
        scope = [
            self.period.label,
            self.period.first.isoformat(),
            self.period.last.isoformat(),
            self.scope.area or "all",
            self.scope.age_band or "all",
            self.scope.key_worker_kind or "all",
            self.known_at.isoformat(),
        ]
        rows = (
            [*scope, *("" if values[c] is None else values[c] for c in figure_columns)]
            for values in map(asdict, self.figures)
        )
        return csv_text([*CSV_COLUMNS, *figure_columns], rows)


def report(
    model: Metrics,
    period: Period,
    known_at: datetime,
    scope: Scope = EVERY_CASE,
    supervision_every_days: int = SUPERVISION_EVERY_DAYS,
) -> Report:
    facts = known_facts(model, known_at, scope, period.first, period.last, supervision_every_days)
    figures = service_metrics(facts)
    return Report(period, scope, known_at, figures)
