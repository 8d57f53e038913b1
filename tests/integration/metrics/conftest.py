"""Each module of the metrics tests has a database of its own and the metrics read model kept
as in the service."""

from collections.abc import Iterator

import pytest

from api.bootstrap import open_access_log, open_keywork
from projections.metrics import Metrics
from projections.runner import ProjectionRunner
from services.keywork import Keywork
from store.database import Database
from tests.settings import settings_with


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
