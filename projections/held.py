"""A batch's inserts, held back and sent as one statement for each table.

Most of what a read model does with a batch of events is insert rows, and a statement for each
row cost psycopg and PostgreSQL several times what the row itself does (a rebuild of key working
spent three quarters of its time on them). The cursor a batch is applied with holds plain inserts
back and sends those into one table, with the same columns, as one multi-row INSERT, just before
any other statement goes: so every statement still finds every row inserted before it, in order.
A statement on one table alone (`execute_on`) goes after that table's rows only.
"""

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Self

from psycopg import Connection, Cursor, RawCursor
from psycopg.rows import DictRow, dict_row
from psycopg.sql import SQL, Composable, Composed, Identifier

# The protocol's limit on one statement's parameters.
MOST_PARAMETERS = 65_535

_Key = tuple[int, tuple[str, ...]]


class HoldingCursor(Cursor[DictRow]):
    def __init__(self, connection: Connection[Any]) -> None:
        super().__init__(connection, row_factory=dict_row)
        # By table (by its identity, so `_statements` keeps it alive) and columns: the start of
        # the statement inserting them, and the rows held.
        self._held: dict[_Key, tuple[bytes, list[Sequence[Any]]]] = {}
        # By table and shape: the table and the statement's text.
        self._statements: dict[tuple[int, Hashable], tuple[Composed, bytes]] = {}
        # Sent with PostgreSQL's own placeholders ($1), which psycopg passes on as they are:
        # it would otherwise parse each long statement's text for its %s.
        self._sender = RawCursor(connection)

    def statement(self, table: Composed, shape: Hashable, make: Callable[[], Composable]) -> bytes:
        """The text of the statement about `table` that `shape` names, made by `make` once for
        the cursor's life: composing it again for each event cost a rebuild a tenth of its time."""
        key = (id(table), shape)
        if key not in self._statements:
            self._statements[key] = (table, make().as_bytes(self))
        return self._statements[key][1]

    def hold(self, table: Composed, row: dict[str, Any]) -> None:
        """Inserts `row` into `table` with the next statement sent, or with `send_held`."""
        columns = tuple(row)
        key = (id(table), columns)
        if key not in self._held:
            start = self.statement(
                table,
                ("insert", columns),
                lambda: SQL("INSERT INTO {table} ({columns}) VALUES ").format(
                    table=table, columns=SQL(", ").join(map(Identifier, columns))
                ),
            )
            self._held[key] = (start, [])
        self._held[key][1].append(tuple(row.values()))

    def send_held(self) -> None:
        self._send(list(self._held))

    def execute(self, query: Any, params: Any = None, **options: Any) -> Self:
        self.send_held()
        return super().execute(query, params, **options)

    def execute_on(self, table: Composed, query: bytes, params: Sequence[Any]) -> None:
        """Executes `query`, which reads and writes `table` alone, after the rows held for that
        table: the others wait, so that a table's rows go in a few statements, not one for each
        case whose events come between statements on other tables. Held rows are found by the
        table's identity: the same object they were held with (`ReadModel.table` keeps one)."""
        self._send([key for key in self._held if key[0] == id(table)])
        super().execute(query, params)

    def _send(self, keys: list[_Key]) -> None:
        for key in keys:
            start, rows = self._held.pop(key)
            columns = len(key[1])
            most = MOST_PARAMETERS // columns
            for first in range(0, len(rows), most):
                chunk = rows[first : first + most]
                values = [value for row in chunk for value in row]
                self._sender.execute(start + _placeholders(columns, len(chunk)), values)

    def close(self) -> None:
        self._sender.close()
        super().close()


def _placeholders(columns: int, rows: int) -> bytes:
    """The placeholders of `rows` rows of `columns` values: two of two are ($1, $2), ($3, $4)."""
    numbers = iter(range(1, columns * rows + 1))
    return b", ".join(
        b"(" + b", ".join(b"$%d" % next(numbers) for _ in range(columns)) + b")"
        for _ in range(rows)
    )
