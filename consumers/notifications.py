"""Notifications: the people DOMAIN.md says must be told, told once each.

The notifier follows the store. For each event it asks who is told (`recipients.py`), renders
each notice (`rendering.py`), claims it in the outbox (`outbox.py`), sends it by its channel
(`senders.py`) and confirms it: one message per (event, recipient), however often the event is
handled. Each copy of a signed plan, sent or not, is recorded back on the case (`PlanCopySent` /
`PlanCopyFailed`). Between events it sends feedback rounds when one is due (`feedback_rounds.py`).
"""

import logging
import time
from typing import Any
from uuid import UUID

from consumers.background import Background
from consumers.feedback_rounds import FeedbackRounds, RoundRules
from consumers.letters import PrintQueue
from consumers.mail import Mailer
from consumers.notices import Notice
from consumers.outbox import Outbox
from consumers.plan_recipients import PlanRecipients
from consumers.positions import Positions
from consumers.recipients import Mailboxes, Recipients
from consumers.rendering import render
from consumers.senders import NOT_SENT, LetterSender, MailSender, Sender
from domain.erasure import ERASURE_EVENT
from domain.stamp import event_id
from services.commands import Command
from services.keywork import Keywork
from store.database import Database
from store.following import follow
from store.sealing import decoded

log = logging.getLogger("keywork.notifications")

BATCH_SIZE = 200
ROUND_CHECK_SECONDS = 3600.0  # how often a round is checked for when nothing happens
NOTIFIER = "keywork-notifier"  # the actor of what the notifier records


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
        self.database = database
        self.letters = letters
        datastore = keywork.store.datastore
        self.positions = Positions(datastore, "notifications")
        self.outbox = Outbox(datastore)
        plans = PlanRecipients(datastore, keywork.rules)
        self.recipients = Recipients(keywork, mailboxes, plans)
        self.senders: dict[str, Sender] = {
            "email": MailSender(mailer, mailboxes.sender),
            "letter": LetterSender(letters, keywork.clock),
        }
        self._next_round_check = 0.0
        self.feedback = FeedbackRounds(keywork, datastore, feedback) if feedback else None

    def notify_batch(self) -> int:
        """Sends what the next batch of events calls for, then moves on; returns how many events
        it handled. It stops short at an event whose recipients cannot be known yet."""
        start = self.positions.get() + 1
        notifications = self.keywork.recorder.select_notifications(start=start, limit=BATCH_SIZE)
        handled = 0
        events = decoded(self.keywork.mapper, notifications)
        for notification, event in zip(notifications, events, strict=True):
            notices = self.recipients.of(event, notification.id)
            if notices is None:
                log.info("the distribution list is behind event %s; trying later", notification.id)
                break
            if type(event).__name__ == ERASURE_EVENT:
                self.letters.erase_case(event.originator_id)
            this_event = event_id(event.originator_id, event.originator_version)
            for notice in notices:
                self._deliver(event.originator_id, this_event, notice)
                if type(event).__name__ == "PlanSigned":
                    self._record_plan_copy(event, this_event, notice)
            if self.feedback is not None:
                self.feedback.note(event, this_event)
            handled += 1
        if handled:
            self.positions.store(notifications[handled - 1].id)
        return handled

    def send_feedback_round(self, now: bool = False) -> int:
        """Sends the families owed a questionnaire theirs, if a round is due (or `now`);
        returns how many families."""
        if self.feedback is None:
            return 0
        if now:
            return self.feedback.send(self._delivered)
        due = self.feedback.due(self.keywork.clock().date())
        return self.feedback.send(self._delivered, due) if due else 0

    def unconfirmed(self) -> list[tuple[UUID, str]]:
        return self.outbox.unconfirmed()

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
        return self.outbox.state(event, notice)

    def _deliver(self, case_id: UUID, event: UUID, notice: Notice) -> None:
        if notice.address is None:
            self.outbox.claim(event, notice, "no_address")
            return
        if not self.outbox.claim(event, notice, "claimed"):
            return  # sent before, or its sending was cut short: never twice
        subject, body = render(notice)
        sender = self.senders[notice.channel]
        try:
            state = sender.send(case_id, event, notice, notice.address, subject, body)
        except NOT_SENT:
            self.outbox.release(event, notice)  # nothing was sent: try again with the batch
            raise
        self.outbox.confirm(event, notice, state)

    def _record_plan_copy(self, event: Any, this_event: UUID, notice: Notice) -> None:
        """Records on the case how this recipient's copy went, once however often retried."""
        state = self.outbox.state(this_event, notice)
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
