"""The child index: how a child's case is found by NHS number, or by name and date of birth,
without their details in clear anywhere but the sealed events.

For each case it keeps the blind values of the child's details (`store/blind_index.py`: keyed
hashes under the search key) and what a search needs besides: the case's area, and the day it
was closed while it is closed. A child's details are set at referral and cannot be corrected
(`domain/corrections.py` corrects contacts and Team Around the Child members only), so the
referral is the one event that gives them. An erasure drops the case from the index; a rebuild
reads an erased child's details as placeholders, which give no blind value.

It needs the search key, given as a `BlindIndex` by whoever makes it (the runner and a rebuild,
from `KEYWORK_SEARCH_KEY`): the same key must index and search, so it is never made up here.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.closure import RETURN_WINDOW_DAYS
from domain.erasure import ERASURE_EVENT
from projections.held import HoldingCursor
from projections.read_model import Handler, ReadModel, every_event_but
from store.blind_index import BlindIndex, IndexKind, Sought

# What a search goes by, of the details it is given: the most telling first.
SEARCHED_BY: tuple[IndexKind, ...] = ("nhs_number", "full_name_and_birth", "family_name_and_birth")


@dataclass(frozen=True)
class IndexedCase:
    """A case whose child matched, and by which of their details."""

    case_id: UUID
    matched_by: frozenset[IndexKind]
    closed_on: date | None


class ChildIndex(ReadModel):
    name = "child_index"
    case_tables = {"cases": "case_id", "blind_values": "case_id"}
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}cases ("
        "case_id uuid PRIMARY KEY, area text NOT NULL, closed_on date)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}blind_values ("
        "case_id uuid NOT NULL, kind text NOT NULL, blind_value text NOT NULL, "
        "PRIMARY KEY (case_id, kind))",
        "CREATE INDEX IF NOT EXISTS {p}blind_values_value "
        "ON {schema}.{p}blind_values (blind_value)",
    )
    ignores = every_event_but("Referred", "Closed", "Reopened", ERASURE_EVENT)

    @property
    def index(self) -> BlindIndex:
        if self.blind_index is None:
            raise ValueError("the child index needs the search key's blind index")
        return self.blind_index

    def handles(self) -> dict[str, Handler]:
        _ = self.index  # so that, made without the search key, it refuses at once
        return {
            "Referred": self._referred,
            "Closed": self._closed,
            "Reopened": self._reopened,
            ERASURE_EVENT: self._erased,
        }

    def _referred(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql("INSERT INTO {schema}.{p}cases (case_id, area) VALUES (%s, %s)"),
            (event.originator_id, event.area),
        )
        child = event.child
        details = Sought(child.nhs_number, child.family_name, child.date_of_birth, child.given_name)
        for kind, value in self.index.values_of(details).items():
            cursor.execute(
                self.sql(
                    "INSERT INTO {schema}.{p}blind_values (case_id, kind, blind_value) "
                    "VALUES (%s, %s, %s)"
                ),
                (event.originator_id, kind, value),
            )

    def _closed(self, cursor: HoldingCursor, event: Any) -> None:
        self._set_closed_on(cursor, event.originator_id, event.stamp.occurred_at.date())

    def _reopened(self, cursor: HoldingCursor, event: Any) -> None:
        self._set_closed_on(cursor, event.originator_id, None)

    def _set_closed_on(self, cursor: HoldingCursor, case_id: UUID, day: date | None) -> None:
        cursor.execute(
            self.sql("UPDATE {schema}.{p}cases SET closed_on = %s WHERE case_id = %s"),
            (day, case_id),
        )

    def _erased(self, cursor: HoldingCursor, event: Any) -> None:
        for table in ("blind_values", "cases"):
            cursor.execute(
                self.sql("DELETE FROM {schema}.{p}" + table + " WHERE case_id = %s"),
                (event.originator_id,),
            )

    def find(self, sought: Sought, area: str | None) -> list[IndexedCase]:
        """The cases of the area whose child has the NHS number sought, or else the family name
        and date of birth sought (and the given name, when one is given)."""
        values = self.index.values_of(sought)
        for kind in SEARCHED_BY:
            if kind in values:
                return self._matching([values[kind]], area, None)
        return []

    def possible_existing_cases(
        self, child: Sought, area: str | None, today: date
    ) -> list[IndexedCase]:
        """The area's open cases, and those closed within the reopen window or the year a new
        referral is a return, whose child has the same NHS number, or the same names and date of
        birth."""
        values = self.index.values_of(child)
        wanted = [values[kind] for kind in ("nhs_number", "full_name_and_birth") if kind in values]
        since = today - timedelta(days=max(self.rules.reopen_window_days, RETURN_WINDOW_DAYS))
        return self._matching(wanted, area, since)

    def _matching(
        self, values: Collection[str], area: str | None, closed_since: date | None
    ) -> list[IndexedCase]:
        if not values or area is None:
            return []
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT v.case_id, array_agg(v.kind ORDER BY v.kind) AS kinds, c.closed_on "
                    "FROM {schema}.{p}blind_values v JOIN {schema}.{p}cases c USING (case_id) "
                    "WHERE v.blind_value = ANY(%(values)s) AND c.area = %(area)s "
                    "AND (%(since)s::date IS NULL OR c.closed_on IS NULL "
                    "OR c.closed_on >= %(since)s) "
                    "GROUP BY v.case_id, c.closed_on ORDER BY v.case_id"
                ),
                {"values": list(values), "area": area, "since": closed_since},
            )
            rows = cursor.fetchall()
        return [
            IndexedCase(row["case_id"], frozenset(row["kinds"]), row["closed_on"]) for row in rows
        ]
