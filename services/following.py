"""Following a store: do a step of work while there is more, else wait for its NOTIFY.

The store notifies its channel in every transaction that inserts events; a short timeout is a
safety net. Errors are logged and the loop resumes after a pause, from whatever position the
step itself keeps.
"""

import logging
import threading
from collections.abc import Callable

import psycopg

from services.database import UNAVAILABLE, Database

IDLE_WAIT_SECONDS = 1.0
RETRY_WAIT_SECONDS = 2.0


def follow(
    database: Database,
    channel: str,
    step: Callable[[], bool],
    stopping: threading.Event,
    log: logging.Logger,
) -> None:
    """Runs `step` (which returns whether more work is waiting) until `stopping` is set."""
    while not stopping.is_set():
        try:
            with psycopg.connect(database.conninfo, autocommit=True) as listener:
                listener.execute(f"LISTEN {channel}")
                while not stopping.is_set():
                    if step():
                        continue
                    for _ in listener.notifies(timeout=IDLE_WAIT_SECONDS, stop_after=1):
                        pass
        except UNAVAILABLE as error:
            log.warning("waiting for the database: %s", error)
            stopping.wait(RETRY_WAIT_SECONDS)
        except Exception:
            log.exception("failed; resuming from the stored position")
            stopping.wait(RETRY_WAIT_SECONDS)
