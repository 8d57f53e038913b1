"""What the metrics read model knew at one time about the cases in scope, tallied for the figures
of `service_metrics.py` by PostgreSQL (`metrics_sql.py`)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.closure import AUDIT_DUE_DAYS, RETURN_WINDOW_DAYS
from projections.metrics import Metrics
from projections.metrics_sql import statement


@dataclass(frozen=True)
class Scope:
    """The cases a report counts (docs/metrics.md, "Scope"); None counts every one."""

    area: str | None = None
    age_band: str | None = None
    # The kind of the case's last key worker to start by the period's last day.
    key_worker_kind: str | None = None


EVERY_CASE = Scope()

Tally = tuple[int, int]  # a sum (or count) and how many it is over


@dataclass(frozen=True)
class Facts:
    """A period's tallies of what was known at one time about the cases in scope (an area, an
    age band, a kind of key worker, or all). Each count by group holds no zero."""

    referrals: dict[str, int]  # by route
    days_to_key_worker: list[int]  # a case's, for each first key worker started in the period
    approaches: dict[str, int]  # by answer
    open_cases: int  # on the period's last day
    open_with_key_worker: int
    contacts_judged: int
    contacts_on_time: int
    reviews_judged: int
    reviews_on_time: int
    plans_signed: int
    # For each plan signed in the period and fully distributed: seconds to its last copy.
    seconds_to_distributed: list[float]
    key_worker_changes: int
    key_worker_overlaps: int
    closures: dict[str, int]  # by reason
    closures_audited_on_time: int
    caseloads: dict[str, int | None]  # workers, cases, most: of the period's last day
    returns: dict[str, int]  # re_referral, reopening
    functions: dict[str, int]  # the key working functions contacts served
    distance_by_area: dict[str, Tally]  # each area's sum of changes, over so many cases
    distance_per_case: tuple[float | None, int]  # the mean of cases' mean changes, over so many
    trained: dict[str, int]  # key workers of the caseloads current in each course
    supervised: int  # key workers of the caseloads supervised in the interval
    questionnaires_sent: int
    # How many answers, and per question its sum and how many answered it; None when scoped by
    # age band or kind of key worker, which answers (knowing no case) cannot be.
    answers: tuple[int, dict[str, Tally]] | None


def known_facts(
    model: Metrics,
    known_at: datetime,
    scope: Scope,
    first: date,
    last: date,
    supervision_every_days: int,
) -> Facts:
    answers_counted = scope.age_band is None and scope.key_worker_kind is None
    query = statement(
        area=scope.area is not None,
        age_band=scope.age_band is not None,
        kind=scope.key_worker_kind is not None,
        answers=answers_counted,
    )
    parameters = {
        "known_at": known_at,
        "first": first,
        "last": last,
        "every": supervision_every_days,
        "audit_days": AUDIT_DUE_DAYS,
        "return_days": RETURN_WINDOW_DAYS,
        "area": scope.area,
        "age_band": scope.age_band,
        "kind": scope.key_worker_kind,
    }
    with model.datastore.transaction(commit=False) as cursor:
        cursor.execute(model.sql(query), parameters)
        row: dict[str, Any] | None = cursor.fetchone()
    assert row is not None
    open_cases, with_key_worker = row["open_cases"]
    contacts_judged, contacts_on_time = row["contacts_on_time"]
    reviews_judged, reviews_on_time = row["reviews_on_time"]
    plans_signed, seconds = row["plans"]
    changes, overlaps = row["key_worker_changes"]
    workers, cases, most = row["caseloads"]
    re_referrals, reopenings = row["returns"]
    by_area, (mean_per_case, cases_measured) = row["distance_travelled"]
    closures = row["closures"]
    answers = row["answers"] if answers_counted else None
    return Facts(
        referrals=row["referrals"],
        days_to_key_worker=row["days_to_key_worker"],
        approaches=row["approaches"],
        open_cases=open_cases,
        open_with_key_worker=with_key_worker,
        contacts_judged=contacts_judged,
        contacts_on_time=contacts_on_time,
        reviews_judged=reviews_judged,
        reviews_on_time=reviews_on_time,
        plans_signed=plans_signed,
        seconds_to_distributed=[float(s) for s in seconds],
        key_worker_changes=changes,
        key_worker_overlaps=overlaps,
        closures={reason: n for reason, (n, _) in closures.items()},
        closures_audited_on_time=sum(audited for _, audited in closures.values()),
        caseloads={"workers": workers, "cases": cases, "most": most},
        returns={
            kind: n
            for kind, n in (("re_referral", re_referrals), ("reopening", reopenings))
            if n > 0
        },
        functions=row["functions"],
        distance_by_area={area: (total, n) for area, (total, n) in by_area.items()},
        distance_per_case=(
            None if mean_per_case is None else float(mean_per_case),
            cases_measured,
        ),
        trained=row["trained"],
        supervised=row["supervised"],
        questionnaires_sent=int(row["questionnaires_sent"]),
        answers=None
        if answers is None
        else (answers[0], {question: (total, n) for question, (total, n) in answers[1].items()}),
    )
