"""Overdue contacts: finds the cases whose next agreed contact is past due and records it.

`ContactOverdue` is recorded once per (case, due date) for the key worker, and once more for
their manager when the contact is still overdue a set number of days later. Time is passed in, so
a test (or `keywork overdue check --today`) decides what day it is.
"""

import logging
import threading
from datetime import UTC, date, datetime, time

from domain.contacts import Told
from domain.errors import NotAllowedNow
from projections.caseloads import overdue_contacts
from projections.key_working import KeyWorking
from services.commands import Command, VersionConflict
from services.keywork import Keywork

log = logging.getLogger("keywork.overdue")
SCHEDULER = "keywork-scheduler"  # the actor of what the scheduler records
CHECK_EVERY_SECONDS = 3600.0


class OverdueContacts:
    def __init__(self, keywork: Keywork, model: KeyWorking, escalate_after_days: int) -> None:
        self.keywork = keywork
        self.model = model
        self.escalate_after_days = escalate_after_days
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self, today: date) -> int:
        """Flags what is overdue on `today`; returns how many flags were recorded."""
        recorded = 0
        for overdue in overdue_contacts(self.model, today):
            recorded += self._flag(overdue.case_id, overdue.due_on, "key_worker", today)
            if (today - overdue.due_on).days > self.escalate_after_days:
                recorded += self._flag(overdue.case_id, overdue.due_on, "manager", today)
        return recorded

    def start(self) -> None:
        self._thread = threading.Thread(target=self._every_hour, name="overdue-contacts")
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def _every_hour(self) -> None:
        while not self._stopping.is_set():
            try:
                self.check(self.keywork.clock().date())
            except Exception:
                log.exception("checking overdue contacts failed; trying again later")
            self._stopping.wait(CHECK_EVERY_SECONDS)

    def _flag(self, case_id: object, due_on: date, told: Told, today: date) -> int:
        # It occurred on the day checked (at its start, so never after the time it is recorded).
        on = min(datetime.combine(today, time(), UTC), self.keywork.clock())
        try:
            self.keywork.update_case(
                Command(actor=SCHEDULER, occurred_at=on),
                case_id,  # type: ignore[arg-type]
                lambda case, stamp: case.flag_contact_overdue(stamp, due_on=due_on, told=told),
            )
        except (NotAllowedNow, VersionConflict):
            return 0  # flagged already (here or by another scheduler), or contacted since
        return 1
