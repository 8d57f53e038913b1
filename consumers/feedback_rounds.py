"""Feedback rounds: questionnaires go to families in rounds, not one by one.

A held review or a closure puts the case on the list of families owed a questionnaire. A round
sends to everyone of an area on the list at once, when enough of the area's families are waiting
(or the first has waited long enough: the area's settings say how many and how long), so that
the moment an answer arrives cannot point to the one family invited just before it. Each family
member with parental responsibility gets one, by their preferred channel: by email a one-time
link (`services/feedback.py`), which is never stored; by letter a note that a paper
questionnaire is enclosed, from a stack printed with no record of who gets which
(`POST /feedback/questionnaires`). The case records that it was invited (`FeedbackInvited`).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from consumers.notices import Notice
from domain.case import Case
from domain.feedback import Occasion
from services.commands import Command
from services.feedback import FeedbackTokens, closes_on
from services.keywork import Keywork

ROUNDS = "keywork-feedback-rounds"  # the actor of what a round records
INVITATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:keywork:feedback-invitation")
OCCASIONS: dict[str, Occasion] = {"ReviewHeld": "review", "Closed": "closure"}


@dataclass(frozen=True)
class RoundRules:
    tokens: FeedbackTokens
    link_base: str  # where families open the questionnaire, e.g. https://keywork.example/ui


Deliver = Callable[[UUID, UUID, Notice], str | None]


class FeedbackRounds:
    def __init__(self, keywork: Keywork, datastore: PostgresDatastore, rules: RoundRules) -> None:
        self.keywork = keywork
        self.datastore = datastore
        self.rules = rules
        self.table = Identifier(datastore.schema, "feedback_owed")
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {table} (event_id uuid PRIMARY KEY, "
                    "case_id uuid NOT NULL, occasion text NOT NULL, owed_since date NOT NULL)"
                ).format(table=self.table)
            )
            # Rounds became an area's own; a family owed one from before has no area, and
            # goes with the first round due.
            cursor.execute(
                SQL("ALTER TABLE {table} ADD COLUMN IF NOT EXISTS area text").format(
                    table=self.table
                )
            )

    def note(self, event: Any, event_id: UUID) -> None:
        """Puts the case of a held review or a closure on the list of families owed one."""
        occasion = OCCASIONS.get(type(event).__name__)
        if occasion is None or getattr(event, "reason", None) == "not_eligible":
            return  # a family found not eligible had no key working to tell us about
        area = self.keywork.case(event.originator_id).area
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "INSERT INTO {table} (event_id, case_id, occasion, owed_since, area) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
                ).format(table=self.table),
                (event_id, event.originator_id, occasion, event.stamp.occurred_at.date(), area),
            )

    def due(self, today: date) -> list[str]:
        """The areas whose round is due."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL(
                    "SELECT area, count(DISTINCT case_id) AS owed, min(owed_since) AS first "
                    "FROM {table} WHERE area IS NOT NULL GROUP BY area ORDER BY area"
                ).format(table=self.table)
            )
            rows = cursor.fetchall()
        due = []
        for row in rows:
            area = self.keywork.areas.reported(row["area"])
            waited = today - row["first"] >= timedelta(days=area.feedback_round_wait_days)
            if row["owed"] >= area.feedback_round_size or waited:
                due.append(row["area"])
        return due

    def send(self, deliver: Deliver, areas: Collection[str] | None = None) -> int:
        """Sends a round to every family owed one in the `areas` (default: all), and to any
        owed one from before rounds had areas; returns how many cases it reached."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL(
                    "SELECT * FROM {table} WHERE %(all)s OR area IS NULL OR area = ANY(%(areas)s) "
                    "ORDER BY owed_since, event_id"
                ).format(table=self.table),
                {"all": areas is None, "areas": list(areas or [])},
            )
            owed = cursor.fetchall()
        # One questionnaire a family a round: the closure's, if the case has closed since.
        latest = {row["case_id"]: row for row in owed}
        today = self.keywork.clock().date()
        for case_id, row in latest.items():
            case = self.keywork.case(case_id)
            occasion: Occasion = "closure" if case.status == "closed" else row["occasion"]
            if not case.erased:
                self._invite(case, row["event_id"], occasion, today, deliver)
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(
                    SQL("DELETE FROM {table} WHERE case_id = %s").format(table=self.table),
                    (case_id,),
                )
        return len(latest)

    def _invite(
        self, case: Case, owed_for: UUID, occasion: Occasion, today: date, deliver: Deliver
    ) -> None:
        invitation = uuid5(INVITATION_NAMESPACE, str(owed_for))
        sent = {"email": 0, "letter": 0}
        for index, member in enumerate(case.family):
            if not member.has_parental_responsibility:
                continue
            by_email = member.preferred_channel == "email"
            notice = Notice(
                f"family:{index}",
                member.name,
                member.preferred_channel,
                member.email if by_email else member.postal_address,
                "feedback_invite",
                self._context(case, today) if by_email else {"link": None},
            )
            if deliver(case.id, invitation, notice) in ("sent", "queued"):
                sent[member.preferred_channel] += 1
        key = f"feedback/{owed_for}"
        self.keywork.record_feedback_invitation(
            Command(actor=ROUNDS, idempotency_key=key, fingerprint=key),
            case.id,
            occasion=occasion,
            emailed=sent["email"],
            posted=sent["letter"],
        )

    def _context(self, case: Case, today: date) -> dict[str, Any]:
        token = self.rules.tokens.issue(case.area, today)
        return {
            "link": f"{self.rules.link_base}/feedback/{token}",
            "closes": closes_on(today).strftime("%d %B %Y"),
        }
