"""Keeps every read model up to date with the store: catch up by position, then wait for NOTIFY.

Commit order equals position order in the store (each insert takes a table lock), so reading
`position > last applied` never skips an event; a failed transaction's gap is simply passed over.
"""

import logging
import threading
import time
from collections.abc import Sequence
from typing import TypeVar

import psycopg
from eventsourcing.persistence import IntegrityError, Tracking

from projections.read_model import ReadModel
from services.application import KeyworkApplication
from services.database import UNAVAILABLE, Database

log = logging.getLogger("keywork.projections")
R = TypeVar("R", bound=ReadModel)

BATCH_SIZE = 500
IDLE_WAIT_SECONDS = 1.0  # a safety net: NOTIFY normally wakes the runner at once
RETRY_WAIT_SECONDS = 2.0


class ProjectionRunner:
    def __init__(
        self,
        app: KeyworkApplication,
        database: Database,
        read_models: Sequence[ReadModel],
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.app = app
        self.database = database
        self.read_models = list(read_models)
        self.batch_size = batch_size
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for read_model in self.read_models:
            read_model.create_table()
            thread = threading.Thread(
                target=self._follow, args=(read_model,), name=f"projection-{read_model.name}"
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def get(self, kind: type[R]) -> R:
        return next(model for model in self.read_models if isinstance(model, kind))

    def positions(self) -> dict[str, int]:
        return {model.name: model.position(self.app.name) for model in self.read_models}

    def catch_up(self, read_model: ReadModel) -> int:
        """Applies every event after the read model's position; returns how many were read."""
        start = read_model.position(self.app.name) + 1
        notifications = self.app.recorder.select_notifications(start=start, limit=self.batch_size)
        if notifications:
            events = [self.app.mapper.to_domain_event(n) for n in notifications]
            read_model.apply_batch(events, Tracking(self.app.name, notifications[-1].id))
        return len(notifications)

    def _follow(self, read_model: ReadModel) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.database.conninfo, autocommit=True) as listener:
                    listener.execute(f"LISTEN {self.app.store.channel_name}")
                    self._follow_with(listener, read_model)
            except IntegrityError:
                # Another runner applied this batch first; its tracking row refused ours.
                continue
            except UNAVAILABLE as error:
                log.warning("projection %s waiting for the database: %s", read_model.name, error)
                self._stopping.wait(RETRY_WAIT_SECONDS)
            except Exception:
                log.exception("projection %s failed; retrying", read_model.name)
                self._stopping.wait(RETRY_WAIT_SECONDS)

    def _follow_with(self, listener: psycopg.Connection, read_model: ReadModel) -> None:
        while not self._stopping.is_set():
            if self.catch_up(read_model) == self.batch_size:
                continue
            for _ in listener.notifies(timeout=IDLE_WAIT_SECONDS, stop_after=1):
                pass

    def wait_for(self, read_model: ReadModel, position: int, timeout: float) -> bool:
        """Waits until the read model has applied `position`; False if it timed out."""
        deadline = time.monotonic() + timeout
        while read_model.position(self.app.name) < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True
