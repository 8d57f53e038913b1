"""What every read model is: tables it owns, an apply per event type, and a tracking position.

A read model writes its rows and its position in one transaction, so after any crash it is exactly
consistent with a prefix of the store. Events come in batches (many events, one position), because
one transaction per event caps catch-up at the commit rate.
"""

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

Handler = Callable[[Cursor[DictRow], Any], None]


class ReadModel(PostgresTrackingRecorder):
    name: ClassVar[str]
    # CREATE statements for the tables the read model owns; {schema} is filled in.
    tables: ClassVar[Sequence[str]]

    def __init__(self, datastore: PostgresDatastore) -> None:
        super().__init__(datastore, tracking_table_name=f"{self.name}_tracking")
        self.sql_create_statements.extend(self.sql(statement) for statement in self.tables)
        self.handlers: dict[str, Handler] = self.handles()

    def sql(self, statement: str) -> Composed:
        """A statement with {schema} filled in."""
        return SQL(statement).format(schema=Identifier(self.datastore.schema))

    def handles(self) -> dict[str, Handler]:
        """The events this read model applies, by class name ("Closed"), to their apply."""
        raise NotImplementedError

    def apply_batch(self, events: Sequence[DomainEventProtocol[Any]], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for event in events:
                handler = self.handlers.get(type(event).__name__)
                if handler is not None:
                    handler(cursor, event)
            self._insert_tracking(cursor, tracking)

    def position(self, application_name: str) -> int:
        return self.max_tracking_id(application_name) or 0
