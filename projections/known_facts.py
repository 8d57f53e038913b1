"""What the metrics read model knew at one time about the cases in scope, grouped for the figures
of `service_metrics.py`."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from psycopg.rows import DictRow

from projections.metrics import Metrics


@dataclass(frozen=True)
class Scope:
    """The cases a report counts (docs/metrics.md, "Scope"); None counts every one."""

    area: str | None = None
    age_band: str | None = None
    # The kind of the case's last key worker to start by the period's last day.
    key_worker_kind: str | None = None


EVERY_CASE = Scope()


@dataclass(frozen=True)
class Facts:
    """What was known at one time about the cases in scope (an area, an age band, a kind of key
    worker, or all)."""

    cases: dict[UUID, DictRow]
    approaches: dict[UUID, list[DictRow]]  # key workers asked before one was in place
    periods: dict[UUID, list[DictRow]]  # key worker periods, in order
    agreements: dict[UUID, list[DictRow]]
    contacts: dict[UUID, list[date]]
    reviews: dict[UUID, list[DictRow]]
    closures: dict[UUID, list[DictRow]]  # of every case: re-referrals look across areas
    plans: list[DictRow]
    copies: dict[tuple[UUID, int], list[DictRow]]
    functions: list[tuple[date, str]]  # each function a contact served, on the day it occurred
    outcomes: dict[UUID, list[DictRow]]  # each case's scores, oldest first
    trainings: dict[UUID, list[DictRow]]  # by practitioner
    supervised: dict[UUID, list[date]]  # the days each practitioner was supervised
    invitations: list[tuple[date, int]]  # questionnaires sent from cases in scope: day, copies
    # By the first day of the month each was sent; None when scoped by age band or kind of key
    # worker, which answers (knowing no case) cannot be.
    answers: list[tuple[date, dict[str, int]]] | None
    # The key worker roles the practitioners' figures count: those of the kind in scope.
    key_worker_kind: str | None


def known_facts(model: Metrics, known_at: datetime, scope: Scope, period_end: date) -> Facts:
    every_period = _grouped(
        sorted(
            (row for row in model.facts("periods", known_at) if row["role"] == "key_worker"),
            key=lambda row: row["seq"],
        ),
        "case_id",
    )
    cases = {
        row["case_id"]: row
        for row in model.facts("cases", known_at)
        if scope.area in (None, row["area"])
        and scope.age_band in (None, row["age_band"])
        and scope.key_worker_kind
        in (None, _kind_on(every_period.get(row["case_id"], []), period_end))
    }

    def by_case(rows: Iterable[DictRow], everyone: bool = False) -> dict[UUID, list[DictRow]]:
        grouped: dict[UUID, list[DictRow]] = defaultdict(list)
        for row in rows:
            if everyone or row["case_id"] in cases:
                grouped[row["case_id"]].append(row)
        return grouped

    contact_rows = by_case(model.facts("contacts", known_at))
    contacts = {
        case_id: sorted(row["occurred_at"].date() for row in rows)
        for case_id, rows in contact_rows.items()
    }
    occurred = {
        row["event_id"]: row["occurred_at"].date() for rows in contact_rows.values() for row in rows
    }
    functions = [
        (occurred[row["event_id"]], row["function"])
        for row in model.facts("contact_functions", known_at)
        if row["event_id"] in occurred
    ]
    copies: dict[tuple[UUID, int], list[DictRow]] = defaultdict(list)
    for row in model.facts("plan_copies", known_at):
        copies[row["case_id"], row["plan_version"]].append(row)
    return Facts(
        cases=cases,
        approaches=by_case(model.facts("approaches", known_at)),
        periods={case_id: every_period[case_id] for case_id in cases if case_id in every_period},
        agreements=by_case(model.facts("agreements", known_at)),
        contacts=contacts,
        reviews=by_case(model.facts("reviews", known_at)),
        closures=by_case(model.facts("closures", known_at), everyone=True),
        plans=[row for row in model.facts("plans", known_at) if row["case_id"] in cases],
        copies=copies,
        functions=functions,
        outcomes=by_case(sorted(model.facts("outcome_scores", known_at), key=_measured_on)),
        trainings=_grouped(model.facts("trainings", known_at), "practitioner_id"),
        supervised={
            worker: [row["held_on"] for row in rows]
            for worker, rows in _grouped(
                model.facts("supervisions", known_at), "practitioner_id"
            ).items()
        },
        invitations=[
            (row["sent_on"], row["copies"])
            for row in model.facts("feedback_invitations", known_at)
            if row["case_id"] in cases
        ],
        answers=None
        if scope.age_band is not None or scope.key_worker_kind is not None
        else [
            (date.fromisoformat(f"{row['month']}-01"), row["answers"])
            for row in model.facts("feedback_answers", known_at)
            if scope.area in (None, row["area"])
        ],
        key_worker_kind=scope.key_worker_kind,
    )


def _kind_on(periods: list[DictRow], day: date) -> str | None:
    """The kind of the last of a case's key workers (`periods`, in order) to start by `day`: the
    incoming one during an overlap, the last before a closure; None before the first."""
    started = [period["kind"] for period in periods if period["from_date"] <= day]
    return started[-1] if started else None


def _grouped(rows: Iterable[DictRow], column: str) -> dict[UUID, list[DictRow]]:
    grouped: dict[UUID, list[DictRow]] = defaultdict(list)
    for row in rows:
        grouped[row[column]].append(row)
    return grouped


def _measured_on(row: DictRow) -> date:
    return row["measured_on"]
