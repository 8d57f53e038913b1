"""The metrics tests' world (their fixtures are in conftest.py): cases recorded on the days a
test names, and the figures read back."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any
from uuid import UUID

from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.key_workers import KeyWorkerKind
from domain.outcomes import DEFAULT_AREAS
from projections.metrics import Metrics
from projections.runner import ProjectionRunner
from projections.service_metrics import period
from projections.suppression import Figure
from services.commands import Outcome
from services.keywork import Keywork
from tests.integration.conftest import MEETS_NORFOLK, as_, on

Q2 = period("2026-Q2")
PARENT = "Alex Parent"


def metrics_of(keywork: Keywork, runner: ProjectionRunner) -> Metrics:
    model = runner.get(Metrics)
    assert runner.wait_for(model, keywork.recorder.max_notification_id() or 0, timeout=30)
    return model


def refer(
    keywork: Keywork, day: date, route: str, born: date, previous: UUID | None = None
) -> UUID:
    return keywork.refer(
        on(day, 9),
        area="norfolk",
        route=route,  # type: ignore[arg-type]
        referrer=Referrer("Dr Ada"),
        child=Child("Sam", "Parent", born),
        family=[FamilyMember(PARENT, "mother", True, "email", "alex@example.org")],
        needs=[],
        consent_to_share=True,
        previous_case_id=previous,
    ).aggregate_id


def allocate(
    keywork: Keywork, case_id: UUID, worker: UUID, day: date, kind: KeyWorkerKind = "designated"
) -> None:
    keywork.decide_eligibility(on(day), case_id, MEETS_NORFOLK)
    keywork.allocate_key_worker(
        on(day),
        case_id,
        kind=kind,
        from_date=day,
        practitioner_id=worker,
    )


def approach(keywork: Keywork, case_id: UUID, worker: UUID, answer: str, day: date) -> None:
    keywork.approach_key_worker(on(day), case_id, practitioner_id=worker, answer=answer)  # type: ignore[arg-type]


def change(
    use_case: Callable[..., Outcome], case_id: UUID, day: date, hour: int = 10, **fields: Any
) -> Outcome:
    """The use case (a Keywork method) on the case, as happening on `day` at `hour`."""
    return use_case(on(day, hour), case_id, **fields)


def contact(keywork: Keywork, case_id: UUID, day: date) -> UUID:
    outcome = change(
        keywork.record_contact, case_id, day, kind="phone", participants=[], note=None, functions=[]
    )
    return outcome.event_ids[0]


def review(keywork: Keywork, case_id: UUID, day: date, next_on: date) -> UUID:
    review_id, _ = keywork.schedule_review(
        on(day, 9),
        case_id,
        at=datetime.combine(day, clock_time(10), UTC),
        location="Home",
        requested_by="key_worker",
    )
    change(
        keywork.record_review_outcome,
        case_id,
        day,
        hour=11,
        review_id=review_id,
        attendees=[PARENT],
        child_views="Happy",
        decisions=["Carry on"],
        next_review_on=next_on,
        key_worker_confirmed=True,
    )
    return review_id


def plan(keywork: Keywork, case_id: UUID, copies: list[tuple[datetime, bool]]) -> None:
    signed = date(2026, 5, 1)
    version, _ = keywork.draft_plan(on(signed, 9), case_id, summary="Plan", outcomes=[], actions=[])
    change(
        keywork.sign_plan,
        case_id,
        signed,
        plan_version=version,
        signed_by=PARENT,
        signed_on=signed,
    )
    for index, (at, sent) in enumerate(copies):
        keywork.record_plan_copy(
            as_(occurred_at=at),
            case_id,
            plan_version=version,
            recipient=f"practitioner:{index}",
            channel="email",
            sent=sent,
            reason=None if sent else "mailbox full",
        )


def close(keywork: Keywork, case_id: UUID, day: date, reason: str, **ending: Any) -> None:
    agreed = None if reason == "family_withdrew" else True
    change(keywork.close_case, case_id, day, reason=reason, family_agreed=agreed, **ending)
    change(keywork.audit_closure, case_id, date(2026, 6, 20), outcome="good", findings="Fine")


def figures(found: list[Figure]) -> dict[tuple[str, str], Figure]:
    return {(figure.metric, figure.group): figure for figure in found}


def value(found: dict[tuple[str, str], Figure], metric: str, group: str = "all") -> Any:
    figure = found[metric, group]
    return "suppressed" if figure.suppressed else figure.value


def scored(keywork: Keywork, case_id: UUID, day: date, **scores: int) -> None:
    """A review held on `day`, scoring 5 in every area but those given."""
    review_id = review(keywork, case_id, day, date(2028, 1, 1))
    every = dict.fromkeys(DEFAULT_AREAS, 5) | scores
    keywork.measure_outcomes(on(day, 12), case_id, review_id, every)


def trained(
    keywork: Keywork, worker: UUID, course: str, on_day: date, expires: date | None
) -> None:
    keywork.record_training(
        as_("admin-1"),
        worker,
        course=course,  # type: ignore[arg-type]
        completed_on=on_day,
        expires_on=expires,
    )


def supervised(keywork: Keywork, worker: UUID, supervisor: UUID, held_on: date) -> None:
    keywork.record_supervision(
        as_("manager-1"),
        worker,
        held_on=held_on,
        kind="one_to_one",
        supervisor_id=supervisor,
        cases_discussed=[],
        actions=[],
    )
