"""The service metrics of one quarter, on a scenario of 25 cases whose answers are worked out by
hand below: every figure, the suppression, `known_at` reproducibility and the CSV."""

import csv
import io
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any
from uuid import UUID

import pytest

from api.bootstrap import open_access_log, open_keywork
from api.metrics_report import report
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.corrections import Replacement
from domain.key_workers import KeyWorkerKind
from domain.outcomes import DEFAULT_AREAS
from domain.stamp import event_id
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.runner import ProjectionRunner
from projections.service_metrics import period
from projections.suppression import SMALL, Figure
from services.commands import Command, Outcome
from services.keywork import Keywork
from store.database import Database
from tests.conftest import fresh_database
from tests.integration.conftest import MEETS_NORFOLK, as_, practitioner
from tests.settings import settings_with

Q2 = period("2026-Q2")
PARENT = "Alex Parent"


def on(day: date, hour: int = 10) -> Command:
    return as_(occurred_at=datetime.combine(day, clock_time(hour), UTC))


@pytest.fixture(scope="module")
def own_database(database: Database) -> Database:
    return fresh_database(database, "keywork_metrics")


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=4, reopen_window_days=30), own_database)
    yield app
    app.close()


@pytest.fixture(scope="module")
def runner(keywork: Keywork, own_database: Database) -> Iterator[ProjectionRunner]:
    access = open_access_log(settings_with(postgres_pool_size=1), own_database)
    running = ProjectionRunner({"keywork": keywork, "access": access}, own_database, (Metrics,))
    running.start()
    yield running
    running.stop()
    access.close()


@pytest.fixture
def model(keywork: Keywork, runner: ProjectionRunner, scenario: dict[str, Any]) -> Metrics:
    """The metrics read model, caught up with everything recorded so far."""
    return metrics_of(keywork, runner)


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


@pytest.fixture(scope="module")
def scenario(keywork: Keywork) -> dict[str, Any]:
    """Twelve cases A, six B, five C and a re-referral R, all in 2026-Q2 (see the test)."""
    workers = [practitioner(keywork) for _ in range(7)]
    a = [refer(keywork, date(2026, 4, 6), "professional", date(2018, 1, 1)) for _ in range(12)]
    b = [refer(keywork, date(2026, 5, 4), "single_point", date(2012, 6, 1)) for _ in range(6)]
    for _ in range(5):
        refer(keywork, date(2026, 6, 1), "self", date(2022, 1, 1))
    for index, case_id in enumerate(a):
        # Each A first asked another worker, who declined, then the one allocated.
        approach(keywork, case_id, workers[6], "declined", date(2026, 4, 10))
        approach(keywork, case_id, workers[index // 3], "accepted", date(2026, 4, 14))
        allocate(keywork, case_id, workers[index // 3], date(2026, 4, 16))
        change(
            keywork.sign_service_agreement,
            case_id,
            date(2026, 4, 16),
            contact_every_days=28,
            signed_by=PARENT,
            signed_on=date(2026, 4, 16),
        )
    for index, case_id in enumerate(b):
        approach(keywork, case_id, workers[4 + index // 3], "accepted", date(2026, 5, 20))
        allocate(keywork, case_id, workers[4 + index // 3], date(2026, 5, 24))
    # Contacts: A1-A5 and A8, A9 on time; A6, A7, A10, A11, A12 not.
    contact_days = {
        **{i: [date(2026, 5, 10), date(2026, 6, 5)] for i in range(5)},
        5: [date(2026, 5, 10)],
        6: [date(2026, 5, 10)],
        7: [date(2026, 5, 10), date(2026, 6, 5), date(2026, 6, 28)],
        8: [date(2026, 5, 10), date(2026, 6, 5), date(2026, 6, 28)],
        9: [date(2026, 5, 10)],
        10: [date(2026, 4, 20), date(2026, 6, 1)],
        11: [date(2026, 4, 20), date(2026, 6, 1)],
    }
    contacts = {
        i: [contact(keywork, a[i], day) for day in days] for i, days in contact_days.items()
    }
    # Reviews: A1-A10 each held one on 20 April, the next due 1 June: A1-A5 on 28 May, A6-A10
    # on 3 June.
    for index, case_id in enumerate(a[:10]):
        review(keywork, case_id, date(2026, 4, 20), date(2026, 6, 1))
        second = date(2026, 5, 28) if index < 5 else date(2026, 6, 3)
        review(keywork, case_id, second, date(2026, 9, 1))
    # Plans signed 1 May: A1-A3 distributed in a day, A4-A6 in three, A7-A11 with a failed copy.
    for index, case_id in enumerate(a[:11]):
        if index < 6:
            last = datetime(2026, 5, 2 if index < 3 else 4, 10, tzinfo=UTC)
            copies = [(datetime(2026, 5, 1, 12, tzinfo=UTC), True), (last, True)]
        else:
            copies = [(datetime(2026, 5, 2, 10, tzinfo=UTC), False)]
        plan(keywork, case_id, copies)
    # Handovers on 1 June to the seventh worker: A11 straight, A12 with a week's overlap.
    for case_id, overlap in ((a[10], None), (a[11], date(2026, 6, 7))):
        keywork.hand_over(
            on(date(2026, 6, 1)),
            case_id,
            kind="designated",
            on=date(2026, 6, 1),
            reason="Worker moving team",
            to_practitioner_id=workers[6],
            overlap_until=overlap,
        )
    for case_id in a[:5]:
        close(keywork, case_id, date(2026, 6, 10), "needs_met", final_plan_version=1)
    for case_id in b[:2]:
        close(keywork, case_id, date(2026, 6, 15), "family_withdrew")
    # Within the application's window, 30 days here (see the keywork fixture).
    change(keywork.reopen_case, b[0], date(2026, 6, 25), reason="Needs again")
    refer(keywork, date(2026, 6, 20), "professional", date(2018, 1, 1), previous=a[0])
    return {"a": a, "contacts": contacts}


def figures(found: list[Figure]) -> dict[tuple[str, str], Figure]:
    return {(figure.metric, figure.group): figure for figure in found}


def value(found: dict[tuple[str, str], Figure], metric: str, group: str = "all") -> Any:
    figure = found[metric, group]
    return "suppressed" if figure.suppressed else figure.value


def test_every_metric_of_the_quarter_is_as_worked_out_by_hand(model: Metrics) -> None:
    found = figures(report(model, Q2, datetime.now(UTC)).figures)
    # 12 professional (A) + 1 (R), 6 single point (B), 5 self (C).
    assert value(found, "referrals", "professional") == 13
    assert value(found, "referrals", "single_point") == 6
    assert value(found, "referrals", "self") == 5
    assert value(found, "referrals") == 24
    # First key worker in place: A after 10 days (12), B after 20 (6): 18 values, the 9th and
    # 10th are 10; the P90 is the 17th (ceil(0.9 x 18)), a 20.
    assert value(found, "referral_to_key_worker_days_median") == 10.0
    assert value(found, "referral_to_key_worker_days_p90") == 20.0
    assert found["referral_to_key_worker_days_median", "all"].denominator == 18
    # Before them: each A asked a worker who declined, then the one allocated; each B just one.
    assert value(found, "key_worker_approaches", "declined") == 12
    assert value(found, "key_worker_approaches", "accepted") == 18
    assert value(found, "key_worker_approaches") == 30
    # Open on 30 June: 24 referred less A1-A5 and B2 closed (B1 reopened) = 18; with a key
    # worker: A6-A12 and B3-B6 = 11 (B1 reopened without one, C and R never had one).
    assert (
        found["open_cases_with_key_worker_pct", "all"].numerator,
        value(found, "open_cases_with_key_worker_pct"),
    ) == (11, 61.1)
    # Every contact on time in the quarter: A1-A5 (to their closure) and A8, A9: 7 of 12.
    assert value(found, "cases_with_every_contact_on_time_pct") == 58.3
    # Second reviews due 1 June: A1-A5 held on 28 May, A6-A10 on 3 June: 5 of 10.
    assert value(found, "reviews_held_on_time_pct") == 50.0
    # 11 plans signed, 6 fully distributed: in 1, 1, 1, 3, 3, 3 days.
    assert value(found, "plans_fully_distributed_pct") == 54.5
    assert value(found, "plan_signed_to_distributed_days_median") == 2.0
    assert value(found, "plan_signed_to_distributed_days_p90") == 3.0
    # Two handovers (one with an overlap): small numbers.
    assert value(found, "key_worker_changes") == "suppressed"
    assert value(found, "key_worker_overlaps") == "suppressed"
    # Closures: 5 needs met, 2 family withdrew (suppressed), so needs met is suppressed too.
    assert value(found, "closures", "family_withdrew") == "suppressed"
    assert value(found, "closures", "needs_met") == "suppressed"
    assert value(found, "closures") == 7
    assert value(found, "closure_audits_within_28_days_pct") == 100.0
    # Caseloads on 30 June: 1 (A6), 3 (A7-A9), 1 (A10), 2 (A11, A12 with the seventh worker),
    # 1 (B3), 3 (B4-B6): 11 cases over 6 workers.
    assert value(found, "caseload_per_key_worker_mean") == 1.8
    assert value(found, "caseload_per_key_worker_max") == 3
    # R re-referred 10 days after A1 closed; B1 reopened: one each, suppressed, and the total.
    assert value(found, "returns_within_12_months", "re_referral") == "suppressed"
    assert value(found, "returns_within_12_months", "reopening") == "suppressed"
    assert value(found, "returns_within_12_months") == "suppressed"


def test_a_suppressed_figure_gives_away_no_number(model: Metrics) -> None:
    found = report(model, Q2, datetime.now(UTC)).figures
    for figure in found:
        if figure.suppressed:
            assert (figure.value, figure.numerator, figure.denominator) == (None, None, None)
        elif figure.numerator is not None and figure.denominator is not None:  # a percentage
            assert figure.numerator not in SMALL, figure
            assert figure.denominator - figure.numerator not in SMALL, figure
        elif figure.denominator is not None:  # a median, mean or maximum over so many values
            assert figure.denominator not in SMALL, figure
        else:  # a count
            assert figure.value not in SMALL, figure
    assert any(figure.suppressed for figure in found)


def test_scope_by_age_band_and_area(model: Metrics) -> None:
    teens = figures(report(model, Q2, datetime.now(UTC), Scope(age_band="11-15")).figures)
    assert (value(teens, "referrals", "single_point"), value(teens, "referrals")) == (6, 6)
    assert ("referrals", "professional") not in teens
    # Only family_withdrew (2) closed among them: the cell and the total are suppressed.
    assert value(teens, "closures", "family_withdrew") == "suppressed"
    assert value(teens, "closures") == "suppressed"
    elsewhere = figures(report(model, Q2, datetime.now(UTC), Scope(area="suffolk")).figures)
    assert value(elsewhere, "referrals") == 0
    assert value(elsewhere, "open_cases_with_key_worker_pct") is None


def test_a_published_report_is_reproduced_whatever_was_recorded_later(
    keywork: Keywork, runner: ProjectionRunner, model: Metrics, scenario: dict[str, Any]
) -> None:
    published_at = datetime.now(UTC)
    published = report(model, Q2, published_at)
    time.sleep(0.01)
    # Recorded after publication: a referral that happened in May, and a correction moving
    # A9's 5 June contact to 15 June (36 days after the one before: late).
    refer(keywork, date(2026, 5, 20), "professional", date(2018, 1, 1))
    a9_contact = scenario["contacts"][8][1]
    keywork.correct(
        as_(),
        scenario["a"][8],
        corrects_event_id=a9_contact,
        reason="Wrong date",
        replacement=Replacement(occurred_at=datetime(2026, 6, 15, 10, tzinfo=UTC)),
    )
    model = metrics_of(keywork, runner)
    assert report(model, Q2, published_at).figures == published.figures
    now = figures(report(model, Q2, datetime.now(UTC)).figures)
    assert (value(now, "referrals", "professional"), value(now, "referrals")) == (14, 25)
    assert value(now, "cases_with_every_contact_on_time_pct") == 50.0
    # 19 open on 30 June now, still 11 with a key worker.
    assert value(now, "open_cases_with_key_worker_pct") == 57.9
    then = figures(published.figures)
    assert value(then, "referrals") == 24
    assert value(then, "cases_with_every_contact_on_time_pct") == 58.3


def test_the_csv_has_a_row_per_figure_with_its_scope(model: Metrics) -> None:
    known_at = datetime.now(UTC)
    found = report(model, Q2, known_at)
    rows = list(csv.DictReader(io.StringIO(found.csv())))
    assert len(rows) == len(found.figures)
    assert list(rows[0]) == [
        "period",
        "first_day",
        "last_day",
        "area",
        "age_band",
        "key_worker_kind",
        "known_at",
        "metric",
        "group",
        "value",
        "numerator",
        "denominator",
        "suppressed",
    ]
    assert {row["period"] for row in rows} == {"2026-Q2"}
    assert rows[0]["first_day"] == "2026-04-01" and rows[0]["last_day"] == "2026-06-30"
    assert {row["known_at"] for row in rows} == {known_at.isoformat()}
    suppressed = [row for row in rows if row["suppressed"] == "True"]
    assert suppressed and all(row["value"] == "" for row in suppressed)


def test_the_functions_mix_counts_what_contacts_served_as_known_then(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    """In 2026-Q3, apart from the hand-worked Q2: 6 contacts coordinating services, 5 of them
    also advocating, and one in June that is not the quarter's."""
    q3 = period("2026-Q3")
    case_id = refer(keywork, date(2026, 7, 1), "professional", date(2015, 1, 1))
    allocate(keywork, case_id, practitioner(keywork), date(2026, 7, 1))

    def served(day: date, *functions: str) -> None:
        change(
            keywork.record_contact,
            case_id,
            day,
            kind="meeting",
            participants=[],
            note=None,
            functions=list(functions),
        )

    served(date(2026, 7, 2), "coordinating_services")
    for day in range(3, 8):
        served(date(2026, 7, day), "coordinating_services", "advocacy")
    served(date(2026, 6, 30), "advocacy")  # recorded late, into Q2: not the quarter's
    published_at = datetime.now(UTC)
    found = figures(report(metrics_of(keywork, runner), q3, published_at).figures)
    assert value(found, "contact_functions", "coordinating_services") == 6
    assert value(found, "contact_functions", "advocacy") == 5
    assert value(found, "contact_functions") == 11

    time.sleep(0.01)  # recorded strictly after the publication
    served(date(2026, 7, 8), "advocacy", "single_point_of_contact")
    model = metrics_of(keywork, runner)
    now = figures(report(model, q3, datetime.now(UTC)).figures)
    # One contact as a single point is too few to show; advocacy (6, tied with coordinating
    # services and first by name) is hidden too, or the total would give the one away.
    assert value(now, "contact_functions", "single_point_of_contact") == "suppressed"
    assert value(now, "contact_functions", "advocacy") == "suppressed"
    assert value(now, "contact_functions", "coordinating_services") == 6
    assert value(now, "contact_functions") == 13

    # The June contact is corrected into the quarter, serving coordination only.
    june = [e for e in keywork.timeline(case_id) if getattr(e, "functions", None) == ["advocacy"]]
    change(
        keywork.correct,
        case_id,
        date(2026, 7, 9),
        corrects_event_id=event_id(case_id, june[0].originator_version),
        reason="It was in July, and about the appointments",
        replacement=Replacement(
            occurred_at=datetime(2026, 7, 1, 9, tzinfo=UTC), functions=["coordinating_services"]
        ),
    )
    corrected = figures(report(metrics_of(keywork, runner), q3, datetime.now(UTC)).figures)
    assert value(corrected, "contact_functions", "coordinating_services") == 7
    assert value(corrected, "contact_functions") == 14
    # The published figures, reproduced.
    assert figures(report(metrics_of(keywork, runner), q3, published_at).figures) == found


def scored(keywork: Keywork, case_id: UUID, day: date, **scores: int) -> None:
    """A review held on `day`, scoring 5 in every area but those given."""
    review_id = review(keywork, case_id, day, date(2028, 1, 1))
    every = dict.fromkeys(DEFAULT_AREAS, 5) | scores
    keywork.measure_outcomes(on(day, 12), case_id, review_id, every)


def test_distance_travelled_is_the_mean_change_from_first_to_last_scores(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    """Five cases last measured in 2025-Q3 (from 2025-07-01 and 2025-09-01), one measured once,
    and four last measured in 2025-Q4: too few to show."""
    worker = practitioner(keywork)

    def case_from(first: date) -> UUID:
        case_id = refer(keywork, first, "professional", date(2015, 1, 1))
        allocate(keywork, case_id, worker, first)
        return case_id

    for _ in range(5):
        case_id = case_from(date(2025, 7, 1))
        scored(keywork, case_id, date(2025, 7, 1), family_life=2, communication=6)
        scored(keywork, case_id, date(2025, 9, 1), family_life=6, communication=5)
    scored(keywork, case_from(date(2025, 7, 1)), date(2025, 8, 1), family_life=9)
    for _ in range(4):
        case_id = case_from(date(2025, 9, 1))
        scored(keywork, case_id, date(2025, 9, 1))
        scored(keywork, case_id, date(2025, 11, 1), family_life=10)

    model = metrics_of(keywork, runner)
    q3 = figures(report(model, period("2025-Q3"), datetime.now(UTC)).figures)
    metric = "outcome_distance_travelled_mean"
    assert value(q3, metric, "family_life") == 4.0
    assert value(q3, metric, "communication") == -1.0
    assert value(q3, metric, "social_life") == 0.0
    assert q3[metric, "family_life"].denominator == 5
    # Per case, the mean change over its seven areas: (4 - 1) / 7.
    assert value(q3, metric) == round(3 / 7, 2)
    q4 = figures(report(model, period("2025-Q4"), datetime.now(UTC)).figures)
    assert value(q4, metric, "family_life") == "suppressed"
    assert value(q4, metric) == "suppressed"


def test_training_and_supervision_cover_the_key_workers_of_the_period_end(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    """2023-Q4, before every other case here: ten key workers holding a case on 31 December.
    All inducted; five with safeguarding current then and five expired; none in Early Support.
    Five supervised on 1 December (within six weeks), five on 1 November (not)."""
    supervisor = practitioner(keywork)
    workers = [practitioner(keywork) for _ in range(10)]
    for index, worker in enumerate(workers):
        case_id = refer(keywork, date(2023, 10, 2), "professional", date(2015, 1, 1))
        allocate(keywork, case_id, worker, date(2023, 10, 2))
        trained(keywork, worker, "key_working_induction", date(2023, 1, 1), None)
        if index < 5:
            trained(keywork, worker, "safeguarding", date(2023, 1, 1), date(2024, 1, 1))
        else:
            trained(keywork, worker, "safeguarding", date(2022, 1, 1), date(2023, 6, 1))
        supervised(
            keywork, worker, supervisor, date(2023, 12, 1) if index < 5 else date(2023, 11, 1)
        )

    q4 = period("2023-Q4")
    published_at = datetime.now(UTC)
    found = figures(report(metrics_of(keywork, runner), q4, published_at).figures)
    assert value(found, "key_workers_trained_pct", "key_working_induction") == 100.0
    assert value(found, "key_workers_trained_pct", "safeguarding") == 50.0
    assert value(found, "key_workers_trained_pct", "early_support") == 0.0
    supervision = found["key_workers_supervised_in_last_6_weeks_pct", "all"]
    assert (supervision.value, supervision.numerator, supervision.denominator) == (50.0, 5, 10)

    time.sleep(0.01)  # recorded strictly after the publication
    supervised(keywork, workers[5], supervisor, date(2023, 12, 20))
    model = metrics_of(keywork, runner)
    now = figures(report(model, q4, datetime.now(UTC)).figures)
    # Six of ten: the four left out are few enough to single out.
    assert value(now, "key_workers_supervised_in_last_6_weeks_pct") == "suppressed"
    assert figures(report(model, q4, published_at).figures) == found


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


Q2_2022 = period("2022-Q2")


@pytest.fixture(scope="module")
def kinds(keywork: Keywork, runner: ProjectionRunner) -> dict[str, Any]:
    """2022-Q2, before every other case here: ten cases whose designated key worker started a
    week after referral, their contacts on time, five of them closed; six whose non-designated
    key worker started three weeks after, with no contact; five never allocated. Each key
    worker holds one case. `known_at` is when all this had been recorded."""
    referred = date(2022, 4, 4)
    designated = [refer(keywork, referred, "professional", date(2015, 1, 1)) for _ in range(10)]
    non_designated = [refer(keywork, referred, "professional", date(2015, 1, 1)) for _ in range(6)]
    for _ in range(5):
        refer(keywork, referred, "professional", date(2015, 1, 1))
    allocations: list[tuple[list[UUID], KeyWorkerKind, date]] = [
        (designated, "designated", date(2022, 4, 11)),
        (non_designated, "non_designated", date(2022, 4, 25)),
    ]
    for cases, kind, start in allocations:
        for case_id in cases:
            allocate(keywork, case_id, practitioner(keywork), start, kind)
            change(
                keywork.sign_service_agreement,
                case_id,
                start,
                contact_every_days=28,
                signed_by=PARENT,
                signed_on=start,
            )
    for index, case_id in enumerate(designated):
        for day in (date(2022, 5, 2), date(2022, 5, 23), date(2022, 6, 13)):
            if index >= 5 or day < date(2022, 6, 10):
                contact(keywork, case_id, day)
        if index < 5:
            change(
                keywork.close_case,
                case_id,
                date(2022, 6, 10),
                reason="needs_met",
                family_agreed=True,
            )
    metrics_of(keywork, runner)
    known_at = datetime.now(UTC)
    time.sleep(0.01)  # anything recorded later is strictly after `known_at`
    return {"non_designated": non_designated, "known_at": known_at}


def by_kind(model: Metrics, known_at: datetime, kind: str | None) -> dict[tuple[str, str], Figure]:
    return figures(report(model, Q2_2022, known_at, Scope(key_worker_kind=kind)).figures)


def test_every_figure_breaks_down_by_the_kind_of_key_worker(
    keywork: Keywork, runner: ProjectionRunner, kinds: dict[str, Any]
) -> None:
    """The DfES research brief aims "to compare the implementation and operation of different
    models of key worker services", and found "that employing designated key workers was not
    necessarily more expensive than employing non-designated staff": each figure, for the cases
    of each kind of key worker."""
    model = metrics_of(keywork, runner)
    every = by_kind(model, kinds["known_at"], None)
    designated = by_kind(model, kinds["known_at"], "designated")
    non_designated = by_kind(model, kinds["known_at"], "non_designated")
    parent_carer = by_kind(model, kinds["known_at"], "parent_carer")
    # Referrals: 10 and 6 by kind; the 5 never allocated count only among every case.
    assert [value(found, "referrals") for found in (every, designated, non_designated)] == [
        21,
        10,
        6,
    ]
    assert value(parent_carer, "referrals") == 0
    # A week to a designated key worker, three weeks to a non-designated one; together the 8th
    # and 9th of 16 values are 7, the 15th (P90) is 21.
    assert [
        value(found, "referral_to_key_worker_days_median")
        for found in (every, designated, non_designated)
    ] == [7.0, 7.0, 21.0]
    assert value(every, "referral_to_key_worker_days_p90") == 21.0
    assert value(non_designated, "referral_to_key_worker_days_p90") == 21.0
    # Every contact on time in the ten designated cases, in none of the six others.
    assert [
        value(found, "cases_with_every_contact_on_time_pct")
        for found in (every, designated, non_designated)
    ] == [62.5, 100.0, 0.0]
    # The five closed cases were designated: a closed case keeps its last key worker's kind.
    assert [value(found, "closures") for found in (every, designated, non_designated)] == [
        5,
        5,
        0,
    ]
    # Open on 30 June: 16, 11 with a key worker; by kind, every case has one.
    assert [
        value(found, "open_cases_with_key_worker_pct")
        for found in (every, designated, non_designated)
    ] == [68.8, 100.0, 100.0]
    # The practitioners' figures count the key workers of that kind: 5 and 6 of 11.
    assert [
        found["key_workers_supervised_in_last_6_weeks_pct", "all"].denominator
        for found in (every, designated, non_designated)
    ] == [11, 5, 6]
    assert value(designated, "caseload_per_key_worker_mean") == 1.0
    # Answers to questionnaires carry no case, so they cannot be told by kind.
    assert ("feedback_response_rate_pct", "all") in every
    assert ("feedback_response_rate_pct", "all") not in designated


def test_a_case_counts_under_the_kind_known_then(
    keywork: Keywork, runner: ProjectionRunner, kinds: dict[str, Any]
) -> None:
    """The DfES research brief compares "designated key workers" with "non-designated staff": a
    handover recorded after a report was published, from a non-designated key worker to a
    designated one, moves the case for reports read now, not for the report as published."""
    published_at = kinds["known_at"]
    model = metrics_of(keywork, runner)
    published = {
        kind: report(model, Q2_2022, published_at, Scope(key_worker_kind=kind)).figures
        for kind in (None, "designated", "non_designated")
    }
    keywork.hand_over(
        on(date(2022, 6, 20)),
        kinds["non_designated"][5],
        kind="designated",
        on=date(2022, 6, 20),
        reason="The family asked for the service's own key worker",
        to_practitioner_id=practitioner(keywork),
        overlap_until=date(2022, 7, 31),
    )
    model = metrics_of(keywork, runner)
    for kind, figures_then in published.items():
        then = report(model, Q2_2022, published_at, Scope(key_worker_kind=kind)).figures
        assert then == figures_then
    now = {
        kind: by_kind(model, datetime.now(UTC), kind)
        for kind in (None, "designated", "non_designated")
    }
    assert [value(now[kind], "referrals") for kind in now] == [21, 11, 5]
    # On 30 June the outgoing non-designated key worker overlaps the incoming designated one:
    # among the designated, only the incoming one counts.
    assert [now[kind]["caseload_per_key_worker_mean", "all"].denominator for kind in now] == [
        12,
        6,
        5,
    ]
