"""Caseload: each key worker's active cases, with last contact and when the next is due."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from domain.schedule import is_overdue, next_contact_due
from projections.read_model import Handler, ReadModel


@dataclass(frozen=True)
class CaseloadEntry:
    case_id: UUID
    allocated_from: date
    contact_every_days: int | None
    last_contact_at: datetime | None
    next_contact_due: date | None
    contact_overdue: bool


class Caseload(ReadModel):
    name = "caseload"
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.caseload ("
        "case_id uuid PRIMARY KEY, status text NOT NULL, key_worker_id uuid, "
        "allocated_from date, contact_every_days int, agreement_signed_on date, "
        "last_contact_at timestamptz)",
        "CREATE INDEX IF NOT EXISTS caseload_by_key_worker "
        "ON {schema}.caseload (key_worker_id) WHERE status = 'active'",
    )

    def handles(self) -> dict[str, Handler]:
        return {
            "Case.Referred": self._referred,
            "Case.KeyWorkerAllocated": self._allocated,
            "Case.ServiceAgreementSigned": self._agreed,
            "Case.ContactRecorded": self._contacted,
            "Case.Closed": self._closed,
            "Case.Reopened": self._reopened,
        }

    def _update(self, cursor: Cursor[DictRow], event: Any, assignments: str, *values: Any) -> None:
        statement = SQL("UPDATE {table} SET " + assignments + " WHERE case_id = %s").format(
            table=Identifier(self.datastore.schema, "caseload")
        )
        cursor.execute(statement, (*values, event.originator_id), prepare=True)

    def _referred(self, cursor: Cursor[DictRow], event: Any) -> None:
        statement = SQL("INSERT INTO {table} (case_id, status) VALUES (%s, 'referred')").format(
            table=Identifier(self.datastore.schema, "caseload")
        )
        cursor.execute(statement, (event.originator_id,), prepare=True)

    def _allocated(self, cursor: Cursor[DictRow], event: Any) -> None:
        self._update(
            cursor,
            event,
            "status = 'active', key_worker_id = %s, allocated_from = %s",
            event.practitioner_id,
            event.from_date,
        )

    def _agreed(self, cursor: Cursor[DictRow], event: Any) -> None:
        self._update(
            cursor,
            event,
            "contact_every_days = %s, agreement_signed_on = %s",
            event.contact_every_days,
            event.signed_on,
        )

    def _contacted(self, cursor: Cursor[DictRow], event: Any) -> None:
        # Contacts arrive out of order: keep the latest by when it occurred.
        self._update(
            cursor,
            event,
            "last_contact_at = GREATEST(last_contact_at, %s)",
            event.stamp.occurred_at,
        )

    def _closed(self, cursor: Cursor[DictRow], event: Any) -> None:
        self._update(
            cursor,
            event,
            "status = 'closed', key_worker_id = NULL, allocated_from = NULL, "
            "contact_every_days = NULL, agreement_signed_on = NULL",
        )

    def _reopened(self, cursor: Cursor[DictRow], event: Any) -> None:
        self._update(cursor, event, "status = 'reopened'")

    def of(self, practitioner_id: UUID, today: date) -> list[CaseloadEntry]:
        statement = SQL(
            "SELECT case_id, allocated_from, contact_every_days, agreement_signed_on, "
            "last_contact_at FROM {table} WHERE key_worker_id = %s AND status = 'active' "
            "ORDER BY allocated_from, case_id"
        ).format(table=Identifier(self.datastore.schema, "caseload"))
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (practitioner_id,), prepare=True)
            rows = cursor.fetchall()
        return [_entry(row, today) for row in rows]


def _entry(row: DictRow, today: date) -> CaseloadEntry:
    due = None
    if row["contact_every_days"] is not None:
        last = row["last_contact_at"].date() if row["last_contact_at"] else None
        due = next_contact_due(last, row["agreement_signed_on"], row["contact_every_days"])
    return CaseloadEntry(
        case_id=row["case_id"],
        allocated_from=row["allocated_from"],
        contact_every_days=row["contact_every_days"],
        last_contact_at=row["last_contact_at"],
        next_contact_due=due,
        contact_overdue=is_overdue(due, today),
    )
