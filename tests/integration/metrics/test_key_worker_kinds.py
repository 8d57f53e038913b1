"""Every figure by the kind of key worker, a case counted under the kind known at the time."""

import time
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from api.metrics_report import report
from domain.key_workers import KeyWorkerKind
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.runner import ProjectionRunner
from projections.service_metrics import period
from projections.suppression import Figure
from services.keywork import Keywork
from tests.integration.conftest import practitioner
from tests.integration.metrics.world import (
    PARENT,
    allocate,
    change,
    contact,
    figures,
    metrics_of,
    on,
    refer,
    value,
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
