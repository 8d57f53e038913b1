"""Sending email: over SMTP, or, with no SMTP server configured, into a local maildir."""

import mailbox
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


class MaildirMailer:
    """The embedded default: each message a file under the folder, readable with any mail tool."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        mailbox.Maildir(self.folder, create=True).add(message)

    def messages(self) -> list[EmailMessage]:
        box = mailbox.Maildir(self.folder, create=True)
        return [box.get_message(key) for key in sorted(box.keys())]  # type: ignore[misc]
