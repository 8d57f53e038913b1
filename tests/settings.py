"""Settings for the applications a test opens through the bootstrap: the session's master and
search keys (shared, as the service's processes share theirs), no aggregate cache, a data folder
of its own (only an erasure writes to it) in one folder that goes when the tests end."""

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any
from uuid import uuid4

from pydantic import SecretStr

from services.settings import Settings
from tests.keys import KEY_CACHE_SECONDS, master_key_setting, search_key_setting

DATA = Path(tempfile.mkdtemp(prefix="keywork-test-data-"))
atexit.register(shutil.rmtree, DATA, ignore_errors=True)


def settings_with(**fields: Any) -> Settings:
    defaults: dict[str, Any] = {
        "master_key": SecretStr(master_key_setting()),
        "search_key": SecretStr(search_key_setting()),
        "key_cache_seconds": KEY_CACHE_SECONDS,
        "aggregate_cache_size": 0,
        "data_dir": DATA / uuid4().hex,
    }
    return Settings(**(defaults | fields))
