"""Caseload: each key worker's active cases, with last contact and when the next is due.

Key worker periods, covers and contacts are kept as rows, as the case keeps them, so handovers,
overlaps, cover and corrected contacts all read right on any day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow

from domain.schedule import is_overdue, next_contact_due
from domain.stamp import event_id
from projections.read_model import Handler, ReadModel


@dataclass(frozen=True)
class CaseloadEntry:
    case_id: UUID
    allocated_from: date
    as_cover: bool
    contact_every_days: int | None
    last_contact_at: datetime | None
    next_contact_due: date | None
    contact_overdue: bool


class Caseload(ReadModel):
    name = "caseload"
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.caseload_cases ("
        "case_id uuid PRIMARY KEY, open boolean NOT NULL, contact_every_days int, "
        "agreement_signed_on date)",
        "CREATE TABLE IF NOT EXISTS {schema}.caseload_workers ("
        "case_id uuid NOT NULL, practitioner_id uuid NOT NULL, from_date date NOT NULL, "
        "until date, as_cover boolean NOT NULL)",
        "CREATE INDEX IF NOT EXISTS caseload_workers_by_practitioner "
        "ON {schema}.caseload_workers (practitioner_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.caseload_contacts ("
        "event_id uuid PRIMARY KEY, case_id uuid NOT NULL, occurred_at timestamptz NOT NULL)",
        "CREATE INDEX IF NOT EXISTS caseload_contacts_by_case "
        "ON {schema}.caseload_contacts (case_id)",
    )

    def handles(self) -> dict[str, Handler]:
        return {
            "Referred": self._referred,
            "KeyWorkerAllocated": self._allocated,
            "KeyWorkerHandedOver": self._handed_over,
            "CoverArranged": self._cover_arranged,
            "CoverEnded": self._cover_ended,
            "ServiceAgreementSigned": self._agreed,
            "ContactRecorded": self._contacted,
            "ContactCorrected": self._contact_corrected,
            "Closed": self._closed,
            "Reopened": self._reopened,
        }

    def _referred(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql("INSERT INTO {schema}.caseload_cases (case_id, open) VALUES (%s, true)"),
            (event.originator_id,),
        )

    def _add_worker(
        self,
        cursor: Cursor[DictRow],
        case_id: UUID,
        practitioner_id: UUID | None,
        from_date: date,
        until: date | None,
        as_cover: bool,
    ) -> None:
        if practitioner_id is None:  # a parent/carer key worker has no caseload here
            return
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.caseload_workers "
                "(case_id, practitioner_id, from_date, until, as_cover) VALUES (%s, %s, %s, %s, %s)"
            ),
            (case_id, practitioner_id, from_date, until, as_cover),
        )

    def _allocated(self, cursor: Cursor[DictRow], event: Any) -> None:
        worker = event.key_worker
        self._add_worker(
            cursor, event.originator_id, worker.practitioner_id, worker.from_date, None, False
        )

    def _handed_over(self, cursor: Cursor[DictRow], event: Any) -> None:
        last_day = event.overlap_until or event.on - timedelta(days=1)
        cursor.execute(
            self.sql(
                "UPDATE {schema}.caseload_workers SET until = %s "
                "WHERE case_id = %s AND NOT as_cover AND until IS NULL"
            ),
            (last_day, event.originator_id),
        )
        incoming = event.incoming
        self._add_worker(
            cursor, event.originator_id, incoming.practitioner_id, incoming.from_date, None, False
        )

    def _cover_arranged(self, cursor: Cursor[DictRow], event: Any) -> None:
        cover = event.cover
        self._add_worker(
            cursor, event.originator_id, cover.practitioner_id, cover.from_date, cover.until, True
        )

    def _cover_ended(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql(
                "UPDATE {schema}.caseload_workers SET until = %s WHERE case_id = %s AND as_cover "
                "AND from_date <= %s AND until >= %s"
            ),
            (event.on - timedelta(days=1), event.originator_id, event.on, event.on),
        )

    def _agreed(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql(
                "UPDATE {schema}.caseload_cases SET contact_every_days = %s, "
                "agreement_signed_on = %s WHERE case_id = %s"
            ),
            (event.contact_every_days, event.signed_on, event.originator_id),
        )

    def _contacted(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.caseload_contacts (event_id, case_id, occurred_at) "
                "VALUES (%s, %s, %s)"
            ),
            (
                event_id(event.originator_id, event.originator_version),
                event.originator_id,
                event.stamp.occurred_at,
            ),
        )

    def _contact_corrected(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql("UPDATE {schema}.caseload_contacts SET occurred_at = %s WHERE event_id = %s"),
            (event.contact.occurred_at, event.corrects_event_id),
        )

    def _closed(self, cursor: Cursor[DictRow], event: Any) -> None:
        closed_on = event.stamp.occurred_at.date()
        cursor.execute(
            self.sql(
                "UPDATE {schema}.caseload_cases SET open = false, contact_every_days = NULL, "
                "agreement_signed_on = NULL WHERE case_id = %s"
            ),
            (event.originator_id,),
        )
        cursor.execute(
            self.sql(
                "UPDATE {schema}.caseload_workers SET until = %s "
                "WHERE case_id = %s AND (until IS NULL OR until > %s)"
            ),
            (closed_on, event.originator_id, closed_on),
        )

    def _reopened(self, cursor: Cursor[DictRow], event: Any) -> None:
        cursor.execute(
            self.sql("UPDATE {schema}.caseload_cases SET open = true WHERE case_id = %s"),
            (event.originator_id,),
        )

    def of(self, practitioner_id: UUID, today: date) -> list[CaseloadEntry]:
        statement = self.sql(
            "SELECT w.case_id, w.from_date, w.as_cover, c.contact_every_days, "
            "c.agreement_signed_on, (SELECT max(occurred_at) FROM {schema}.caseload_contacts t "
            "WHERE t.case_id = w.case_id) AS last_contact_at "
            "FROM {schema}.caseload_workers w JOIN {schema}.caseload_cases c USING (case_id) "
            "WHERE w.practitioner_id = %s AND c.open AND w.from_date <= %s "
            "AND (w.until IS NULL OR w.until >= %s) ORDER BY w.from_date, w.case_id"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (practitioner_id, today, today))
            rows = cursor.fetchall()
        return [_entry(row, today) for row in rows]


def _entry(row: DictRow, today: date) -> CaseloadEntry:
    due = None
    if row["contact_every_days"] is not None:
        last = row["last_contact_at"].date() if row["last_contact_at"] else None
        due = next_contact_due(last, row["agreement_signed_on"], row["contact_every_days"])
    return CaseloadEntry(
        case_id=row["case_id"],
        allocated_from=row["from_date"],
        as_cover=row["as_cover"],
        contact_every_days=row["contact_every_days"],
        last_contact_at=row["last_contact_at"],
        next_contact_due=due,
        contact_overdue=is_overdue(due, today),
    )
