"""Questions the key working read model answers, as at a date and as known at a time.

`as_at` is a day, judged by when things occurred; `known_at` keeps only what had been recorded by
then. Defaults: today, and everything recorded.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain.schedule import is_overdue, next_contact_due
from domain.supervision import next_due
from projections import history
from projections.key_working import KeyWorking

EVERYTHING_RECORDED = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class KeyWorkerOnDay:
    role: str  # key_worker or cover
    kind: str | None
    practitioner_id: UUID | None
    parent_carer_name: str | None
    name: str | None
    email: str | None
    phone: str | None
    from_date: date
    until: date | None


@dataclass(frozen=True)
class CaseloadEntry:
    case_id: UUID
    role: str  # key_worker, or cover for someone else's case
    kind: str | None  # a key worker's: designated, non_designated, ...
    from_date: date
    until: date | None
    contact_every_days: int | None
    last_contact_at: datetime | None
    next_contact_due: date | None
    contact_overdue: bool
    next_review_on: date | None
    review_overdue: bool
    cover_in_place: bool


@dataclass(frozen=True)
class WorkerCaseload:
    practitioner_id: UUID
    name: str
    cases: list[CaseloadEntry]


def who_is_key_worker(
    model: KeyWorking, case_id: UUID, as_at: date, known_at: datetime = EVERYTHING_RECORDED
) -> list[KeyWorkerOnDay]:
    statement = model.sql(
        "SELECT w.role, w.kind, w.practitioner_id, w.parent_carer_name, w.from_date, w.until, "
        "coalesce(p.name, w.parent_carer_name) AS name, p.email, p.phone "
        "FROM {schema}.{p}periods w LEFT JOIN {schema}.{p}practitioners p "
        "ON p.practitioner_id = w.practitioner_id "
        "WHERE w.case_id = %(case_id)s AND w.from_date <= %(as_at)s "
        "AND (w.until IS NULL OR w.until >= %(as_at)s) AND "
        + history.known_at("w")
        + " ORDER BY w.role DESC, w.seq"
    )
    rows = _fetch(model, statement, case_id=case_id, as_at=as_at, known_at=known_at)
    return [KeyWorkerOnDay(**row) for row in rows]


def caseload(
    model: KeyWorking,
    practitioner_id: UUID,
    as_at: date,
    known_at: datetime = EVERYTHING_RECORDED,
) -> list[CaseloadEntry]:
    held = _fetch(
        model,
        model.sql(
            "SELECT case_id, role, kind, from_date, until FROM {schema}.{p}periods "
            "WHERE practitioner_id = %(practitioner)s AND from_date <= %(as_at)s "
            "AND (until IS NULL OR until >= %(as_at)s) "
            "AND (closed_on IS NULL OR closed_on > %(as_at)s) AND "
            + history.known_at()
            + " ORDER BY from_date, case_id"
        ),
        practitioner=practitioner_id,
        as_at=as_at,
        known_at=known_at,
    )
    facts = _case_facts(model, [row["case_id"] for row in held], as_at, known_at)
    return [_entry(row, facts[row["case_id"]], as_at) for row in held]


def team_caseload(
    model: KeyWorking, team_id: str, as_at: date, known_at: datetime = EVERYTHING_RECORDED
) -> list[WorkerCaseload]:
    workers = _fetch(
        model,
        model.sql(
            "SELECT practitioner_id, name FROM {schema}.{p}practitioners "
            "WHERE team_id = %(team)s ORDER BY name, practitioner_id"
        ),
        team=team_id,
    )
    return [
        WorkerCaseload(
            w["practitioner_id"], w["name"], caseload(model, w["practitioner_id"], as_at, known_at)
        )
        for w in workers
    ]


@dataclass(frozen=True)
class SupervisionDue:
    practitioner_id: UUID
    last_held_on: date | None
    due_on: date  # the interval after the last session, or after the worker started
    overdue: bool


@dataclass(frozen=True)
class TeamWorkforce:
    # Non-designated key workers holding the role without a current key working induction.
    without_induction: list[UUID]
    supervision: list[SupervisionDue]  # each worker's, soonest due first


def team_workforce(
    model: KeyWorking,
    workers: list[WorkerCaseload],
    as_at: date,
    known_at: datetime,
    supervision_every_days: int,
) -> TeamWorkforce:
    """The team's training and supervision as at a day, as known at a time."""
    params = {
        "workers": [worker.practitioner_id for worker in workers],
        "as_at": as_at,
        "known_at": known_at,
    }
    inducted = {
        row["practitioner_id"]
        for row in _fetch(
            model,
            model.sql(
                "SELECT DISTINCT practitioner_id FROM {schema}.{p}trainings "
                "WHERE practitioner_id = ANY(%(workers)s) AND course = 'key_working_induction' "
                "AND completed_on <= %(as_at)s AND (expires_on IS NULL OR expires_on >= %(as_at)s) "
                "AND " + history.known_at()
            ),
            **params,
        )
    }
    last_held = {
        row["practitioner_id"]: row["last"]
        for row in _fetch(
            model,
            model.sql(
                "SELECT practitioner_id, max(held_on) AS last FROM {schema}.{p}supervisions "
                "WHERE practitioner_id = ANY(%(workers)s) AND held_on <= %(as_at)s AND "
                + history.known_at()
                + " GROUP BY practitioner_id"
            ),
            **params,
        )
    }
    started = {
        row["practitioner_id"]: row["registered_on"]
        for row in _fetch(
            model,
            model.sql(
                "SELECT practitioner_id, registered_on FROM {schema}.{p}practitioners "
                "WHERE practitioner_id = ANY(%(workers)s)"
            ),
            **params,
        )
    }
    due = []
    for worker in workers:
        last = last_held.get(worker.practitioner_id)
        # Practitioners kept before start days were (until a rebuild): counted from `as_at`.
        since = started.get(worker.practitioner_id) or as_at
        on = next_due(last, since, supervision_every_days)
        due.append(SupervisionDue(worker.practitioner_id, last, on, on < as_at))
    return TeamWorkforce(
        without_induction=[
            worker.practitioner_id
            for worker in workers
            if worker.practitioner_id not in inducted
            and any(c.role == "key_worker" and c.kind == "non_designated" for c in worker.cases)
        ],
        supervision=sorted(due, key=lambda s: (s.due_on, str(s.practitioner_id))),
    )


def _case_facts(
    model: KeyWorking, case_ids: list[UUID], as_at: date, known_at: datetime
) -> dict[UUID, dict[str, Any]]:
    facts: dict[UUID, dict[str, Any]] = defaultdict(dict)
    if not case_ids:
        return facts
    params = {
        "cases": case_ids,
        "as_at": as_at,
        "known_at": known_at,
        "day_end": datetime.combine(as_at + timedelta(days=1), time(), UTC),
    }
    for row in _fetch(
        model,
        model.sql(
            "SELECT DISTINCT ON (case_id) case_id, contact_every_days, signed_on "
            "FROM {schema}.{p}agreements WHERE case_id = ANY(%(cases)s) AND signed_on <= %(as_at)s "
            "AND (ended_on IS NULL OR ended_on >= %(as_at)s) AND "
            + history.known_at()
            + " ORDER BY case_id, signed_on DESC"
        ),
        **params,
    ):
        facts[row["case_id"]] |= {"every": row["contact_every_days"], "signed_on": row["signed_on"]}
    for row in _fetch(
        model,
        model.sql(
            "SELECT case_id, max(occurred_at) AS last FROM {schema}.{p}contacts "
            "WHERE case_id = ANY(%(cases)s) AND occurred_at < %(day_end)s AND "
            + history.known_at()
            + " GROUP BY case_id"
        ),
        **params,
    ):
        facts[row["case_id"]]["last_contact_at"] = row["last"]
    for row in _fetch(
        model,
        model.sql(
            # The next meeting; or one whose day has passed without its outcome (overdue).
            "SELECT case_id, min(meeting_on) AS next FROM {schema}.{p}reviews "
            "WHERE case_id = ANY(%(cases)s) AND status <> 'cancelled' "
            "AND (meeting_on >= %(as_at)s OR status = 'scheduled') "
            "AND " + history.known_at() + " GROUP BY case_id"
        ),
        **params,
    ):
        facts[row["case_id"]]["next_review_on"] = row["next"]
    for row in _fetch(
        model,
        model.sql(
            "SELECT DISTINCT ON (case_id) case_id, next_review_on FROM {schema}.{p}reviews "
            "WHERE case_id = ANY(%(cases)s) AND status = 'held' AND meeting_on <= %(as_at)s "
            "AND " + history.known_at() + " ORDER BY case_id, meeting_on DESC"
        ),
        **params,
    ):
        facts[row["case_id"]].setdefault("next_review_on", row["next_review_on"])
    for row in _fetch(
        model,
        model.sql(
            "SELECT DISTINCT case_id FROM {schema}.{p}periods WHERE case_id = ANY(%(cases)s) "
            "AND role = 'cover' AND from_date <= %(as_at)s AND until >= %(as_at)s AND "
            + history.known_at()
        ),
        **params,
    ):
        facts[row["case_id"]]["cover_in_place"] = True
    return facts


def _entry(held: dict[str, Any], facts: dict[str, Any], as_at: date) -> CaseloadEntry:
    last = facts.get("last_contact_at")
    due = None
    if "every" in facts:
        due = next_contact_due(last.date() if last else None, facts["signed_on"], facts["every"])
    return CaseloadEntry(
        case_id=held["case_id"],
        role=held["role"],
        kind=held["kind"],
        from_date=held["from_date"],
        until=held["until"],
        contact_every_days=facts.get("every"),
        last_contact_at=last,
        next_contact_due=due,
        contact_overdue=is_overdue(due, as_at),
        next_review_on=facts.get("next_review_on"),
        review_overdue=is_overdue(facts.get("next_review_on"), as_at),
        cover_in_place=facts.get("cover_in_place", False),
    )


def _fetch(model: KeyWorking, statement: Any, **params: Any) -> list[Any]:
    with model.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Overdue:
    """A case whose next contact, or next review, was due before today."""

    case_id: UUID
    due_on: date


@dataclass(frozen=True)
class OverdueOn:
    """What is overdue on a day, in the open cases with a key worker: their next agreed contact,
    and their next review (a meeting whose day passed without its outcome, or none held by the
    date the last review set)."""

    contacts: list[Overdue]
    reviews: list[Overdue]


def overdue_on(model: KeyWorking, today: date) -> OverdueOn:
    entries = _key_working_today(model, today)
    return OverdueOn(
        contacts=[
            Overdue(e.case_id, e.next_contact_due)
            for e in entries
            if e.contact_overdue and e.next_contact_due is not None
        ],
        reviews=[
            Overdue(e.case_id, e.next_review_on)
            for e in entries
            if e.review_overdue and e.next_review_on is not None
        ],
    )


def key_working_cases(model: KeyWorking, today: date) -> list[UUID]:
    """The open cases with a key worker on `today`."""
    held = _fetch(
        model,
        model.sql(
            "SELECT DISTINCT case_id FROM {schema}.{p}periods WHERE role = 'key_worker' "
            "AND from_date <= %(as_at)s AND (until IS NULL OR until >= %(as_at)s) "
            "AND (closed_on IS NULL OR closed_on > %(as_at)s) AND recorded_until IS NULL"
        ),
        as_at=today,
    )
    return [row["case_id"] for row in held]


def _key_working_today(model: KeyWorking, today: date) -> list[CaseloadEntry]:
    """An entry for each open case with a key worker on `today`."""
    case_ids = key_working_cases(model, today)
    facts = _case_facts(model, case_ids, today, EVERYTHING_RECORDED)
    held_as_key_worker = {"role": "key_worker", "kind": None, "from_date": today, "until": None}
    return [
        _entry({"case_id": case_id} | held_as_key_worker, facts[case_id], today)
        for case_id in case_ids
    ]


def practitioners_with_email(model: KeyWorking, email: str) -> list[UUID]:
    """The practitioners whose recorded email is `email`, in any case."""
    statement = model.sql(
        "SELECT practitioner_id FROM {schema}.{p}practitioners "
        "WHERE lower(email) = lower(%(email)s)"
    )
    return [row["practitioner_id"] for row in _fetch(model, statement, email=email)]


def reviews_soon(model: KeyWorking, today: date, days: int) -> list[tuple[UUID, UUID]]:
    """Each (case, review) whose meeting, still scheduled, is within `days` days of `today`."""
    rows = _fetch(
        model,
        model.sql(
            "SELECT case_id, review_id FROM {schema}.{p}reviews WHERE status = 'scheduled' "
            "AND meeting_on BETWEEN %(today)s AND %(until)s AND recorded_until IS NULL "
            "ORDER BY meeting_on, case_id"
        ),
        today=today,
        until=today + timedelta(days=days),
    )
    return [(row["case_id"], row["review_id"]) for row in rows]
