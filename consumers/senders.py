"""Senders: one per channel, each sending (or queueing) one rendered message to one recipient."""

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from uuid import UUID

from consumers.letters import PrintQueue
from consumers.mail import Mailer
from consumers.notices import Notice
from services.application import Clock

# Raised when the message did not leave: the claim on it may be released and tried again.
NOT_SENT = (OSError, smtplib.SMTPException)


class Sender(Protocol):
    def send(
        self, case_id: UUID, event: UUID, notice: Notice, address: str, subject: str, body: str
    ) -> str:
        """Sends the message; returns the state it is confirmed in: sent, or queued."""
        ...


class MailSender:
    def __init__(self, mailer: Mailer, sender: str) -> None:
        self.mailer = mailer
        self.sender = sender  # the service's own address

    def send(
        self, case_id: UUID, event: UUID, notice: Notice, address: str, subject: str, body: str
    ) -> str:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        # The same id however often it is sent, so that mail systems can drop a duplicate.
        digest = hashlib.sha256(f"{event}/{notice.recipient}".encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@keywork>"
        message.set_content(body)
        self.mailer.send(message)
        return "sent"


class LetterSender:
    """A PDF letter into the print queue, dated the day it is queued."""

    def __init__(self, letters: PrintQueue, clock: Clock) -> None:
        self.letters = letters
        self.clock = clock

    def send(
        self, case_id: UUID, event: UUID, notice: Notice, address: str, subject: str, body: str
    ) -> str:
        day = self.clock().date()
        self.letters.add(
            case_id,
            event,
            notice.recipient,
            notice.name,
            address,
            subject,
            body,
            day,
            notice.accessible_format,
        )
        return "queued"
