"""A follower woken by its store's NOTIFY gathers what is recorded in the next moment into one
step, instead of a step for each transaction."""

import logging
import threading

import psycopg

from store import following
from store.database import Database

CHANNEL = "keywork_test_following"


class Gathering(threading.Event):
    """The follower's stop signal; the first time it is waited on for the gathering moment,
    two more transactions notify the channel, as commands recorded just after the first would."""

    def __init__(self, notify: "Notifier") -> None:
        super().__init__()
        self.notify = notify
        self.gathered = False

    def wait(self, timeout: float | None = None) -> bool:
        if timeout == following.GATHER_SECONDS and not self.gathered:
            self.gathered = True
            self.notify("b")
            self.notify("c")
        return super().wait(timeout)


class Notifier:
    def __init__(self, database: Database) -> None:
        self.conninfo = database.conninfo
        self.sent: list[str] = []

    def __call__(self, payload: str) -> None:
        self.sent.append(payload)
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"NOTIFY {CHANNEL}, '{payload}'")


def test_transactions_notified_while_a_follower_gathers_are_served_by_one_step(
    database: Database,
) -> None:
    notify = Notifier(database)
    stopping = Gathering(notify)
    listening = threading.Event()
    seen: list[list[str]] = []  # what had been notified at each step

    def step() -> bool:
        seen.append(list(notify.sent))
        listening.set()  # the first step comes after LISTEN
        if len(seen) == 2:
            stopping.set()
        return False

    follower = threading.Thread(
        target=following.follow,
        args=(database, CHANNEL, step, stopping, logging.getLogger("test")),
    )
    follower.start()
    try:
        assert listening.wait(timeout=30)
        notify("a")
    finally:
        follower.join(timeout=60)
    assert not follower.is_alive()
    assert seen == [[], ["a", "b", "c"]]
