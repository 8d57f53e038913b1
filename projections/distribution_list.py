"""Distribution list: everyone who receives a case's invites and plans, with channel and address.

Parents/carers (with parental responsibility), the key worker(s) in post, the Team Around the
Child members flagged to receive plans, and business support. Practitioners' contact details are
kept once, so a change reaches every list they are on. A young person who is their own key
worker is reached at their own details on the family list (the member named as they are), or,
with none there, listed without an address: never through their parents. The notifier sends
each signed plan to this list, so it is the one answer to who receives a plan.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from psycopg.rows import DictRow

from domain.erasure import ERASURE_EVENT
from domain.key_workers import handover_last_day
from domain.personal import ERASED
from domain.young_adults import own_place
from projections.held import HoldingCursor
from projections.read_model import Handler, ReadModel

YOUNG_PERSON = "key worker (the young person)"


@dataclass(frozen=True)
class Recipient:
    kind: str  # family, key_worker, tac, business_support
    name: str
    role: str
    channel: str
    address: str | None
    practitioner_id: UUID | None = None


class DistributionList(ReadModel):
    name = "distribution_list"
    case_tables = {
        "family": "case_id",
        "key_workers": "case_id",
        "tac": "case_id",
        "young_people": "case_id",
    }
    tables = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}family ("
        "case_id uuid NOT NULL, name text NOT NULL, relationship text NOT NULL, "
        "channel text NOT NULL, email text, postal_address text)",
        "CREATE INDEX IF NOT EXISTS {p}family_case ON {schema}.{p}family (case_id)",
        # The member's place on the referral: their copies are recorded under it, not their name.
        "ALTER TABLE {schema}.{p}family ADD COLUMN IF NOT EXISTS position int",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}key_workers ("
        "case_id uuid NOT NULL, practitioner_id uuid, parent_carer_name text, "
        "from_date date NOT NULL, until date)",
        "CREATE INDEX IF NOT EXISTS {p}key_workers_case ON {schema}.{p}key_workers (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}tac ("
        "case_id uuid NOT NULL, practitioner_id uuid NOT NULL, role text NOT NULL, "
        "receives_plans boolean NOT NULL, channel text NOT NULL, "
        "PRIMARY KEY (case_id, practitioner_id))",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}practitioners ("
        "practitioner_id uuid PRIMARY KEY, name text NOT NULL, email text, phone text, "
        "postal_address text)",
        "ALTER TABLE {schema}.{p}key_workers ADD COLUMN IF NOT EXISTS kind text",
        # The young person's own details, when the family list holds them (a member named as
        # they are), for when they are their own key worker.
        "CREATE TABLE IF NOT EXISTS {schema}.{p}young_people ("
        "case_id uuid PRIMARY KEY, position int NOT NULL, name text NOT NULL, "
        "relationship text NOT NULL, channel text NOT NULL, email text, postal_address text)",
    )

    ignores = frozenset(
        {
            "AgencyRegistered",
            "ClosureAudited",
            "ConsentGiven",
            "ConsentOverridden",
            "ConsentWithdrawn",
            "ContactCorrected",
            "ContactOverdue",
            "ReviewOverdue",
            "ReviewReportsForwarded",
            "FamilyMet",
            "KeyWorkerApproached",
            "TransitionPlanned",
            "TransitionReminderDue",
            "ContactRecorded",
            "CoverArranged",
            "CoverEnded",
            "EligibilityDecided",
            "EligibilityOverridden",
            "EventMarkedSignificant",
            "FeedbackGiven",
            "FeedbackInvited",
            "OutcomesMeasured",
            "PlanCopyFailed",
            "PlanCopySent",
            "PlanDrafted",
            "PlanSigned",
            "PractitionerLeftAgency",
            "ProtectedTimeAgreed",
            "Reopened",
            "ReviewCancelled",
            "ReviewHeld",
            "ReviewReportReceived",
            "ReviewRescheduled",
            "ReviewScheduled",
            "ServiceAgreementSigned",
            "SupervisionRecorded",
            "TrainingCompleted",
            "TransferAgreed",
        }
    )

    def handles(self) -> dict[str, Handler]:
        return {
            "Referred": self._referred,
            "KeyWorkerAllocated": self._allocated,
            "KeyWorkerHandedOver": self._handed_over,
            "Closed": self._closed,
            "TacMemberAdded": self._tac_member_set,
            "TacMemberChanged": self._tac_member_set,
            "TacMemberCorrected": self._tac_member_set,
            "TacMemberRemoved": self._tac_member_removed,
            "PractitionerRegistered": self._practitioner_registered,
            "PractitionerContactDetailsChanged": self._practitioner_changed,
            ERASURE_EVENT: self._erased,
        }

    def _erased(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}family SET name = %s, relationship = %s, email = NULL, "
                "postal_address = NULL WHERE case_id = %s"
            ),
            (ERASED, ERASED, event.originator_id),
        )
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}key_workers SET parent_carer_name = %s "
                "WHERE case_id = %s AND parent_carer_name IS NOT NULL"
            ),
            (ERASED, event.originator_id),
        )
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}young_people SET name = %s, email = NULL, "
                "postal_address = NULL WHERE case_id = %s"
            ),
            (ERASED, event.originator_id),
        )

    def _referred(self, cursor: HoldingCursor, event: Any) -> None:
        for position, member in enumerate(event.family):
            if member.has_parental_responsibility:
                self._add_member(cursor, "family", event.originator_id, position, member)
        own = own_place([member.name for member in event.family], event.child.full_name)
        if own is not None:
            self._add_member(cursor, "young_people", event.originator_id, own, event.family[own])

    def _add_member(
        self, cursor: HoldingCursor, table: str, case_id: UUID, position: int, member: Any
    ) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}" + table + " (case_id, position, name, relationship, "
                "channel, email, postal_address) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            ),
            (
                case_id,
                position,
                member.name,
                member.relationship,
                member.preferred_channel,
                member.email,
                member.postal_address,
            ),
        )

    def _add_key_worker(self, cursor: HoldingCursor, case_id: UUID, worker: Any) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}key_workers (case_id, practitioner_id, "
                "parent_carer_name, kind, from_date) VALUES (%s, %s, %s, %s, %s)"
            ),
            (
                case_id,
                worker.practitioner_id,
                worker.parent_carer_name,
                worker.kind,
                worker.from_date,
            ),
        )

    def _allocated(self, cursor: HoldingCursor, event: Any) -> None:
        self._add_key_worker(cursor, event.originator_id, event.key_worker)

    def _handed_over(self, cursor: HoldingCursor, event: Any) -> None:
        last_day = handover_last_day(event.on, event.overlap_until)
        self._end_key_working(cursor, event.originator_id, last_day)
        self._add_key_worker(cursor, event.originator_id, event.incoming)

    def _closed(self, cursor: HoldingCursor, event: Any) -> None:
        self._end_key_working(cursor, event.originator_id, event.stamp.occurred_at.date())

    def _end_key_working(self, cursor: HoldingCursor, case_id: UUID, last_day: date) -> None:
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}key_workers SET until = %s "
                "WHERE case_id = %s AND (until IS NULL OR until > %s)"
            ),
            (last_day, case_id, last_day),
        )

    def _tac_member_set(self, cursor: HoldingCursor, event: Any) -> None:
        member = event.member
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}tac (case_id, practitioner_id, role, receives_plans, "
                "channel) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (case_id, practitioner_id) "
                "DO UPDATE SET role = EXCLUDED.role, receives_plans = EXCLUDED.receives_plans, "
                "channel = EXCLUDED.channel"
            ),
            (
                event.originator_id,
                member.practitioner_id,
                member.role,
                member.receives_plans,
                member.channel,
            ),
        )

    def _tac_member_removed(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql("DELETE FROM {schema}.{p}tac WHERE case_id = %s AND practitioner_id = %s"),
            (event.originator_id, event.practitioner_id),
        )

    def _practitioner_registered(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {schema}.{p}practitioners (practitioner_id, name, email, phone, "
                "postal_address) VALUES (%s, %s, %s, %s, %s)"
            ),
            (event.originator_id, event.name, event.email, event.phone, event.postal_address),
        )

    def _practitioner_changed(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.sql(
                "UPDATE {schema}.{p}practitioners SET email = %s, phone = %s, postal_address = %s "
                "WHERE practitioner_id = %s"
            ),
            (event.email, event.phone, event.postal_address, event.originator_id),
        )

    def of(self, case_id: UUID, on: date) -> list[Recipient]:
        """Everyone on the case's list on a day (key workers are those in post that day)."""
        return [recipient for _, recipient in self.keyed(case_id, on)]

    def keyed(self, case_id: UUID, on: date) -> list[tuple[str, Recipient]]:
        """The list, each recipient with the stable key their copy of a plan is recorded under:
        `family:<place on the referral>`, `practitioner:<id>`, or their kind."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT position, name, relationship, channel, email, postal_address "
                    "FROM {schema}.{p}family WHERE case_id = %s ORDER BY name"
                ),
                (case_id,),
            )
            family = [
                (
                    f"family:{r['position']}",
                    Recipient("family", r["name"], r["relationship"], r["channel"], _address(r)),
                )
                for r in cursor.fetchall()
            ]
            cursor.execute(
                self.sql(
                    "SELECT k.practitioner_id, k.kind, y.position, "
                    "coalesce(p.name, k.parent_carer_name, y.name) AS name, "
                    "coalesce(y.channel, 'email') AS channel, coalesce(p.email, y.email) AS email, "
                    "y.postal_address FROM {schema}.{p}key_workers k "
                    "LEFT JOIN {schema}.{p}practitioners p USING (practitioner_id) "
                    "LEFT JOIN {schema}.{p}young_people y "
                    "ON y.case_id = k.case_id AND k.kind = 'young_person' "
                    "WHERE k.case_id = %s AND k.from_date <= %s "
                    "AND (k.until IS NULL OR k.until >= %s) ORDER BY k.from_date"
                ),
                (case_id, on, on),
            )
            key_workers = [_key_worker(r) for r in cursor.fetchall()]
            cursor.execute(
                self.sql(
                    "SELECT t.practitioner_id, p.name, t.role, t.channel, p.email, "
                    "p.postal_address FROM {schema}.{p}tac t JOIN {schema}.{p}practitioners p "
                    "USING (practitioner_id) WHERE t.case_id = %s AND t.receives_plans "
                    "ORDER BY p.name"
                ),
                (case_id,),
            )
            tac = [
                Recipient(
                    "tac", r["name"], r["role"], r["channel"], _address(r), r["practitioner_id"]
                )
                for r in cursor.fetchall()
            ]
        on_list = {r.practitioner_id for _, r in key_workers}
        keys = {key for key, _ in key_workers}
        return [
            *((key, r) for key, r in family if key not in keys),
            *key_workers,
            *((_key(r), r) for r in tac if r.practitioner_id not in on_list),
            ("business_support", self._business_support()),
        ]

    def _business_support(self) -> Recipient:
        """Business support, on every distribution list."""
        address = self.rules.business_support_email
        return Recipient(
            "business_support", "Business support", "business support", "email", address
        )


def _key_worker(row: DictRow) -> tuple[str, Recipient]:
    if row["kind"] != "young_person":
        worker = Recipient(
            "key_worker", row["name"], "key worker", "email", row["email"], row["practitioner_id"]
        )
        return _key(worker), worker
    name = row["name"] or "The young person"
    worker = Recipient("key_worker", name, YOUNG_PERSON, row["channel"], _address(row))
    # Their copy is recorded under their own place on the family list, as a member's is.
    place = row["position"]
    return ("key_worker:young_person" if place is None else f"family:{place}"), worker


def _key(recipient: Recipient) -> str:
    if recipient.practitioner_id is not None:
        return f"practitioner:{recipient.practitioner_id}"
    # A parent/carer key worker is known here by name only, which must not be a key.
    return "key_worker:parent_carer" if recipient.kind == "key_worker" else recipient.kind


def _address(row: DictRow) -> str | None:
    address = row["email"] if row["channel"] == "email" else row["postal_address"]
    return str(address) if address else None
