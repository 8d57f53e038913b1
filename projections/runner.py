"""Keeps every read model up to date with the store: catch up by position, then wait for NOTIFY.

Commit order equals position order in the store (each insert takes a table lock), so reading
`position > last applied` never skips an event; a failed transaction's gap is simply passed over.
One reader per store reads each batch once, decodes each event once, and hands it to every read
model that follows the store, each applying it in its own transaction with its own position. A
read model behind the others (just made, or failing) catches up alone, no further than them, and
then joins them. Each loop, and a read at most once a second, looks up which generation of a read
model is live, so a rebuild done elsewhere (`keywork projections rebuild`) is taken up without a
restart, also by the API's processes, which read the read models without running them.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError

from projections.generations import ensure_generation, live_generation
from projections.read_model import ReadModel
from services.rules import DEFAULT_RULES, ServiceRules
from store.blind_index import BlindIndex
from store.database import UNAVAILABLE, Database
from store.following import follow

log = logging.getLogger("keywork.projections")
R = TypeVar("R", bound=ReadModel)

BATCH_SIZE = 500
GENERATION_CHECK_SECONDS = 1.0


Batch = tuple[list[DomainEventProtocol[Any]], int]


def read_after(
    app: Application[Any], position: int, batch_size: int, stop: int | None = None
) -> Batch:
    """The events after `position` (up to `stop`), one batch, each decoded once, and the last
    one's position."""
    notifications = app.recorder.select_notifications(
        start=position + 1, limit=batch_size, stop=stop
    )
    events = [app.mapper.to_domain_event(n) for n in notifications]
    return events, notifications[-1].id if notifications else position


def catch_up(
    app: Application[Any],
    read_model: ReadModel,
    batch_size: int = BATCH_SIZE,
    stop: int | None = None,
) -> int:
    """Applies the events after the read model's position (up to `stop`), one batch; returns
    how many."""
    events, last = read_after(app, read_model.position(), batch_size, stop)
    if events:
        read_model.apply_batch(events, last)
    return len(events)


def catch_up_fully(app: Application[Any], read_model: ReadModel) -> None:
    """Applies everything recorded so far, alongside any runner that is applying it too."""
    while True:
        try:
            if catch_up(app, read_model) == 0:
                return
        except IntegrityError:
            continue  # another runner applied this batch first; its position stands


class ProjectionRunner:
    def __init__(
        self,
        apps: Mapping[str, Application[Any]],
        database: Database,
        read_model_types: Sequence[type[ReadModel]],
        rules: ServiceRules = DEFAULT_RULES,
        blind_index: BlindIndex | None = None,
    ) -> None:
        self.apps = dict(apps)
        self.database = database
        self.rules = rules
        self.blind_index = blind_index
        # Read models share the pool of the store they follow most: the cases'.
        self.datastore = self.apps["keywork"].recorder.datastore  # type: ignore[attr-defined]
        self.read_models: dict[type[ReadModel], ReadModel] = {
            kind: self._live(kind) for kind in read_model_types
        }
        self._generation_checked_at = dict.fromkeys(self.read_models, time.monotonic())
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        # Its threads start with the first batch applied: a runner that only reads has none.
        self._appliers = ThreadPoolExecutor(len(self.read_models), "projection-apply")

    def start(self) -> None:
        for store in dict.fromkeys(kind.follows for kind in self.read_models):
            thread = threading.Thread(
                target=self._follow, args=(store,), name=f"projection-{store}"
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._appliers.shutdown()

    def get(self, kind: type[R]) -> R:
        read_model = self._current(kind)
        assert isinstance(read_model, kind)
        return read_model

    def positions(self) -> dict[str, tuple[int, int]]:
        """Each read model's position, and the head of the store it follows."""
        return {
            model.name: (
                model.position(),
                self.apps[model.follows].recorder.max_notification_id() or 0,
            )
            for model in self.read_models.values()
        }

    def wait_for(self, read_model: ReadModel, position: int, timeout: float) -> bool:
        """Waits until the read model has applied `position`; False if it timed out."""
        return read_model.wait_for(position, timeout)

    def _current(self, kind: type[ReadModel]) -> ReadModel:
        """The read model's live generation, looked up at most every GENERATION_CHECK_SECONDS."""
        now = time.monotonic()
        if now - self._generation_checked_at[kind] > GENERATION_CHECK_SECONDS:
            self._generation_checked_at[kind] = now
            if live_generation(self.datastore, kind.name) != self.read_models[kind].generation:
                self.read_models[kind] = self._live(kind)
        return self.read_models[kind]

    def _live(self, kind: type[ReadModel]) -> ReadModel:
        ensure_generation(self.datastore, kind.name)
        generation = live_generation(self.datastore, kind.name)
        read_model = kind(self.datastore, generation, self.rules, self.blind_index)
        read_model.create_table()
        return read_model

    def _follow(self, store: str) -> None:
        app = self.apps[store]
        kinds = [kind for kind in self.read_models if kind.follows == store]
        channel = app.recorder.channel_name  # type: ignore[attr-defined]
        follow(self.database, channel, lambda: self._step(app, kinds), self._stopping, log)

    def _step(self, app: Application[Any], kinds: Sequence[type[ReadModel]]) -> bool:
        """Reads the store's next batch once and applies it to each of its read models; returns
        whether more is waiting."""
        models = [self._current(kind) for kind in kinds]
        at = ReadModel.positions(models)
        lead = max(at)
        more = False
        for number, model in enumerate(models):
            if at[number] < lead:  # behind the others: alone, up to them, then it joins them
                more |= _guarded(model, partial(catch_up, app, model, BATCH_SIZE, lead))
                at[number] = model.position()
        events, last = read_after(app, lead, BATCH_SIZE)
        if events:
            leaders = [model for number, model in enumerate(models) if at[number] == lead]
            # Each in a thread: they mostly wait on the database, so their waits overlap.
            list(self._appliers.map(partial(_apply_guarded, events, last), leaders))
        return more or len(events) == BATCH_SIZE


def _apply_guarded(events: list[DomainEventProtocol[Any]], last: int, model: ReadModel) -> bool:
    return _guarded(model, partial(model.apply_batch, events, last))


def _guarded(model: ReadModel, work: Callable[[], Any]) -> bool:
    """Does one read model's work, so that its failure leaves the others' to go on: the failing
    one falls behind and catches up alone at the next step. True unless it failed."""
    try:
        work()
    except IntegrityError:
        pass  # another runner applied this batch first; its position stands
    except UNAVAILABLE:
        raise  # the database is away: following waits for it, for every read model
    except Exception as error:
        # The type only: a message might quote the data it failed on.
        log.error("%s failed (%s); it retries from its position", model.name, type(error).__name__)
        return False
    return True
