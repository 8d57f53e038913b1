"""Notifications: the people DOMAIN.md says must be told, told once each.

The notifier follows the store. For each event that calls for it, it works out the recipients and
sends each one message, at most once per (event, recipient): the message is claimed in
PostgreSQL before it is sent and confirmed after. A failure to reach the mail server releases the
claim, and the batch is tried again later; a crash between sending and confirming leaves the
claim unconfirmed, and it is never sent again (`unconfirmed()` lists those for a person to check).
Recipients reached by letter get a PDF letter in the print queue. Each copy of a signed plan,
sent or not, is recorded back on the case (`PlanCopySent` / `PlanCopyFailed`).
"""

import hashlib
import logging
import smtplib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any
from uuid import UUID

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from psycopg.sql import SQL, Identifier

from consumers.background import Background
from consumers.feedback_rounds import FeedbackRounds, RoundRules
from consumers.letters import PrintQueue
from consumers.mail import Mailer
from consumers.notices import Notice
from consumers.positions import Positions
from domain.case import Case
from domain.erasure import ERASURE_EVENT
from domain.stamp import event_id
from services.commands import Command
from services.keywork import Keywork
from store.database import Database
from store.following import follow

log = logging.getLogger("keywork.notifications")

BATCH_SIZE = 200
ROUND_CHECK_SECONDS = 3600.0  # how often a round is checked for when nothing happens
NOTIFIER = "keywork-notifier"  # the actor of what the notifier records
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=StrictUndefined,
    autoescape=False,  # plain-text mail
    keep_trailing_newline=True,
)
MAIL_UNREACHABLE = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class Mailboxes:
    sender: str  # the service's own address
    coordinators: str  # told of each new referral
    managers: str  # told of contacts still overdue


class Notifier(Background):
    name = "notifications"

    def __init__(
        self,
        keywork: Keywork,
        database: Database,
        mailer: Mailer,
        letters: PrintQueue,
        mailboxes: Mailboxes,
        feedback: RoundRules | None = None,
    ) -> None:
        super().__init__()
        self.keywork = keywork
        self.letters = letters
        self.database = database
        self.mailer = mailer
        self.mailboxes = mailboxes
        self.datastore = keywork.store.datastore
        self.positions = Positions(self.datastore, "notifications")
        self.table = Identifier(self.datastore.schema, "notices")
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {table} (event_id uuid NOT NULL, "
                    "recipient text NOT NULL, channel text NOT NULL, state text NOT NULL, "
                    "claimed_at timestamptz NOT NULL DEFAULT now(), confirmed_at timestamptz, "
                    "PRIMARY KEY (event_id, recipient))"
                ).format(table=self.table)
            )
        self._next_round_check = 0.0
        self.feedback = FeedbackRounds(keywork, self.datastore, feedback) if feedback else None
        self.notices_for: dict[str, Callable[[Any], list[Notice]]] = {
            "Referred": self._referred,
            "KeyWorkerAllocated": self._key_worker_allocated,
            "KeyWorkerHandedOver": self._key_worker_handed_over,
            "CoverArranged": self._cover_arranged,
            "ReviewScheduled": self._review_scheduled,
            "PlanSigned": self._plan_signed,
            "ContactOverdue": self._contact_overdue,
            "Closed": self._closed,
        }

    def notify_batch(self) -> int:
        """Sends what the next batch of events calls for, then moves on; returns its size."""
        start = self.positions.get() + 1
        notifications = self.keywork.recorder.select_notifications(start=start, limit=BATCH_SIZE)
        for notification in notifications:
            event = self.keywork.mapper.to_domain_event(notification)
            if type(event).__name__ == ERASURE_EVENT:
                self.letters.erase_case(event.originator_id)
            notices = self.notices_for.get(type(event).__name__)
            if notices is not None:
                this_event = event_id(event.originator_id, event.originator_version)
                for notice in notices(event):
                    self._deliver(event.originator_id, this_event, notice)
                    if type(event).__name__ == "PlanSigned":
                        self._record_plan_copy(event, this_event, notice)
            if self.feedback is not None:
                self.feedback.note(event, event_id(event.originator_id, event.originator_version))
        if notifications:
            self.positions.store(notifications[-1].id)
        return len(notifications)

    def send_feedback_round(self, now: bool = False) -> int:
        """Sends the families owed a questionnaire theirs, if a round is due (or `now`);
        returns how many families."""
        if self.feedback is None:
            return 0
        if not (now or self.feedback.due(self.keywork.clock().date())):
            return 0
        return self.feedback.send(self._delivered)

    def unconfirmed(self) -> list[tuple[UUID, str]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT event_id, recipient FROM {table} WHERE state = 'claimed'").format(
                    table=self.table
                )
            )
            return [(row["event_id"], row["recipient"]) for row in cursor.fetchall()]

    def run(self) -> None:
        channel = self.keywork.store.channel_name
        follow(self.database, channel, self._step, self._stopping, log)

    def _step(self) -> bool:
        handled = self.notify_batch()
        if handled == BATCH_SIZE:
            return True
        # A round may be due once new events are handled, or as the first family waits on.
        if handled or time.monotonic() >= self._next_round_check:
            self._next_round_check = time.monotonic() + ROUND_CHECK_SECONDS
            self.send_feedback_round()
        return False

    def _delivered(self, case_id: UUID, event: UUID, notice: Notice) -> str | None:
        """Delivers (once) and says how it went: sent, queued, no_address, or claimed."""
        self._deliver(case_id, event, notice)
        return self._state(event, notice)

    def _deliver(self, case_id: UUID, event: UUID, notice: Notice) -> None:
        if notice.address is None:
            self._claim(event, notice, "no_address")
            return
        if not self._claim(event, notice, "claimed"):
            return  # sent before, or its sending was cut short: never twice
        subject, body = self._render(notice)
        if notice.channel == "letter":
            day = self.keywork.clock().date()
            self.letters.add(
                case_id, event, notice.recipient, notice.name, notice.address, subject, body, day
            )
            self._confirm(event, notice, "queued")
            return
        try:
            self.mailer.send(self._message(event, notice, subject, body))
        except MAIL_UNREACHABLE:
            self._release(event, notice)  # nothing was sent: try again with the batch
            raise
        self._confirm(event, notice, "sent")

    def _render(self, notice: Notice) -> tuple[str, str]:
        text = TEMPLATES.get_template(f"{notice.template}.txt").render(notice.context)
        subject, _, body = text.partition("\n")
        return subject, body

    def _record_plan_copy(self, event: Any, this_event: UUID, notice: Notice) -> None:
        """Records on the case how this recipient's copy went, once however often retried."""
        state = self._state(this_event, notice)
        if state not in ("sent", "queued", "no_address"):
            return  # unconfirmed: a person must check before anything is claimed
        key = f"plan-copy/{this_event}/{notice.recipient}"
        command = Command(actor=NOTIFIER, idempotency_key=key, fingerprint=key)
        self.keywork.record_plan_copy(
            command,
            event.originator_id,
            plan_version=event.plan_version,
            recipient=notice.recipient,
            channel=notice.channel,  # type: ignore[arg-type]
            sent=state != "no_address",
            reason="no address on record" if state == "no_address" else None,
        )

    def _message(self, event: UUID, notice: Notice, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.mailboxes.sender
        message["To"] = notice.address
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        # The same id however often it is sent, so that mail systems can drop a duplicate.
        digest = hashlib.sha256(f"{event}/{notice.recipient}".encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@keywork>"
        message.set_content(body)
        return message

    def _claim(self, event: UUID, notice: Notice, state: str) -> bool:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(
                    "INSERT INTO {table} (event_id, recipient, channel, state) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
                ).format(table=self.table),
                (event, notice.recipient, notice.channel, state),
            )
            return cursor.rowcount == 1

    def _release(self, event: UUID, notice: Notice) -> None:
        self._set(event, notice, "DELETE FROM {table} WHERE event_id = %s AND recipient = %s")

    def _confirm(self, event: UUID, notice: Notice, state: str) -> None:
        self._set(
            event,
            notice,
            "UPDATE {table} SET state = %s, confirmed_at = now() "
            "WHERE event_id = %s AND recipient = %s",
            state,
        )

    def _state(self, event: UUID, notice: Notice) -> str | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT state FROM {table} WHERE event_id = %s AND recipient = %s").format(
                    table=self.table
                ),
                (event, notice.recipient),
            )
            row = cursor.fetchone()
        return str(row["state"]) if row else None

    def _set(self, event: UUID, notice: Notice, statement: str, *first: object) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(statement).format(table=self.table),
                (*first, event, notice.recipient),
            )

    # What each event calls for, and for whom.

    def _referred(self, event: Any) -> list[Notice]:
        reference = str(event.originator_id)
        notices = [
            Notice(
                "coordinators",
                "Coordinators",
                "email",
                self.mailboxes.coordinators,
                "referral_received",
                {"reference": reference, "route": event.route, "area": event.area},
            )
        ]
        if event.referrer.email:
            notices.append(
                Notice(
                    "referrer",
                    event.referrer.name,
                    "email",
                    event.referrer.email,
                    "referral_acknowledged",
                    {"reference": reference},
                )
            )
        return notices

    def _key_worker_allocated(self, event: Any) -> list[Notice]:
        return self._key_worker_news(
            event, event.key_worker, "Your key worker", "Your key worker is:", None
        )

    def _key_worker_handed_over(self, event: Any) -> list[Notice]:
        return self._key_worker_news(
            event, event.incoming, "A new key worker", "Your new key worker is:", None
        )

    def _cover_arranged(self, event: Any) -> list[Notice]:
        return self._key_worker_news(
            event,
            event.cover,
            "Cover for your key worker",
            "While your key worker is away, please contact:",
            event.cover.until,
        )

    def _key_worker_news(
        self, event: Any, worker: Any, headline: str, intro: str, until: Any
    ) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        context = {
            "headline": headline,
            "intro": intro,
            "worker": self._worker(worker),
            "start": worker.from_date.isoformat(),
            "until": until.isoformat() if until else None,
            "reference": str(case.id),
        }
        return [
            replace(n, template="key_worker_changed", context=context) for n in self._everyone(case)
        ]

    def _review_scheduled(self, event: Any) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        context = {
            "at": event.at.strftime("%A %d %B %Y at %H:%M"),
            "location": event.location,
            "reference": str(case.id),
        }
        return [
            replace(n, template="review_invite", context=context)
            for n in self._everyone(case, plans_only=True)
        ]

    def _closed(self, event: Any) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        final = case.plan(event.final_plan_version) if event.final_plan_version else None
        context = {
            "final_plan_version": event.final_plan_version,
            "summary": final.summary if final else None,
            "outcomes": final.outcomes if final else [],
            "reference": str(case.id),
        }
        return [replace(n, template="case_closed", context=context) for n in self._everyone(case)]

    def _plan_signed(self, event: Any) -> list[Notice]:
        """The signed plan to its distribution list: parents, key worker(s), the team."""
        case = self.keywork.case(event.originator_id)
        plan = case.plan(event.plan_version)
        context = {
            "plan_version": event.plan_version,
            "summary": plan.summary,
            "outcomes": plan.outcomes,
            "actions": plan.actions,
            "reference": str(case.id),
        }
        recipients = [
            notice
            for notice in self._everyone(case, plans_only=True)
            if not notice.recipient.startswith("family:")
            or self._has_parental_responsibility(case, notice.recipient)
        ]
        on_list = {notice.recipient for notice in recipients}
        for worker in case.key_workers_on(event.stamp.occurred_at.date()):
            key = f"practitioner:{worker.practitioner_id}"
            if worker.practitioner_id is not None and key not in on_list:
                details = self._worker(worker)
                recipients.append(Notice(key, details["name"], "email", details["email"]))
        return [replace(n, template="plan_signed", context=context) for n in recipients]

    def _contact_overdue(self, event: Any) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        context = {"due_on": event.due_on.strftime("%d %B %Y"), "reference": str(case.id)}
        if event.told == "manager":
            return [
                Notice(
                    "managers",
                    "Managers",
                    "email",
                    self.mailboxes.managers,
                    "contact_overdue_manager",
                    context,
                )
            ]
        return [
            Notice(
                f"practitioner:{worker.practitioner_id}",
                details["name"],
                "email",
                details["email"],
                "contact_overdue",
                context,
            )
            for worker in case.key_workers_on(event.stamp.occurred_at.date())
            if worker.practitioner_id is not None and (details := self._worker(worker))
        ]

    @staticmethod
    def _has_parental_responsibility(case: Case, recipient: str) -> bool:
        return any(
            recipient == f"family:{index}" and member.has_parental_responsibility
            for index, member in enumerate(case.family)
        )

    def _everyone(self, case: Case, plans_only: bool = False) -> Iterator[Notice]:
        """The family (by their preferred channel) and the Team Around the Child (by theirs)."""
        # Family members by their place on the referral: keys are stored, names must not be.
        for index, member in enumerate(case.family):
            address = member.email if member.preferred_channel == "email" else member.postal_address
            yield Notice(f"family:{index}", member.name, member.preferred_channel, address)
        for tac in case.tac.values():
            if plans_only and not tac.receives_plans:
                continue
            practitioner = self.keywork.practitioner(tac.practitioner_id)
            address = practitioner.email if tac.channel == "email" else practitioner.postal_address
            yield Notice(
                f"practitioner:{tac.practitioner_id}", practitioner.name, tac.channel, address
            )

    def _worker(self, worker: Any) -> dict[str, Any]:
        if worker.practitioner_id is None:
            return {
                "name": worker.parent_carer_name,
                "role_title": "parent carer",
                "email": None,
                "phone": None,
            }
        practitioner = self.keywork.practitioner(worker.practitioner_id)
        return {
            "name": practitioner.name,
            "role_title": practitioner.role_title,
            "email": practitioner.email,
            "phone": practitioner.phone,
        }
