"""The directory: agencies, and the practitioners who work for them, for listing and choosing.

One row an agency and one a practitioner, as they stand now: name, role title, agency, team and
the day they left. Contact details stay on the practitioner (`GET /practitioners/{id}`): a list
of staff needs none, and the fewer copies of them the better.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from projections.held import HoldingCursor
from projections.read_model import Handler, ReadModel, every_event_but


@dataclass(frozen=True)
class AgencyEntry:
    agency_id: UUID
    name: str
    sector: str


@dataclass(frozen=True)
class PractitionerEntry:
    practitioner_id: UUID
    name: str
    role_title: str
    agency_id: UUID
    agency_name: str | None
    team_id: str | None
    left_on: date | None


class Directory(ReadModel):
    name = "directory"
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}agencies ("
        "agency_id uuid PRIMARY KEY, name text NOT NULL, sector text NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {p}agencies_name ON {schema}.{p}agencies (name, agency_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}practitioners ("
        "practitioner_id uuid PRIMARY KEY, name text NOT NULL, role_title text NOT NULL, "
        "agency_id uuid NOT NULL, team_id text, left_on date)",
        "CREATE INDEX IF NOT EXISTS {p}practitioners_name "
        "ON {schema}.{p}practitioners (name, practitioner_id)",
    )
    # Only the directory's own events; contact details are not listed.
    ignores = every_event_but(
        "AgencyRegistered", "PractitionerRegistered", "PractitionerLeftAgency"
    )

    def handles(self) -> dict[str, Handler]:
        return {
            "AgencyRegistered": self._agency_registered,
            "PractitionerRegistered": self._practitioner_registered,
            "PractitionerLeftAgency": self._practitioner_left,
        }

    def _agency_registered(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}agencies (agency_id, name, sector) VALUES (%s, %s, %s)"
            ),
            (event.originator_id, event.name, event.sector),
        )

    def _practitioner_registered(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}practitioners (practitioner_id, name, role_title, "
                "agency_id, team_id) VALUES (%s, %s, %s, %s, %s)"
            ),
            (event.originator_id, event.name, event.role_title, event.agency_id, event.team_id),
        )

    def _practitioner_left(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}practitioners SET left_on = %s WHERE practitioner_id = %s"
            ),
            (event.on, event.originator_id),
        )

    def agencies(self, limit: int | None = None, offset: int = 0) -> list[AgencyEntry]:
        """The agencies by name: all of them, or a page of `limit`."""
        statement = self.sql(
            "SELECT agency_id, name, sector FROM {schema}.{p}agencies "
            "ORDER BY name, agency_id LIMIT %s OFFSET %s"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (limit, offset))
            return [AgencyEntry(**row) for row in cursor.fetchall()]

    def practitioners(self, limit: int | None = None, offset: int = 0) -> list[PractitionerEntry]:
        """The practitioners by name, each with their agency's name: all, or a page of `limit`."""
        statement = self.sql(
            "SELECT p.practitioner_id, p.name, p.role_title, p.agency_id, "
            "a.name AS agency_name, p.team_id, p.left_on "
            "FROM {schema}.{p}practitioners p LEFT JOIN {schema}.{p}agencies a "
            "ON a.agency_id = p.agency_id ORDER BY p.name, p.practitioner_id LIMIT %s OFFSET %s"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (limit, offset))
            return [PractitionerEntry(**row) for row in cursor.fetchall()]
