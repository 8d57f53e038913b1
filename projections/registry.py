"""Every read model the service keeps, built on the application's own connection pool."""

from projections.caseload import Caseload
from projections.read_model import ReadModel
from projections.runner import ProjectionRunner
from services.database import Database
from services.keywork import Keywork


def read_models(keywork: Keywork) -> list[ReadModel]:
    return [Caseload(keywork.store.datastore)]


def projection_runner(keywork: Keywork, database: Database) -> ProjectionRunner:
    return ProjectionRunner(keywork, database, read_models(keywork))
