"""Each module of the notifier's tests has a database of its own, and the distribution list kept
as in the service: a signed plan goes to whoever is on it."""

from collections.abc import Iterator

import pytest

from api.bootstrap import open_keywork
from projections.runner import ProjectionRunner
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import free_port
from tests.integration.notifications.world import BUSINESS_SUPPORT, MANAGERS, distribution_lists
from tests.settings import settings_with


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    settings = settings_with(
        postgres_pool_size=4, business_support_email=BUSINESS_SUPPORT, managers_email=MANAGERS
    )
    app = open_keywork(settings, own_database)
    yield app
    app.close()


@pytest.fixture(autouse=True)
def runner(keywork: Keywork, own_database: Database) -> Iterator[ProjectionRunner]:
    running = distribution_lists(keywork, own_database)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def mail_port() -> int:
    return free_port()
