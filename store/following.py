"""Following a store: do a step of work while there is more, else wait for its NOTIFY.

The store notifies its channel in every transaction that inserts events; a short timeout is a
safety net. Woken, a follower waits GATHER_SECONDS before its step, so that events recorded
together are read and applied together (commands/s with the consumers beside the API rose by a
half or more, bench/commands.py; the lag stays within its target, bench/projections.py).
Errors are logged and the loop resumes after a pause, from whatever position the step itself
keeps.
"""

import logging
import threading
from collections.abc import Callable

import psycopg

from store.database import UNAVAILABLE, Database

IDLE_WAIT_SECONDS = 1.0
GATHER_SECONDS = 0.05
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0


def follow(
    database: Database,
    channel: str,
    step: Callable[[], bool],
    stopping: threading.Event,
    log: logging.Logger,
) -> None:
    """Runs `step` (which returns whether more work is waiting) until `stopping` is set.

    After a failure it waits, twice as long each time up to a minute, then resumes.
    """
    retry_in = FIRST_RETRY_SECONDS
    while not stopping.is_set():
        try:
            with psycopg.connect(database.conninfo, autocommit=True) as listener:
                listener.execute(f"LISTEN {channel}")
                while not stopping.is_set():
                    if step():
                        continue
                    retry_in = FIRST_RETRY_SECONDS
                    woken = False
                    for _ in listener.notifies(timeout=IDLE_WAIT_SECONDS, stop_after=1):
                        woken = True
                    if woken:
                        # What is recorded in the next moment joins the next step's batch: under
                        # load, one step (a transaction for each read model) serves many commands.
                        stopping.wait(GATHER_SECONDS)
        except UNAVAILABLE as error:
            log.warning("waiting %.0f s for the database: %s", retry_in, type(error).__name__)
        except Exception as error:
            # The type only: a message might quote the data it failed on.
            log.error("failed (%s); resuming in %.0f s", type(error).__name__, retry_in)
        stopping.wait(retry_in)
        retry_in = min(retry_in * 2, LONGEST_RETRY_SECONDS)
