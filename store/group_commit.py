"""Group commit: appends that arrive together are committed together, in one transaction.

The store serialises appends with a table lock held until each transaction's commit (fsync
included), so writers taking turns are bounded by commits per second, however many threads wait.
Here, while one batch commits, the appends that arrive wait in a queue; the first of them to find
the committer free commits the whole queue in one transaction. A lone append commits at once (no
timer, no added wait); under load, batches grow by themselves to what accumulates during a commit.

Each append keeps its own outcome. If a batch fails on a uniqueness clash (a version clash, or a
retry's receipt), its appends are committed again one per transaction, so only the clashing one
fails. Every caller returns only after the transaction holding its events has committed.

A clash may be with the append itself: the library retries a commit whose answer was lost (the
database went away after committing), and the retry meets the events the first attempt
recorded. An append sent before in a commit whose outcome is unknown (`unsure`), whose events
are found recorded exactly as sent, has succeeded. Without an attempt gone unanswered, a clash
with the same bytes is another writer's: an answer given once, given again, is refused.
"""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError, StoredEvent

from store.receipts import Receipt

MAX_EVENTS_PER_BATCH = 2_000


@dataclass(eq=False)
class Append:
    """One save's events and receipt, and, once committed or failed, its outcome."""

    events: Sequence[StoredEvent]
    receipt: Receipt | None
    ids: Sequence[int] | None = None
    error: BaseException | None = None
    done: bool = False
    unsure: bool = False  # sent in a commit that went unanswered: it may have been recorded

    def succeed(self, ids: Sequence[int]) -> None:
        self.ids, self.done = ids, True

    def fail(self, error: BaseException) -> None:
        self.error, self.done = error, True

    def outcome(self) -> Sequence[int]:
        if self.error is not None:
            raise self.error
        assert self.ids is not None
        return self.ids


# Commits the appends in one transaction, returning each one's notification ids, in order.
CommitTogether = Callable[[list[Append]], list[Sequence[int]]]
# The notification ids of events recorded exactly as these, or None.
Recorded = Callable[[Sequence[StoredEvent]], Sequence[int] | None]


class GroupCommit:
    def __init__(self, commit_together: CommitTogether, recorded: Recorded) -> None:
        self._commit_together = commit_together
        self._recorded = recorded
        self._changed = threading.Condition()
        self._queue: list[Append] = []
        self._committing = False
        self.batches = 0  # transactions committed or attempted, for the tests

    def append(self, item: Append) -> Sequence[int]:
        with self._changed:
            self._queue.append(item)
        while True:
            with self._changed:
                while self._committing and not item.done:
                    self._changed.wait()
                if item.done:
                    return item.outcome()
                self._committing = True
                batch = self._take()
            try:
                self._commit(batch)
            finally:
                with self._changed:
                    self._committing = False
                    self._changed.notify_all()

    def queued(self) -> int:
        """How many appends wait for the committer."""
        with self._changed:
            return len(self._queue)

    def _take(self) -> list[Append]:
        """The queue's head, up to the event cap (at least one append, however large)."""
        taken, events = 0, 0
        for queued in self._queue:
            events += len(queued.events)
            if taken and events > MAX_EVENTS_PER_BATCH:
                break
            taken += 1
        batch, self._queue = self._queue[:taken], self._queue[taken:]
        return batch

    def _commit(self, batch: list[Append]) -> None:
        self.batches += 1
        try:
            ids = self._commit_together(batch)
        except IntegrityError as error:
            if len(batch) == 1:
                recorded = self._recorded(batch[0].events) if batch[0].unsure else None
                if recorded is None:
                    batch[0].fail(error)
                else:
                    batch[0].succeed(recorded)
                return
            for item in batch:  # find the one that clashes; the others commit
                self._commit([item])
        except BaseException as error:
            for item in batch:
                item.fail(error)
            if not isinstance(error, Exception):
                raise
        else:
            for item, item_ids in zip(batch, ids, strict=True):
                item.succeed(item_ids)
