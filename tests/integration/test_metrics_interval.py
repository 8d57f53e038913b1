"""The metrics judge supervision by the interval they are given (the area's, or the service's
KEYWORK_SUPERVISION_EVERY_DAYS for all areas), as the team caseloads do, not by a constant of
their own."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest

from api.bootstrap import open_access_log, open_keywork
from api.metrics_report import report
from domain.supervision import SUPERVISION_EVERY_DAYS
from projections.metrics import Metrics
from projections.registry import projection_runner
from projections.runner import catch_up_fully
from projections.service_metrics import period
from projections.suppression import Figure
from services.access import AccessLog
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import MEETS_NORFOLK, as_, practitioner, refer
from tests.keys import blind_index
from tests.settings import settings_with

START = date(2023, 10, 2)


@pytest.fixture(scope="module")
def apps(own_database: Database) -> Iterator[tuple[Keywork, AccessLog]]:
    keywork = open_keywork(settings_with(postgres_pool_size=2), own_database)
    access = open_access_log(settings_with(postgres_pool_size=1), own_database)
    yield keywork, access
    access.close()
    keywork.close()


def supervision_figure(
    apps: tuple[Keywork, AccessLog], database: Database, every_days: int
) -> Figure:
    keywork, access = apps
    apps = {"keywork": keywork, "access": access}
    runner = projection_runner(apps, database, keywork.rules, blind_index())
    model = runner.get(Metrics)
    catch_up_fully(keywork, model)
    found = report(
        model, period("2023-Q4"), datetime.now(UTC), supervision_every_days=every_days
    ).figures
    return next(f for f in found if f.metric == "key_workers_supervised_in_last_6_weeks_pct")


def test_a_longer_interval_counts_sessions_the_default_leaves_out(
    apps: tuple[Keywork, AccessLog], own_database: Database
) -> None:
    """Ten key workers holding a case on 31 December 2023: five last supervised on 1 December,
    within the default 42 days, and five on 1 November, 60 days before."""
    keywork, _ = apps
    supervisor = practitioner(keywork)
    for index in range(10):
        worker = practitioner(keywork)
        at = as_(occurred_at=datetime.combine(START, time(10), UTC))
        case_id = refer(keywork, at)
        keywork.decide_eligibility(at, case_id, MEETS_NORFOLK)
        keywork.allocate_key_worker(
            at, case_id, kind="designated", from_date=START, practitioner_id=worker
        )
        keywork.record_supervision(
            as_("manager-1"),
            worker,
            held_on=date(2023, 12, 1) if index < 5 else date(2023, 11, 1),
            kind="one_to_one",
            supervisor_id=supervisor,
            cases_discussed=[],
            actions=[],
        )

    default = supervision_figure(apps, own_database, SUPERVISION_EVERY_DAYS)
    assert (default.value, default.numerator, default.denominator) == (50.0, 5, 10)
    longer = supervision_figure(apps, own_database, 61)
    assert (longer.value, longer.numerator, longer.denominator) == (100.0, 10, 10)
