"""Key working over time: who held the role (and cover) on which days, agreements, contacts,
reviews — each row with its history in recorded time.

It answers "who is the key worker" and the caseloads, as at any date (by when things occurred)
and as known at any time (by when they were recorded), without replaying the store.
"""

from datetime import date
from functools import cached_property
from typing import Any, ClassVar
from uuid import UUID

from domain.erasure import ERASURE_EVENT
from domain.key_workers import cover_last_day, handover_last_day
from domain.personal import ERASED
from domain.stamp import event_id
from projections import history
from projections.held import HoldingCursor
from projections.read_model import Handler, ReadModel


class KeyWorkingFacts:
    """The key working facts: periods of key worker and cover, agreements, contacts, reviews, and
    practitioners with their training and supervision. Their tables and how each event changes
    them, for every read model that keeps these facts in tables of its own."""

    case_tables: ClassVar[dict[str, str]] = {
        "periods": "case_id",
        "agreements": "case_id",
        "contacts": "case_id",
        "reviews": "case_id",
    }
    # The parent carer who is key worker is named on the period (a `KeyWorker`'s only personal
    # field); nothing else personal is kept.
    reads_personal: ClassVar[frozenset[str]] = frozenset(
        {"KeyWorkerAllocated", "KeyWorkerHandedOver"}
    )
    tables: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS {schema}.{p}periods ("
        "case_id uuid NOT NULL, seq int NOT NULL, role text NOT NULL, practitioner_id uuid, "
        "parent_carer_name text, kind text, from_date date NOT NULL, until date, closed_on date, "
        "recorded_from timestamptz NOT NULL, recorded_until timestamptz)",
        "CREATE INDEX IF NOT EXISTS {p}periods_case ON {schema}.{p}periods (case_id)",
        "CREATE INDEX IF NOT EXISTS {p}periods_practitioner "
        "ON {schema}.{p}periods (practitioner_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}agreements ("
        "case_id uuid NOT NULL, contact_every_days int NOT NULL, signed_on date NOT NULL, "
        "ended_on date, recorded_from timestamptz NOT NULL, recorded_until timestamptz)",
        "CREATE INDEX IF NOT EXISTS {p}agreements_case ON {schema}.{p}agreements (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}contacts ("
        "case_id uuid NOT NULL, event_id uuid NOT NULL, occurred_at timestamptz NOT NULL, "
        "recorded_from timestamptz NOT NULL, recorded_until timestamptz)",
        "CREATE INDEX IF NOT EXISTS {p}contacts_case ON {schema}.{p}contacts (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}reviews ("
        "case_id uuid NOT NULL, review_id uuid NOT NULL, meeting_on date NOT NULL, "
        "status text NOT NULL, next_review_on date, "
        "recorded_from timestamptz NOT NULL, recorded_until timestamptz)",
        "CREATE INDEX IF NOT EXISTS {p}reviews_case ON {schema}.{p}reviews (case_id)",
        "ALTER TABLE {schema}.{p}reviews ADD COLUMN IF NOT EXISTS held_on date",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}practitioners ("
        "practitioner_id uuid PRIMARY KEY, name text NOT NULL, email text, phone text, "
        "team_id text)",
        "CREATE INDEX IF NOT EXISTS {p}practitioners_team ON {schema}.{p}practitioners (team_id)",
        "ALTER TABLE {schema}.{p}practitioners ADD COLUMN IF NOT EXISTS registered_on date",
        # The workforce: practitioners' training and supervision (no case in them).
        "CREATE TABLE IF NOT EXISTS {schema}.{p}trainings (practitioner_id uuid NOT NULL, "
        "course text NOT NULL, completed_on date NOT NULL, expires_on date, "
        "recorded_from timestamptz NOT NULL, recorded_until timestamptz)",
        "CREATE INDEX IF NOT EXISTS {p}trainings_practitioner "
        "ON {schema}.{p}trainings (practitioner_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}supervisions (practitioner_id uuid NOT NULL, "
        "held_on date NOT NULL, recorded_from timestamptz NOT NULL, recorded_until timestamptz)",
        "CREATE INDEX IF NOT EXISTS {p}supervisions_practitioner "
        "ON {schema}.{p}supervisions (practitioner_id)",
    )

    def __init__(self, model: ReadModel) -> None:
        self.model = model

    def handles(self) -> dict[str, Handler]:
        return {
            ERASURE_EVENT: self._erased,
            "KeyWorkerAllocated": self._allocated,
            "KeyWorkerHandedOver": self._handed_over,
            "CoverArranged": self._cover_arranged,
            "CoverEnded": self._cover_ended,
            "ServiceAgreementSigned": self._agreed,
            "ContactRecorded": self.contacted,
            "ContactCorrected": self.contact_corrected,
            "ReviewScheduled": self._review_scheduled,
            "ReviewRescheduled": self._review_rescheduled,
            "ReviewCancelled": self._review_cancelled,
            "ReviewHeld": self._review_held,
            "Closed": self.closed,
            "PractitionerRegistered": self._practitioner_registered,
            "PractitionerContactDetailsChanged": self._practitioner_changed,
            "TrainingCompleted": self._trained,
            "SupervisionRecorded": self._supervised,
        }

    def _erased(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.model.sql(
                "UPDATE {schema}.{p}periods SET parent_carer_name = %s "
                "WHERE case_id = %s AND parent_carer_name IS NOT NULL"
            ),
            (ERASED, event.originator_id),
        )

    def _add_period(
        self, cursor: HoldingCursor, event: Any, role: str, worker: Any, until: date | None
    ) -> None:
        history.insert_numbered(
            cursor,
            self.model.table("periods"),
            {
                "case_id": event.originator_id,
                "role": role,
                "practitioner_id": worker.practitioner_id,
                "parent_carer_name": getattr(worker, "parent_carer_name", None),
                "kind": getattr(worker, "kind", None),
                "from_date": worker.from_date,
            }
            | ({"until": until} if until else {}),
            event.stamp.recorded_at,
            number="seq",
            within="case_id",
        )

    def _allocated(self, cursor: HoldingCursor, event: Any) -> None:
        self._add_period(cursor, event, "key_worker", event.key_worker, None)

    def _handed_over(self, cursor: HoldingCursor, event: Any) -> None:
        outgoing = (
            "seq = (SELECT max(seq) FROM {table} WHERE case_id = %s AND role = 'key_worker' "
            "AND recorded_until IS NULL)"
        )
        history.change(
            cursor,
            self.model.table("periods"),
            {"case_id": event.originator_id, "role": "key_worker"},
            {"until": handover_last_day(event.on, event.overlap_until)},
            event.stamp.recorded_at,
            where=(outgoing, [event.originator_id]),
        )
        self._add_period(cursor, event, "key_worker", event.incoming, None)

    def _cover_arranged(self, cursor: HoldingCursor, event: Any) -> None:
        self._add_period(cursor, event, "cover", event.cover, event.cover.until)

    def _cover_ended(self, cursor: HoldingCursor, event: Any) -> None:
        history.change(
            cursor,
            self.model.table("periods"),
            {"case_id": event.originator_id, "role": "cover"},
            {"until": cover_last_day(event.on)},
            event.stamp.recorded_at,
            where=("from_date <= %s AND until >= %s", [event.on, event.on]),
        )

    def closed(self, cursor: HoldingCursor, event: Any) -> None:
        """A period of key worker or cover not yet begun is gone; one running past the day
        ends on it."""
        closed_on = event.stamp.occurred_at.date()
        at = event.stamp.recorded_at
        periods, case = self.model.table("periods"), {"case_id": event.originator_id}
        history.end(cursor, periods, case, at, where=("from_date > %s", [closed_on]))
        running = "from_date <= %s AND (until IS NULL OR until > %s)"
        changes = {"until": closed_on, "closed_on": closed_on}
        history.change(cursor, periods, case, changes, at, where=(running, [closed_on] * 2))
        in_force = {"case_id": event.originator_id, "ended_on": None}
        history.change(
            cursor, self.model.table("agreements"), in_force, {"ended_on": closed_on}, at
        )

    def _agreed(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "case_id": event.originator_id,
            "contact_every_days": event.contact_every_days,
            "signed_on": event.signed_on,
        }
        history.insert(cursor, self.model.table("agreements"), row, event.stamp.recorded_at)

    def contacted(self, cursor: HoldingCursor, event: Any) -> None:
        self.add_contact(cursor, event, event_id(event.originator_id, event.originator_version))

    def add_contact(self, cursor: HoldingCursor, event: Any, contact: UUID) -> None:
        """The contact recorded by `event`, whose id is `contact`."""
        row = {
            "case_id": event.originator_id,
            "event_id": contact,
            "occurred_at": event.stamp.occurred_at,
        }
        history.insert(cursor, self.model.table("contacts"), row, event.stamp.recorded_at)

    def contact_corrected(self, cursor: HoldingCursor, event: Any) -> None:
        key = {"case_id": event.originator_id, "event_id": event.corrects_event_id}
        changes = {"occurred_at": event.contact.occurred_at}
        history.change(cursor, self.model.table("contacts"), key, changes, event.stamp.recorded_at)

    def _review_scheduled(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "case_id": event.originator_id,
            "review_id": event.review_id,
            "meeting_on": event.at.date(),
            "status": "scheduled",
        }
        history.insert(cursor, self.model.table("reviews"), row, event.stamp.recorded_at)

    def _change_review(self, cursor: HoldingCursor, event: Any, changes: dict[str, Any]) -> None:
        key = {"case_id": event.originator_id, "review_id": event.review_id}
        history.change(cursor, self.model.table("reviews"), key, changes, event.stamp.recorded_at)

    def _review_rescheduled(self, cursor: HoldingCursor, event: Any) -> None:
        self._change_review(cursor, event, {"meeting_on": event.at.date()})

    def _review_cancelled(self, cursor: HoldingCursor, event: Any) -> None:
        self._change_review(cursor, event, {"status": "cancelled"})

    def _review_held(self, cursor: HoldingCursor, event: Any) -> None:
        changes = {
            "status": "held",
            "held_on": event.stamp.occurred_at.date(),
            "next_review_on": event.next_review_on,
        }
        self._change_review(cursor, event, changes)

    def _practitioner_registered(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.model.sql(
                "INSERT INTO {schema}.{p}practitioners "
                "(practitioner_id, name, email, phone, team_id, registered_on) "
                "VALUES (%s, %s, %s, %s, %s, %s)"
            ),
            (
                event.originator_id,
                event.name,
                event.email,
                event.phone,
                event.team_id,
                event.stamp.occurred_at.date(),
            ),
        )

    def _practitioner_changed(self, cursor: HoldingCursor, event: Any) -> None:
        cursor.execute(
            self.model.sql(
                "UPDATE {schema}.{p}practitioners SET email = %s, phone = %s "
                "WHERE practitioner_id = %s"
            ),
            (event.email, event.phone, event.originator_id),
        )

    def _trained(self, cursor: HoldingCursor, event: Any) -> None:
        training = event.training
        row = {
            "practitioner_id": event.originator_id,
            "course": training.course,
            "completed_on": training.completed_on,
            "expires_on": training.expires_on,
        }
        history.insert(cursor, self.model.table("trainings"), row, event.stamp.recorded_at)

    def _supervised(self, cursor: HoldingCursor, event: Any) -> None:
        row = {"practitioner_id": event.originator_id, "held_on": event.session.held_on}
        history.insert(cursor, self.model.table("supervisions"), row, event.stamp.recorded_at)


class KeyWorking(ReadModel):
    name = "key_working"
    case_tables = KeyWorkingFacts.case_tables
    tables = KeyWorkingFacts.tables
    reads_personal = KeyWorkingFacts.reads_personal
    ignores = frozenset(
        {
            "AgencyRegistered",
            "ClosureAudited",
            "ConsentGiven",
            "ConsentOverridden",
            "ConsentWithdrawn",
            "ContactOverdue",
            "ReviewOverdue",
            "ReviewReportsForwarded",
            "FamilyMet",
            "KeyWorkerApproached",
            "TransitionPlanned",
            "TransitionReminderDue",
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
            "Referred",
            "Reopened",
            "ReviewReportReceived",
            "TacMemberAdded",
            "TacMemberChanged",
            "TacMemberCorrected",
            "TacMemberRemoved",
            "TransferAgreed",
        }
    )

    @cached_property  # made when the base first asks for the handlers
    def key_working(self) -> KeyWorkingFacts:
        return KeyWorkingFacts(self)

    def handles(self) -> dict[str, Handler]:
        return self.key_working.handles()
