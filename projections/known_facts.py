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
class Facts:
    """What was known at one time about the cases in scope (an area, an age band, or all)."""

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
    # By the first day of the month each was sent; None when scoped by age band, which answers
    # (knowing no case) cannot be.
    answers: list[tuple[date, dict[str, int]]] | None


def known_facts(
    model: Metrics, known_at: datetime, area: str | None, age_band: str | None
) -> Facts:
    cases = {
        row["case_id"]: row
        for row in model.facts("cases", known_at)
        if area in (None, row["area"]) and age_band in (None, row["age_band"])
    }

    def by_case(rows: Iterable[DictRow], everyone: bool = False) -> dict[UUID, list[DictRow]]:
        grouped: dict[UUID, list[DictRow]] = defaultdict(list)
        for row in rows:
            if everyone or row["case_id"] in cases:
                grouped[row["case_id"]].append(row)
        return grouped

    periods = by_case(
        sorted(
            (row for row in model.facts("periods", known_at) if row["role"] == "key_worker"),
            key=lambda row: row["seq"],
        )
    )
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
        periods=periods,
        agreements=by_case(model.facts("agreements", known_at)),
        contacts=contacts,
        reviews=by_case(model.facts("reviews", known_at)),
        closures=by_case(model.facts("closures", known_at), everyone=True),
        plans=[row for row in model.facts("plans", known_at) if row["case_id"] in cases],
        copies=copies,
        functions=functions,
        outcomes=by_case(sorted(model.facts("outcome_scores", known_at), key=_measured_on)),
        trainings=_by_practitioner(model.facts("trainings", known_at)),
        supervised={
            worker: [row["held_on"] for row in rows]
            for worker, rows in _by_practitioner(model.facts("supervisions", known_at)).items()
        },
        invitations=[
            (row["sent_on"], row["copies"])
            for row in model.facts("feedback_invitations", known_at)
            if row["case_id"] in cases
        ],
        answers=None
        if age_band is not None
        else [
            (date.fromisoformat(f"{row['month']}-01"), row["answers"])
            for row in model.facts("feedback_answers", known_at)
            if area in (None, row["area"])
        ],
    )


def _by_practitioner(rows: list[DictRow]) -> dict[UUID, list[DictRow]]:
    grouped: dict[UUID, list[DictRow]] = defaultdict(list)
    for row in rows:
        grouped[row["practitioner_id"]].append(row)
    return grouped


def _measured_on(row: DictRow) -> date:
    return row["measured_on"]
