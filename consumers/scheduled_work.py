"""The scheduler's hourly work: what is overdue, the reports due to go to the key worker, and
the reminders of the end of key working by age.

`ContactOverdue` (and `ReviewOverdue`) is recorded once per (case, due date) for the key worker,
and once more for their manager when it is still overdue a set number of days later. The reports
received for a review are forwarded to the key worker a set number of days before it
(`ReviewReportsForwarded`), and any received later, again. As a case with a key worker nears
the end of its cover by age, a reminder is recorded once for each of the area's
`transition_reminder_months` (`TransitionReminderDue`). Time is passed in, so a test (or
`keywork overdue check --today`) decides what day it is.
"""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from consumers.background import Background
from domain.errors import NotAllowedNow
from domain.reviews import REPORTS_FORWARDED_DAYS_BEFORE
from domain.schedule import Told
from projections.caseloads import Overdue, key_working_cases, overdue_on, reviews_soon
from projections.key_working import KeyWorking
from services.commands import Command, Outcome, VersionConflict
from services.keywork import Keywork

log = logging.getLogger("keywork.scheduled")
SCHEDULER = "keywork-scheduler"  # the actor of what the scheduler records
CHECK_EVERY_SECONDS = 3600.0
# A use case the scheduler calls on a case (Keywork.flag_contact_overdue, ...).
UseCase = Callable[..., Outcome]


class ScheduledWork(Background):
    name = "scheduled-work"

    def __init__(
        self,
        keywork: Keywork,
        model: KeyWorking,
        forward_days_before: int = REPORTS_FORWARDED_DAYS_BEFORE,
    ) -> None:
        super().__init__()
        self.keywork = keywork
        self.model = model
        self.forward_days_before = forward_days_before
        # Reminders of transitions turn on the day: they are looked for on a day's first check.
        self.reminded_on: date | None = None

    def check(self, today: date) -> int:
        """Flags what is overdue on `today`, forwards the reports of the reviews soon and
        reminds of transitions due; returns how many events were recorded."""
        recorded = sum(
            self._recorded(self.keywork.forward_review_reports, today, case_id, review_id=review)
            for case_id, review in reviews_soon(self.model, today, self.forward_days_before)
        )
        if self.reminded_on != today:
            recorded += sum(
                self._recorded(self.keywork.remind_of_transition, today, case_id)
                for case_id in key_working_cases(self.model, today)
            )
            self.reminded_on = today
        overdue = overdue_on(self.model, today)
        for found, flag in (
            (overdue.contacts, self.keywork.flag_contact_overdue),
            (overdue.reviews, self.keywork.flag_review_overdue),
        ):
            for late in found:
                # The managers' flag is refused until the area's escalation days have passed.
                recorded += self._flagged(flag, late, "key_worker", today)
                recorded += self._flagged(flag, late, "manager", today)
        return recorded

    def run(self) -> None:
        """Checks every hour, on the application's clock."""
        while not self._stopping.is_set():
            try:
                self.check(self.keywork.clock().date())
            except Exception as error:
                # The type only: a message might quote the data it failed on.
                log.error("the scheduled work failed (%s)", type(error).__name__)
            self._stopping.wait(CHECK_EVERY_SECONDS)

    def _command(self, today: date) -> Command:
        # It occurred on the day checked (at its start, so never after the time it is recorded).
        on = min(datetime.combine(today, time(), UTC), self.keywork.clock())
        return Command(actor=SCHEDULER, occurred_at=on)

    def _flagged(self, flag: UseCase, overdue: Overdue, told: Told, today: date) -> int:
        return self._recorded(flag, today, overdue.case_id, due_on=overdue.due_on, told=told)

    def _recorded(self, use_case: UseCase, today: date, case_id: UUID, **fields: Any) -> int:
        """1 if the use case recorded its event on the case, or 0 if there was nothing to
        record: done already (here or by another scheduler), or no longer due."""
        try:
            use_case(self._command(today), case_id, **fields)
        except (NotAllowedNow, VersionConflict):
            return 0
        return 1
