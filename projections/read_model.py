"""What every read model is: tables it owns, an apply per event type, and a tracking position.

A read model writes its rows and its position in one transaction, so after any crash it is exactly
consistent with a prefix of the store. Its commits do not wait for the disk: a crash of PostgreSQL
may take back its last moments, rows and position together, and they are applied again. Events
come in batches (many events, one position), because one transaction per event caps catch-up at
the commit rate. A batch moves the position on only from where it started, so two runners that
read the same events in batches of different lengths cannot both apply them.
"""

import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from domain.catalogue import AGGREGATES, events_of
from projections.held import HoldingCursor
from services.rules import DEFAULT_RULES, ServiceRules
from store.blind_index import BlindIndex
from store.sealing import Opening, paths_under

Handler = Callable[[HoldingCursor, Any], None]


def every_event_but(*handled: str) -> frozenset[str]:
    """What a read model that needs only a few kinds of event ignores: every other one of the
    service's events, those added later included."""
    every = {kind.__name__ for aggregate in AGGREGATES for kind in events_of(aggregate)}
    return frozenset(every - set(handled))


class ReadModel(PostgresTrackingRecorder):
    """One generation of a read model: its tables are named `<name>_g<generation>_<table>`.

    A rebuild fills the next generation beside the live one, then switches to it. Its rows about
    one aggregate follow from that aggregate's events alone, in their order (a practitioner's
    details are joined to a case's rows when read, not copied when applied): so a rebuild may
    split the store by aggregate between processes (shares.py; test_one_reader.py proves it).
    """

    name: ClassVar[str]
    # The application whose events it follows.
    follows: ClassVar[str] = "keywork"
    # CREATE statements for the tables it owns; {schema} and the table prefix {p} are filled in.
    tables: ClassVar[Sequence[str]]
    # Its tables with rows about one case, and the column naming the case: for subject access.
    case_tables: ClassVar[dict[str, str]] = {}
    # The events of the application it follows that it leaves aside on purpose: with those it
    # handles, every one (tests/integration/test_read_model_events.py).
    ignores: ClassVar[frozenset[str]] = frozenset()
    # The events whose personal fields (domain/personal.py) it reads, by class name ("Closed"),
    # or the fields, by their path in the event ("Referred.child.date_of_birth"); None: every
    # one of every event it applies. The rest reach it still `Sealed` (store/sealing.py).
    reads_personal: ClassVar[frozenset[str] | None] = None

    def __init__(
        self,
        datastore: PostgresDatastore,
        generation: int = 1,
        rules: ServiceRules = DEFAULT_RULES,
        blind_index: BlindIndex | None = None,
    ) -> None:
        self.generation = generation
        self.rules = rules  # what the service is configured with, where a read model needs it
        # The search key's blind index, for a read model that finds children by their details.
        # A secret, so not among the rules: the runner and a rebuild hand it to every read model
        # they make, as they hand them the rules, and the one that indexes children requires it.
        self.blind_index = blind_index
        self.prefix = f"{self.name}_g{generation}_"
        # Its tracking row's name: the store's, or a share's while a split rebuild fills it.
        self.tracks = self.follows
        self._tables: dict[str, Composed] = {}
        super().__init__(datastore, tracking_table_name=f"{self.prefix}tracking")
        self.sql_create_statements.extend(self.sql(statement) for statement in self.tables)
        # The library's upsert takes any higher position; this one only the batch's start.
        self._advance = self.sql(
            "INSERT INTO {schema}.{p}tracking (application_name, notification_id) "
            "VALUES (%(follows)s, %(position)s) ON CONFLICT (application_name) DO UPDATE "
            "SET notification_id = excluded.notification_id "
            "WHERE {schema}.{p}tracking.notification_id = %(after)s RETURNING notification_id"
        )
        self.handlers: dict[str, Handler] = self.handles()

    def sql(self, statement: str) -> Composed:
        """A statement with {schema} and the table prefix {p} filled in."""
        return SQL(statement).format(schema=Identifier(self.datastore.schema), p=SQL(self.prefix))

    def table(self, name: str) -> Composed:
        """One of its tables, by its name without the prefix."""
        if name not in self._tables:
            self._tables[name] = self.sql("{schema}.{p}" + name)
        return self._tables[name]

    def drop_tables(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
                (self.datastore.schema, self.prefix.replace("_", "\\_") + "%"),
            )
            for row in cursor.fetchall():
                table = Identifier(self.datastore.schema, row["tablename"])
                cursor.execute(SQL("DROP TABLE {table}").format(table=table))

    def handles(self) -> dict[str, Handler]:
        """The events this read model applies, by class name ("Closed"), to their apply.

        The name "*" stands for every event without a handler of its own and not ignored.
        """
        raise NotImplementedError

    def applies(self, name: str) -> bool:
        """Whether it applies events of the class named `name`."""
        return name not in self.ignores and (name in self.handlers or "*" in self.handlers)

    def opens(self, name: str) -> Opening:
        """Which personal fields of events of the class `name` it needs opened."""
        if not self.applies(name):
            return False
        fields = paths_under(self.reads_personal, name)
        return True if fields is None else fields

    def apply_batch(
        self, events: Sequence[DomainEventProtocol[Any]], after: int, position: int
    ) -> None:
        """Applies the events that follow position `after`, up to `position`; IntegrityError
        if the read model is no longer at `after` (another runner applied them)."""
        with self.datastore.transaction(commit=True) as opened:
            connection = opened.connection
            # Statements are not prepared here: after an error in a pipeline the server skips
            # the rest, and prepared ones would be out of step with the connection's cache.
            threshold, connection.prepare_threshold = connection.prepare_threshold, None
            try:
                # In a pipeline the statements go without waiting on each other's round trip.
                with connection.pipeline(), HoldingCursor(connection) as cursor:
                    # Derived data, so its commit does not wait for the WAL to reach the disk,
                    # where it would queue with the commands' own commits.
                    cursor.execute("SET LOCAL synchronous_commit TO off")
                    for event in events:
                        name = type(event).__name__
                        if self.applies(name):
                            (self.handlers.get(name) or self.handlers["*"])(cursor, event)
                    cursor.send_held()
                    # On a cursor of its own, as it reads its result back: the results of the
                    # statements before it arrive on `cursor` meanwhile.
                    self._move_on(connection.cursor(), after, position)
            finally:
                connection.prepare_threshold = threshold

    def _move_on(self, cursor: Cursor[DictRow], after: int, position: int) -> None:
        moves = {"follows": self.tracks, "after": after, "position": position}
        cursor.execute(self._advance, moves)
        if cursor.fetchone() is None:
            raise IntegrityError(f"{self.name} is no longer at {after}")

    def rows_about(self, case_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every row this read model holds about one case, by table."""
        found = {}
        with self.datastore.transaction(commit=False) as cursor:
            for table, column in self.case_tables.items():
                cursor.execute(
                    SQL("SELECT * FROM {table} WHERE {column}::text = %s").format(
                        table=Identifier(self.datastore.schema, self.prefix + table),
                        column=Identifier(column),
                    ),
                    (case_id,),
                )
                found[table] = [dict(row) for row in cursor.fetchall()]
        return found

    def position(self) -> int:
        return self.max_tracking_id(self.tracks) or 0

    @staticmethod
    def positions(models: Sequence["ReadModel"]) -> list[int]:
        """Each read model's position, in one statement: they share the first one's datastore."""
        if not models:
            return []
        datastore = models[0].datastore
        each = [
            SQL(
                "(SELECT max(notification_id) FROM {table} WHERE application_name = %s) AS {as_}"
            ).format(
                table=Identifier(datastore.schema, model.tracking_table_name),
                as_=Identifier(f"p{number}"),
            )
            for number, model in enumerate(models)
        ]
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(SQL("SELECT ") + SQL(", ").join(each), [m.tracks for m in models])
            row = cursor.fetchone()
        assert row is not None
        return [int(value or 0) for value in row.values()]

    def wait_for(self, position: int, timeout: float) -> bool:
        """Waits until this read model has applied `position`; False if it timed out."""
        deadline = time.monotonic() + timeout
        while self.position() < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True
