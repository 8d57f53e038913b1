"""Notifications: the people DOMAIN.md says must be told, told once each.

The notifier follows the store. For each event that calls for it, it works out the recipients and
sends each one message, at most once per (event, recipient): the message is claimed in
PostgreSQL before it is sent and confirmed after. A failure to reach the mail server releases the
claim, and the batch is tried again later; a crash between sending and confirming leaves the
claim unconfirmed, and it is never sent again (`unconfirmed()` lists those for a person to check).
Recipients reached by letter are queued as `awaiting_letter`, for the letters to come.
"""

import hashlib
import logging
import smtplib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any
from uuid import UUID

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from psycopg.sql import SQL, Identifier

from consumers.mail import Mailer
from consumers.positions import Positions
from domain.case import Case
from domain.stamp import event_id
from services.database import Database
from services.following import follow
from services.keywork import Keywork

log = logging.getLogger("keywork.notifications")

BATCH_SIZE = 200
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=StrictUndefined,
    autoescape=False,  # plain-text mail
    keep_trailing_newline=True,
)
MAIL_UNREACHABLE = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class Notice:
    recipient: str  # who, as a stable key: "family:<name>", "practitioner:<id>", "referrer"
    channel: str  # email or letter
    address: str | None
    template: str
    context: dict[str, Any]


class Notifier:
    def __init__(
        self, keywork: Keywork, database: Database, mailer: Mailer, sender: str, coordinators: str
    ) -> None:
        self.keywork = keywork
        self.database = database
        self.mailer = mailer
        self.sender = sender
        self.coordinators = coordinators
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
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.notices_for: dict[str, Callable[[Any], list[Notice]]] = {
            "Referred": self._referred,
            "KeyWorkerAllocated": self._key_worker_allocated,
            "KeyWorkerHandedOver": self._key_worker_handed_over,
            "CoverArranged": self._cover_arranged,
            "ReviewScheduled": self._review_scheduled,
            "Closed": self._closed,
        }

    def notify_batch(self) -> int:
        """Sends what the next batch of events calls for, then moves on; returns its size."""
        start = self.positions.get() + 1
        notifications = self.keywork.recorder.select_notifications(start=start, limit=BATCH_SIZE)
        for notification in notifications:
            event = self.keywork.mapper.to_domain_event(notification)
            notices = self.notices_for.get(type(event).__name__)
            if notices is not None:
                for notice in notices(event):
                    self._deliver(event_id(event.originator_id, event.originator_version), notice)
        if notifications:
            self.positions.store(notifications[-1].id)
        return len(notifications)

    def unconfirmed(self) -> list[tuple[UUID, str]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT event_id, recipient FROM {table} WHERE state = 'claimed'").format(
                    table=self.table
                )
            )
            return [(row["event_id"], row["recipient"]) for row in cursor.fetchall()]

    def start(self) -> None:
        self._thread = threading.Thread(target=self._follow, name="notifications")
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def _follow(self) -> None:
        channel = self.keywork.store.channel_name
        follow(
            self.database, channel, lambda: self.notify_batch() == BATCH_SIZE, self._stopping, log
        )

    def _deliver(self, event: UUID, notice: Notice) -> None:
        state = "claimed" if notice.channel == "email" and notice.address else "awaiting_letter"
        if not self._claim(event, notice, state) or state != "claimed":
            return
        try:
            self.mailer.send(self._message(event, notice))
        except MAIL_UNREACHABLE:
            self._release(event, notice)  # nothing was sent: try again with the batch
            raise
        self._confirm(event, notice)

    def _message(self, event: UUID, notice: Notice) -> EmailMessage:
        subject, _, body = (
            TEMPLATES.get_template(f"{notice.template}.txt").render(notice.context).partition("\n")
        )
        message = EmailMessage()
        message["From"] = self.sender
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

    def _confirm(self, event: UUID, notice: Notice) -> None:
        self._set(
            event,
            notice,
            "UPDATE {table} SET state = 'sent', confirmed_at = now() "
            "WHERE event_id = %s AND recipient = %s",
        )

    def _set(self, event: UUID, notice: Notice, statement: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                SQL(statement).format(table=self.table),
                (event, notice.recipient),
            )

    # What each event calls for, and for whom.

    def _referred(self, event: Any) -> list[Notice]:
        reference = str(event.originator_id)
        notices = [
            Notice(
                "coordinators",
                "email",
                self.coordinators,
                "referral_received",
                {"reference": reference, "route": event.route, "area": event.area},
            )
        ]
        if event.referrer.email:
            notices.append(
                Notice(
                    "referrer",
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
            Notice(n.recipient, n.channel, n.address, "key_worker_changed", context)
            for n in self._everyone(case)
        ]

    def _review_scheduled(self, event: Any) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        context = {
            "at": event.at.strftime("%A %d %B %Y at %H:%M"),
            "location": event.location,
            "reference": str(case.id),
        }
        return [
            Notice(n.recipient, n.channel, n.address, "review_invite", context)
            for n in self._everyone(case, plans_only=True)
        ]

    def _closed(self, event: Any) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        context = {"final_plan_version": event.final_plan_version, "reference": str(case.id)}
        return [
            Notice(n.recipient, n.channel, n.address, "case_closed", context)
            for n in self._everyone(case)
        ]

    def _everyone(self, case: Case, plans_only: bool = False) -> Iterator[Notice]:
        """The family (by their preferred channel) and the Team Around the Child (by theirs)."""
        for member in case.family:
            address = member.email if member.preferred_channel == "email" else member.postal_address
            yield Notice(f"family:{member.name}", member.preferred_channel, address, "", {})
        for tac in case.tac.values():
            if plans_only and not tac.receives_plans:
                continue
            practitioner = self.keywork.practitioner(tac.practitioner_id)
            address = practitioner.email if tac.channel == "email" else practitioner.postal_address
            yield Notice(f"practitioner:{tac.practitioner_id}", tac.channel, address, "", {})

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
