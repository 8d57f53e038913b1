"""A rebuild split between processes, each applying the events of its share of the aggregates.

A read model's rows about one aggregate follow from that aggregate's events alone, in their
order (`ReadModel`), so it gives the same rows whichever order the aggregates are interleaved
in. So a rebuild may hand each of N processes the events whose aggregate falls in its share (by
the last byte of the aggregate's id, which is random), in the store's order: each process reads
and decodes only its share, with a core of its own. Each share keeps its own tracking row in the
new generation, so its progress can be read from outside; once every share has reached the
store's head, each read model's share rows are replaced by the store's own row at the head, in
one transaction.
"""

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from eventsourcing.application import Application
from psycopg.sql import SQL, Identifier

from projections.read_model import ReadModel
from projections.runner import Batch, apply_up_to, batch_of
from services.rules import ServiceRules
from store.blind_index import BlindIndex
from store.pages import Share, page

POLL_SECONDS = 1.0
# Opens a store's application in a process of its own (it must pickle: a partial of a function).
Opener = Callable[[], Application[Any]]


@dataclass(frozen=True)
class Split:
    """How a rebuild splits: into `shares` processes, each opening the stores with `openers`."""

    shares: int
    openers: dict[str, Opener]


@dataclass(frozen=True)
class Pass:
    """What every share of one store's pass reads: up to `head`, of `topics` (none: all)."""

    head: int
    topics: list[str]
    batch_size: int


def run_shares(
    split: Split,
    store: str,
    models: Sequence[ReadModel],
    rules: ServiceRules,
    blind_index: BlindIndex | None,
    one_pass: Pass,
    progress: Callable[[int], None],
) -> None:
    """Fills `models` (new generations, empty) with the store's events up to the head, in
    `split.shares` processes; progress is the position every share has reached."""
    made = [(type(model), model.generation) for model in models]
    context = multiprocessing.get_context("spawn")  # forked, a process copies others' locks
    with ProcessPoolExecutor(split.shares, mp_context=context) as pool:
        running = [
            pool.submit(
                _apply_share,
                split.openers[store],
                made,
                rules,
                blind_index,
                share,
                split.shares,
                one_pass,
            )
            for share in range(split.shares)
        ]
        _wait(running, models, split.shares, progress)
    _join(models, split.shares, one_pass.head)


def _apply_share(
    opener: Opener,
    made: list[tuple[type[ReadModel], int]],
    rules: ServiceRules,
    blind_index: BlindIndex | None,
    share: int,
    shares: int,
    one_pass: Pass,
) -> None:
    """One share's pass, in a process of its own: its store opened here, the read models'
    new generations written under the share's tracking row."""
    app = opener()
    try:
        datastore = app.recorder.datastore  # type: ignore[attr-defined]
        models = [kind(datastore, generation, rules, blind_index) for kind, generation in made]
        for model in models:
            model.tracks = _share_name(model, share)
        read = partial(_read_share, app, share, shares, one_pass, models)
        apply_up_to(models, read, one_pass.head, lambda position: None)
    finally:
        app.close()


def _read_share(
    app: Application[Any],
    share: int,
    shares: int,
    one_pass: Pass,
    models: Sequence[ReadModel],
    after: int,
) -> Batch:
    """The next batch of this share's events after `after` (`batch_of`)."""
    mine = Share(share, shares)
    notifications = page(
        app.recorder, after, one_pass.batch_size, one_pass.head, one_pass.topics, mine
    )
    return batch_of(app, notifications, after, one_pass.batch_size, one_pass.head, models)


def _wait(
    running: list[Future[None]],
    models: Sequence[ReadModel],
    shares: int,
    progress: Callable[[int], None],
) -> None:
    """Until every share is done (raising the first failure), reporting the position all of
    them have reached, read from their tracking rows."""
    while True:
        done = [future for future in running if future.done()]
        for future in done:
            future.result()
        progress(min(_share_positions(models[0], shares)))
        if len(done) == len(running):
            return
        time.sleep(POLL_SECONDS)


def _share_positions(model: ReadModel, shares: int) -> list[int]:
    statement = SQL(
        "SELECT application_name, notification_id FROM {table} WHERE application_name = ANY(%s)"
    ).format(table=Identifier(model.datastore.schema, model.tracking_table_name))
    names = [_share_name(model, share) for share in range(shares)]
    with model.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, (names,))
        found = {row["application_name"]: row["notification_id"] for row in cursor.fetchall()}
    return [found.get(name, 0) for name in names]


def _join(models: Sequence[ReadModel], shares: int, head: int) -> None:
    """Each read model's share rows replaced by the store's, at the head."""
    for model in models:
        table = Identifier(model.datastore.schema, model.tracking_table_name)
        names = [_share_name(model, share) for share in range(shares)]
        with model.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL("DELETE FROM {table} WHERE application_name = ANY(%s)").format(table=table),
                (names,),
            )
            cursor.execute(
                SQL(
                    "INSERT INTO {table} (application_name, notification_id) VALUES (%s, %s)"
                ).format(table=table),
                (model.follows, head),
            )


def _share_name(model: ReadModel, share: int) -> str:
    return f"{model.follows}#share{share}"
