"""The keywork application, and the one place where it is wired to its database."""

from services.access import AccessLog
from services.areas import Areas
from services.cases import CaseCommands
from services.data_keys import DataKeys
from services.database import Database
from services.directory import DirectoryCommands
from services.settings import Settings


class Keywork(CaseCommands, DirectoryCommands):
    """Every command and read of the service, over one event store and one sequence."""

    name = "keywork"  # names its events table and the position read models track


def open_keywork(settings: Settings, database: Database) -> Keywork:
    env = database.eventsourcing_env(settings.postgres_pool_size, settings.aggregate_cache_size)
    keys = DataKeys(settings.master_key_bytes, settings.key_cache_seconds)
    keywork = Keywork(env, Areas.load(settings.areas_file), keys)
    keywork.reopen_window_days = settings.reopen_window_days
    return keywork


def open_access_log(settings: Settings, database: Database) -> AccessLog:
    return AccessLog(database.eventsourcing_env(settings.postgres_pool_size))
