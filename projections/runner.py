"""Keeps every read model up to date with the store: catch up by position, then wait for NOTIFY.

Commit order equals position order in the store (each insert takes a table lock), so reading
`position > last applied` never skips an event; a failed transaction's gap is simply passed over.
One reader per store reads each batch once, decodes each event once, and hands it to every read
model that follows the store, each applying it in its own transaction with its own position. A
read model behind the others (just made, or failing) catches up alone, no further than them, and
then joins them. Each loop, and a read at most once a second, looks up which generation of a read
model is live, so a rebuild done elsewhere (`keywork projections rebuild`) is taken up without a
restart, also by the API's processes, which read the read models without running them.

With a read database (a streaming replica, KEYWORK_READ_DATABASE_URL) the runner keeps each read
model twice: the one it writes, on the primary, and the one queries are answered from, on the
replica, whose generation and position are the replica's own. A read that waits for a position
therefore waits until the replica has replayed it, rows and tracking row together.
"""

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache, partial
from operator import methodcaller
from typing import Any, TypeVar

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Notification, OperationalError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import resolve_topic

from projections.generations import ensure_generation, live_generation
from projections.read_model import ReadModel
from services.rules import DEFAULT_RULES, ServiceRules
from store.blind_index import BlindIndex
from store.database import UNAVAILABLE, Database
from store.following import follow
from store.pages import page
from store.sealing import Opening, decoded

log = logging.getLogger("keywork.projections")
R = TypeVar("R", bound=ReadModel)

BATCH_SIZE = 500
GENERATION_CHECK_SECONDS = 1.0
# Allocations between collections of the youngest generation in a rebuild's pass (Python's
# default: 700).
PASS_COLLECTION_THRESHOLD = 50_000
CREATE_ATTEMPTS = 3  # a read model's tables, created at a process's start beside running writers


Batch = tuple[list[DomainEventProtocol[Any]], int]


def read_after(
    app: Application[Any],
    position: int,
    batch_size: int,
    models: Sequence[ReadModel],
    stop: int | None = None,
    topics: Sequence[str] = (),
) -> Batch:
    """The events after `position` (up to `stop`; of `topics` only, if any are named), one
    batch, each decoded once for `models`, and the position read up to: the last one's, or
    `stop` once all up to it is read."""
    notifications = page(app.recorder, position, batch_size, stop, topics)
    return batch_of(app, notifications, position, batch_size, stop, models)


def batch_of(
    app: Application[Any],
    notifications: Sequence[Notification],
    position: int,
    batch_size: int,
    stop: int | None,
    models: Sequence[ReadModel],
) -> Batch:
    """A batch read after `position`: its events decoded once, their personal fields opened
    where one of `models` reads them, and the position read up to: the last one's, or `stop`
    once all up to it is read (fewer than a batch came)."""
    events = decoded(app.mapper, notifications, _opened_for(models))
    if stop is not None and len(notifications) < batch_size:
        return events, stop
    return events, notifications[-1].id if notifications else position


def _opened_for(models: Sequence[ReadModel]) -> Callable[[str], Opening]:
    @cache
    def opened(topic: str) -> Opening:
        name = resolve_topic(topic).__name__
        paths: set[str] = set()
        for fields in (model.opens(name) for model in models):
            if fields is True:
                return True
            paths.update(fields or ())
        return frozenset(paths)

    return opened


def apply_up_to(
    models: Sequence[ReadModel],
    read: Callable[[int], Batch],
    head: int,
    progress: Callable[[int], None],
) -> None:
    """Reads batch after batch (`read(after)`) up to `head`, applying each to every read model,
    all of them from position zero: a rebuild's pass. Each applies a batch in its own thread and
    transaction: they mostly wait on the database, so their waits overlap, and the next batch is
    read and decoded meanwhile."""
    with _collecting_less(), ThreadPoolExecutor(max_workers=len(models) + 1) as pool:
        after = 0
        reading = pool.submit(read, after)
        while after < head:
            events, position = reading.result()
            if position < head:
                reading = pool.submit(read, position)
            list(pool.map(methodcaller("apply_batch", events, after, position), models))
            progress(position)
            after = position


@contextmanager
def _collecting_less() -> Iterator[None]:
    """Python's cyclic garbage collector, run less often for the while, and over the objects made
    since it began only (those alive before are frozen): with its defaults a rebuild of metrics
    went at two thirds of the rate. Thresholds and freezing are the process's own, so passes run
    one at a time in a process (as a rebuild's are: store after store, a share in each process)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(PASS_COLLECTION_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def catch_up(
    app: Application[Any],
    read_model: ReadModel,
    batch_size: int = BATCH_SIZE,
    stop: int | None = None,
) -> int:
    """Applies the events after the read model's position (up to `stop`), one batch; returns
    how many."""
    after = read_model.position()
    events, last = read_after(app, after, batch_size, [read_model], stop)
    if last > after:
        read_model.apply_batch(events, after, last)
    return len(events)


def catch_up_fully(app: Application[Any], read_model: ReadModel) -> None:
    """Applies everything recorded so far, alongside any runner that is applying it too."""
    while True:
        before = read_model.position()
        try:
            if catch_up(app, read_model) == 0:
                return
        except IntegrityError:
            if read_model.position() == before:
                raise  # no other runner moved it on: the read model's own fault, every time
            # another runner applied this batch first; its position stands


class LiveGenerations:
    """One read model of each kind over one datastore, each in its live generation, looked up
    at most every GENERATION_CHECK_SECONDS."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        kinds: Sequence[type[ReadModel]],
        make: Callable[[type[ReadModel], PostgresDatastore, int], ReadModel],
    ) -> None:
        self.datastore = datastore
        self._make = make
        self.models = {
            kind: make(kind, datastore, live_generation(datastore, kind.name)) for kind in kinds
        }
        self._checked_at = dict.fromkeys(self.models, time.monotonic())

    def current(self, kind: type[ReadModel]) -> ReadModel:
        now = time.monotonic()
        if now - self._checked_at[kind] > GENERATION_CHECK_SECONDS:
            self._checked_at[kind] = now
            generation = live_generation(self.datastore, kind.name)
            if generation != self.models[kind].generation:
                self.models[kind] = self._make(kind, self.datastore, generation)
        return self.models[kind]


class ProjectionRunner:
    def __init__(
        self,
        apps: Mapping[str, Application[Any]],
        database: Database,
        read_model_types: Sequence[type[ReadModel]],
        rules: ServiceRules = DEFAULT_RULES,
        blind_index: BlindIndex | None = None,
        read_database: Database | None = None,
        pool_size: int = 10,
    ) -> None:
        self.apps = dict(apps)
        self.database = database
        self.rules = rules
        self.blind_index = blind_index
        # Read models share the pool of the store they follow most: the cases'.
        self.datastore = self.apps["keywork"].recorder.datastore  # type: ignore[attr-defined]
        for kind in read_model_types:
            ensure_generation(self.datastore, kind.name)
        self._kept = LiveGenerations(self.datastore, read_model_types, self._writable)
        self._queried = self._kept
        if read_database is not None:
            database.wait_until_replayed_by(read_database)
            replica = read_database.query_datastore(pool_size)
            self._queried = LiveGenerations(replica, read_model_types, self._read_model)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        # Its threads start with the first batch applied: a runner that only reads has none.
        self._appliers = ThreadPoolExecutor(len(read_model_types), "projection-apply")

    @property
    def read_models(self) -> dict[type[ReadModel], ReadModel]:
        """The read models queries are answered from."""
        return self._queried.models

    def start(self) -> None:
        for store in dict.fromkeys(kind.follows for kind in self._kept.models):
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

    def close(self) -> None:
        """Closes the read database's pool; the primary's is the store's to close."""
        if self._queried is not self._kept:
            self._queried.datastore.close()

    def get(self, kind: type[R]) -> R:
        """The read model to query (on the read database when there is one)."""
        read_model = self._queried.current(kind)
        assert isinstance(read_model, kind)
        return read_model

    def kept(self, kind: type[R]) -> R:
        """The read model this runner writes, on the primary."""
        read_model = self._kept.current(kind)
        assert isinstance(read_model, kind)
        return read_model

    def positions(self) -> dict[str, tuple[int, int]]:
        """Each read model's position as queried, and the head of the store it follows: one
        query for the positions, one for each store's head."""
        models = list(self.read_models.values())
        heads = {
            store: self.apps[store].recorder.max_notification_id() or 0
            for store in {model.follows for model in models}
        }
        return {
            model.name: (position, heads[model.follows])
            for model, position in zip(models, ReadModel.positions(models), strict=True)
        }

    def wait_for(self, read_model: ReadModel, position: int, timeout: float) -> bool:
        """Waits until the read model has applied `position`; False if it timed out."""
        return read_model.wait_for(position, timeout)

    def _read_model(
        self, kind: type[ReadModel], datastore: PostgresDatastore, generation: int
    ) -> ReadModel:
        return kind(datastore, generation, self.rules, self.blind_index)

    def _writable(
        self, kind: type[ReadModel], datastore: PostgresDatastore, generation: int
    ) -> ReadModel:
        read_model = self._read_model(kind, datastore, generation)
        for _ in range(CREATE_ATTEMPTS - 1):
            try:
                read_model.create_table()
                return read_model
            except OperationalError as error:
                # Its CREATE ... IF NOT EXISTS locks each table in turn, while a running
                # projection process writes them in its own order: PostgreSQL ends one of the two.
                if not isinstance(error.__cause__, psycopg.errors.DeadlockDetected):
                    raise
        read_model.create_table()
        return read_model

    def _follow(self, store: str) -> None:
        app = self.apps[store]
        kinds = [kind for kind in self._kept.models if kind.follows == store]
        channel = app.recorder.channel_name  # type: ignore[attr-defined]
        follow(self.database, channel, lambda: self._step(app, kinds), self._stopping, log)

    def _step(self, app: Application[Any], kinds: Sequence[type[ReadModel]]) -> bool:
        """Reads the store's next batch once and applies it to each of its read models; returns
        whether more is waiting."""
        models = [self._kept.current(kind) for kind in kinds]
        at = ReadModel.positions(models)
        lead = max(at)
        more = False
        for number, model in enumerate(models):
            if at[number] < lead:  # behind the others: alone, up to them, then it joins them
                more |= _guarded(model, partial(catch_up, app, model, BATCH_SIZE, lead))
                at[number] = model.position()
        events, last = read_after(app, lead, BATCH_SIZE, models)
        if events:
            leaders = [model for number, model in enumerate(models) if at[number] == lead]
            # Each in a thread: they mostly wait on the database, so their waits overlap.
            list(self._appliers.map(partial(_apply_guarded, events, lead, last), leaders))
        return more or len(events) == BATCH_SIZE


def _apply_guarded(
    events: list[DomainEventProtocol[Any]], after: int, last: int, model: ReadModel
) -> bool:
    return _guarded(model, partial(model.apply_batch, events, after, last))


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
