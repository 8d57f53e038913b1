"""The functions key workers' contacts served, the distance travelled on the outcome measure, and
the training and supervision of the key workers, each in a period of its own."""

import time
from datetime import UTC, date, datetime
from uuid import UUID

from api.metrics_report import report
from domain.corrections import Replacement
from domain.stamp import event_id
from domain.supervision import SUPERVISION_EVERY_DAYS
from projections.known_facts import EVERY_CASE, known_facts
from projections.runner import ProjectionRunner
from projections.service_metrics import period
from services.keywork import Keywork
from tests.integration.conftest import practitioner
from tests.integration.metrics.world import (
    allocate,
    change,
    figures,
    metrics_of,
    refer,
    scored,
    supervised,
    trained,
    value,
)


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


def test_a_contact_corrected_to_another_day_takes_its_functions_to_that_day(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    """A contact on 2 July 2024 serving advocacy, corrected to have been on 28 June with its
    functions left as they were: from then on it is 2024-Q2's, and 2024-Q3's as known before."""
    case_id = refer(keywork, date(2024, 6, 3), "professional", date(2015, 1, 1))
    allocate(keywork, case_id, practitioner(keywork), date(2024, 6, 3))
    recorded = change(
        keywork.record_contact,
        case_id,
        date(2024, 7, 2),
        kind="meeting",
        participants=[],
        note=None,
        functions=["advocacy"],
    )

    def served(quarter: str, known_at: datetime) -> dict[str, int]:
        days = period(quarter)
        model = metrics_of(keywork, runner)
        facts = known_facts(
            model, known_at, EVERY_CASE, days.first, days.last, SUPERVISION_EVERY_DAYS
        )
        return facts.functions

    assert served("2024-Q3", datetime.now(UTC)) == {"advocacy": 1}
    before = datetime.now(UTC)
    time.sleep(0.01)  # recorded strictly after
    change(
        keywork.correct,
        case_id,
        date(2024, 7, 3),
        corrects_event_id=recorded.event_ids[0],
        reason="It was the Friday before",
        replacement=Replacement(occurred_at=datetime(2024, 6, 28, 10, tzinfo=UTC)),
    )
    now = datetime.now(UTC)
    assert (served("2024-Q2", now), served("2024-Q3", now)) == ({"advocacy": 1}, {})
    assert (served("2024-Q2", before), served("2024-Q3", before)) == ({}, {"advocacy": 1})


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
