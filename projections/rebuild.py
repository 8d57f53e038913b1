"""Rebuild a read model from the store beside the live one, then switch to it.

The next generation's tables are filled from position zero in large batches while the live
generation goes on serving; once the new one has caught up with the store's head it becomes
live, and runners take it up within a second. The generation before the live one is kept for
reads still in flight and dropped at the next rebuild.
"""

from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application
from eventsourcing.postgres import PostgresDatastore

from projections.generations import ensure_generation, live_generation, switch
from projections.read_model import ReadModel
from projections.runner import catch_up
from services.rules import DEFAULT_RULES, ServiceRules
from store.blind_index import BlindIndex

REBUILD_BATCH_SIZE = 5000
Progress = Callable[[int], None]


def rebuild(
    app: Application[Any],
    datastore: PostgresDatastore,
    kind: type[ReadModel],
    progress: Progress = lambda position: None,
    rules: ServiceRules = DEFAULT_RULES,
    blind_index: BlindIndex | None = None,
) -> ReadModel:
    ensure_generation(datastore, kind.name)
    live = live_generation(datastore, kind.name)
    for old in range(1, live):
        kind(datastore, old, rules, blind_index).drop_tables()
    fresh = kind(datastore, live + 1, rules, blind_index)
    fresh.drop_tables()  # what a rebuild that died half-way left behind
    fresh.create_table()
    head = app.recorder.max_notification_id() or 0
    while fresh.position() < head:
        if catch_up(app, fresh, REBUILD_BATCH_SIZE) == 0:
            break
        progress(fresh.position())
    switch(datastore, kind.name, fresh.generation)
    return fresh
