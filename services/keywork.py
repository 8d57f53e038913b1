"""The keywork application, and the one place where it is wired to its database."""

from services.access import AccessLog
from services.areas import Areas
from services.cases import CaseCommands
from services.database import Database
from services.directory import DirectoryCommands
from services.settings import Settings


class Keywork(CaseCommands, DirectoryCommands):
    """Every command and read of the service, over one event store and one sequence."""

    name = "keywork"  # names its events table and the position read models track


def open_keywork(settings: Settings, database: Database) -> Keywork:
    env = database.eventsourcing_env(settings.postgres_pool_size, settings.aggregate_cache_size)
    keywork = Keywork(env, Areas.load(settings.areas_file))
    keywork.reopen_window_days = settings.reopen_window_days
    return keywork


def open_access_log(settings: Settings, database: Database) -> AccessLog:
    return AccessLog(database.eventsourcing_env(settings.postgres_pool_size))
