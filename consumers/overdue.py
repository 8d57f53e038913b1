"""Overdue contacts: finds the cases whose next agreed contact is past due and records it.

`ContactOverdue` is recorded once per (case, due date) for the key worker, and once more for
their manager when the contact is still overdue a set number of days later. Time is passed in, so
a test (or `keywork overdue check --today`) decides what day it is.
"""

import logging
from datetime import UTC, date, datetime, time
from uuid import UUID

from consumers.background import Background
from domain.contacts import Told
from domain.errors import NotAllowedNow
from projections.caseloads import overdue_contacts
from projections.key_working import KeyWorking
from services.commands import Command, VersionConflict
from services.keywork import Keywork

log = logging.getLogger("keywork.overdue")
SCHEDULER = "keywork-scheduler"  # the actor of what the scheduler records
CHECK_EVERY_SECONDS = 3600.0


class OverdueContacts(Background):
    name = "overdue-contacts"

    def __init__(self, keywork: Keywork, model: KeyWorking, escalate_after_days: int) -> None:
        super().__init__()
        self.keywork = keywork
        self.model = model
        self.escalate_after_days = escalate_after_days

    def check(self, today: date) -> int:
        """Flags what is overdue on `today`; returns how many flags were recorded."""
        recorded = 0
        for overdue in overdue_contacts(self.model, today):
            recorded += self._flag(overdue.case_id, overdue.due_on, "key_worker", today)
            if (today - overdue.due_on).days > self.escalate_after_days:
                recorded += self._flag(overdue.case_id, overdue.due_on, "manager", today)
        return recorded

    def run(self) -> None:
        """Checks every hour, on the application's clock."""
        while not self._stopping.is_set():
            try:
                self.check(self.keywork.clock().date())
            except Exception as error:
                # The type only: a message might quote the data it failed on.
                log.error("checking overdue contacts failed (%s)", type(error).__name__)
            self._stopping.wait(CHECK_EVERY_SECONDS)

    def _flag(self, case_id: UUID, due_on: date, told: Told, today: date) -> int:
        # It occurred on the day checked (at its start, so never after the time it is recorded).
        on = min(datetime.combine(today, time(), UTC), self.keywork.clock())
        try:
            self.keywork.flag_contact_overdue(
                Command(actor=SCHEDULER, occurred_at=on), case_id, due_on=due_on, told=told
            )
        except (NotAllowedNow, VersionConflict):
            return 0  # flagged already (here or by another scheduler), or contacted since
        return 1
