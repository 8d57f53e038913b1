"""The service metrics of one quarter, on a scenario of 25 cases whose answers are worked out by
hand below: every figure, the suppression, `known_at` reproducibility and the CSV."""

import csv
import io
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.metrics_report import report
from domain.corrections import Replacement
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.runner import ProjectionRunner
from projections.suppression import SMALL
from services.keywork import Keywork
from tests.integration.conftest import as_, practitioner
from tests.integration.metrics.world import (
    PARENT,
    Q2,
    allocate,
    approach,
    change,
    close,
    contact,
    figures,
    metrics_of,
    on,
    plan,
    refer,
    review,
    value,
)


@pytest.fixture
def model(keywork: Keywork, runner: ProjectionRunner, scenario: dict[str, Any]) -> Metrics:
    """The metrics read model, caught up with everything recorded so far."""
    return metrics_of(keywork, runner)


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
