"""The master key and the search key of the test session, as the service would read them from
settings.

Shared by every application and read model a test opens on a store, as the service's processes
share theirs.
"""

import base64
import secrets

from store.blind_index import BlindIndex
from store.data_keys import DataKeys

MASTER_KEY = secrets.token_bytes(32)
SEARCH_KEY = secrets.token_bytes(32)
KEY_CACHE_SECONDS = 30.0


def new_data_keys() -> DataKeys:
    return DataKeys(MASTER_KEY, KEY_CACHE_SECONDS)


def master_key_setting() -> str:
    """The master key as `KEYWORK_MASTER_KEY` takes it, for a service the test starts."""
    return base64.urlsafe_b64encode(MASTER_KEY).decode()


def search_key_setting() -> str:
    """The search key as `KEYWORK_SEARCH_KEY` takes it."""
    return base64.urlsafe_b64encode(SEARCH_KEY).decode()


def blind_index() -> BlindIndex:
    """The blind index read models are made with, as the service makes theirs."""
    return BlindIndex(SEARCH_KEY)
