"""The facts the service metrics are computed from, each kept with its history in recorded time.

The key working facts (periods of key worker and cover, agreements, contacts, reviews, the
workforce) are kept in tables of its own by the component the `key_working` read model keeps them
with (`KeyWorkingFacts`); this read model adds what only metrics need:
each case's referral (area, route, age band at referral), its closures (reason, audit, reopening)
and its plans' signing and copies. No names, no dates of birth: an age band at most.
"""

from datetime import datetime
from functools import cached_property
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from domain.age_bands import age_band
from domain.stamp import event_id
from projections import history
from projections.held import HoldingCursor
from projections.key_working import KeyWorking, KeyWorkingFacts
from projections.read_model import Handler, ReadModel

HISTORY = "recorded_from timestamptz NOT NULL, recorded_until timestamptz"


class Metrics(ReadModel):
    name = "metrics"
    case_tables = KeyWorkingFacts.case_tables | {
        "cases": "case_id",
        "closures": "case_id",
        "plans": "case_id",
        "plan_copies": "case_id",
        "contact_functions": "case_id",
        "outcome_scores": "case_id",
        "feedback_invitations": "case_id",
    }
    tables = (
        *KeyWorkingFacts.tables,
        # A period's contacts, and each case's last before a day, without reading every contact.
        "CREATE INDEX IF NOT EXISTS {p}contacts_occurred ON {schema}.{p}contacts (occurred_at)",
        "CREATE INDEX IF NOT EXISTS {p}contacts_case_occurred "
        "ON {schema}.{p}contacts (case_id, occurred_at)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}cases (case_id uuid NOT NULL, area text NOT NULL, "
        "route text NOT NULL, age_band text, referred_on date NOT NULL, previous_case_id uuid, "
        f"{HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}cases_case ON {schema}.{p}cases (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}closures (case_id uuid NOT NULL, "
        "closed_on date NOT NULL, reason text NOT NULL, audited_on date, reopened_on date, "
        f"{HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}closures_case ON {schema}.{p}closures (case_id)",
        # Each key worker asked before one was in place, and their answer (domain/start.py).
        "CREATE TABLE IF NOT EXISTS {schema}.{p}approaches (case_id uuid NOT NULL, "
        f"approached_on date NOT NULL, answer text NOT NULL, {HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}approaches_case ON {schema}.{p}approaches (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}plans (case_id uuid NOT NULL, "
        f"plan_version int NOT NULL, signed_at timestamptz NOT NULL, {HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}plans_case ON {schema}.{p}plans (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}plan_copies (case_id uuid NOT NULL, "
        f"plan_version int NOT NULL, sent boolean NOT NULL, at timestamptz NOT NULL, {HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}plan_copies_case ON {schema}.{p}plan_copies (case_id)",
        # Which key working functions each contact served, and when the contact occurred (as
        # corrected), so that a period's functions are read by index on the day alone.
        "CREATE TABLE IF NOT EXISTS {schema}.{p}contact_functions (case_id uuid NOT NULL, "
        "event_id uuid NOT NULL, function text NOT NULL, occurred_at timestamptz NOT NULL, "
        f"{HISTORY})",
        # NULL in the rows of a generation made before it: rebuild metrics after the upgrade
        # ("Reads and read models" in the README).
        "ALTER TABLE {schema}.{p}contact_functions "
        "ADD COLUMN IF NOT EXISTS occurred_at timestamptz",
        "CREATE INDEX IF NOT EXISTS {p}contact_functions_case "
        "ON {schema}.{p}contact_functions (case_id)",
        # A period's functions as known then, from the index alone: it holds all the tally reads.
        "CREATE INDEX IF NOT EXISTS {p}contact_functions_occurred "
        "ON {schema}.{p}contact_functions (occurred_at) "
        "INCLUDE (case_id, function, recorded_from, recorded_until)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}outcome_scores (case_id uuid NOT NULL, "
        f"measured_on date NOT NULL, area text NOT NULL, score int NOT NULL, {HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}outcome_scores_case ON {schema}.{p}outcome_scores (case_id)",
        # Questionnaires sent from a case, and answers: these carry no case, and nothing joins
        # them (the month is the month the answered questionnaire was sent).
        "CREATE TABLE IF NOT EXISTS {schema}.{p}feedback_invitations (case_id uuid NOT NULL, "
        f"sent_on date NOT NULL, copies int NOT NULL, {HISTORY})",
        "CREATE INDEX IF NOT EXISTS {p}feedback_invitations_case "
        "ON {schema}.{p}feedback_invitations (case_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.{p}feedback_answers (area text NOT NULL, "
        f"month text NOT NULL, answers jsonb NOT NULL, {HISTORY})",
    )

    # The figures count, besides the key working facts, these events that key working ignores.
    counts = frozenset(
        {
            "Referred",
            "KeyWorkerApproached",
            "ClosureAudited",
            "Reopened",
            "PlanSigned",
            "PlanCopySent",
            "PlanCopyFailed",
            "OutcomesMeasured",
            "FeedbackInvited",
            "FeedbackGiven",
        }
    )
    ignores = KeyWorking.ignores - counts
    # Besides key working's: the child's date of birth (for the age band) and the scores.
    reads_personal = KeyWorkingFacts.reads_personal | {
        "Referred.child.date_of_birth",
        "OutcomesMeasured",
    }

    @cached_property  # made when the base first asks for the handlers
    def key_working(self) -> KeyWorkingFacts:
        return KeyWorkingFacts(self)

    def handles(self) -> dict[str, Handler]:
        return self.key_working.handles() | {
            "Referred": self._referred,
            "KeyWorkerApproached": self._approached,
            "ContactRecorded": self._contacted_for_metrics,
            "ContactCorrected": self._contact_corrected_for_metrics,
            "Closed": self._closed_for_metrics,
            "ClosureAudited": self._audited,
            "Reopened": self._reopened,
            "PlanSigned": self._plan_signed,
            "PlanCopySent": self._plan_copy,
            "PlanCopyFailed": self._plan_copy,
            "OutcomesMeasured": self._outcomes_measured,
            "FeedbackInvited": self._feedback_invited,
            "FeedbackGiven": self._feedback_given,
        }

    def _referred(self, cursor: HoldingCursor, event: Any) -> None:
        referred_on = event.stamp.occurred_at.date()
        row = {
            "case_id": event.originator_id,
            "area": event.area,
            "route": event.route,
            "age_band": age_band(event.child.date_of_birth, referred_on),
            "referred_on": referred_on,
            "previous_case_id": event.previous_case_id,
        }
        history.insert(cursor, self.table("cases"), row, event.stamp.recorded_at)

    def _approached(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "case_id": event.originator_id,
            "approached_on": event.stamp.occurred_at.date(),
            "answer": event.answer,
        }
        history.insert(cursor, self.table("approaches"), row, event.stamp.recorded_at)

    def _contacted_for_metrics(self, cursor: HoldingCursor, event: Any) -> None:
        contact = event_id(event.originator_id, event.originator_version)
        self.key_working.add_contact(cursor, event, contact)
        # Contacts recorded before functions were asked for have none.
        functions = getattr(event, "functions", None) or []
        self._served(cursor, event, contact, event.stamp.occurred_at, functions)

    def _contact_corrected_for_metrics(self, cursor: HoldingCursor, event: Any) -> None:
        self.key_working.contact_corrected(cursor, event)
        key = {"case_id": event.originator_id, "event_id": event.corrects_event_id}
        history.end(cursor, self.table("contact_functions"), key, event.stamp.recorded_at)
        # The corrected contact whole: its day may have moved though its functions did not.
        contact = event.contact
        self._served(
            cursor, event, event.corrects_event_id, contact.occurred_at, contact.functions or []
        )

    def _served(
        self,
        cursor: HoldingCursor,
        event: Any,
        contact: UUID,
        occurred_at: datetime,
        functions: list[str],
    ) -> None:
        for function in functions:
            row = {
                "case_id": event.originator_id,
                "event_id": contact,
                "function": function,
                "occurred_at": occurred_at,
            }
            history.insert(cursor, self.table("contact_functions"), row, event.stamp.recorded_at)

    def _closed_for_metrics(self, cursor: HoldingCursor, event: Any) -> None:
        self.key_working.closed(cursor, event)
        row = {
            "case_id": event.originator_id,
            "closed_on": event.stamp.occurred_at.date(),
            "reason": event.reason,
        }
        history.insert(cursor, self.table("closures"), row, event.stamp.recorded_at)

    def _audited(self, cursor: HoldingCursor, event: Any) -> None:
        self._change_last_closure(cursor, event, {"audited_on": event.stamp.occurred_at.date()})

    def _reopened(self, cursor: HoldingCursor, event: Any) -> None:
        self._change_last_closure(cursor, event, {"reopened_on": event.stamp.occurred_at.date()})

    def _change_last_closure(
        self, cursor: HoldingCursor, event: Any, changes: dict[str, Any]
    ) -> None:
        # The closure in force: a case is closed again only after it was reopened.
        key = {"case_id": event.originator_id, "reopened_on": None}
        history.change(cursor, self.table("closures"), key, changes, event.stamp.recorded_at)

    def _plan_signed(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "case_id": event.originator_id,
            "plan_version": event.plan_version,
            "signed_at": event.stamp.occurred_at,
        }
        history.insert(cursor, self.table("plans"), row, event.stamp.recorded_at)

    def _plan_copy(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "case_id": event.originator_id,
            "plan_version": event.plan_version,
            "sent": type(event).__name__ == "PlanCopySent",
            "at": event.stamp.occurred_at,
        }
        history.insert(cursor, self.table("plan_copies"), row, event.stamp.recorded_at)

    def _outcomes_measured(self, cursor: HoldingCursor, event: Any) -> None:
        measured_on = event.stamp.occurred_at.date()
        for area, score in event.scores.items():  # none once the child's data is erased
            row = {"case_id": event.originator_id, "measured_on": measured_on, "area": area}
            history.insert(
                cursor,
                self.table("outcome_scores"),
                row | {"score": score},
                event.stamp.recorded_at,
            )

    def _feedback_invited(self, cursor: HoldingCursor, event: Any) -> None:
        row = {
            "case_id": event.originator_id,
            "sent_on": event.stamp.occurred_at.date(),
            "copies": event.emailed + event.posted,
        }
        history.insert(cursor, self.table("feedback_invitations"), row, event.stamp.recorded_at)

    def _feedback_given(self, cursor: HoldingCursor, event: Any) -> None:
        row = {"area": event.area, "month": event.month, "answers": Jsonb(event.answers)}
        history.insert(cursor, self.table("feedback_answers"), row, event.stamp.recorded_at)
