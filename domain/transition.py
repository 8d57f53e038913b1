"""Transition to adult services, and the end of key working by age.

The guide: key working "should be offered from birth to young adulthood and should also be
available to cover transition into adult services", and "strategies for exiting are put in place
well in advance"; the NHS function asks for "a needs-based approach – instead of age-based - to
transition to adult services"; Norfolk: "When a young person leaves children’s services to use
adult services, the key worker service will come to an end."

So a transition plan (the adult services, the receiving contact there, the planned date) can be
made from an age the area sets, for any day the area's age limit still covers: when, within that,
is the family's and the key worker's choice by need. A later plan replaces an earlier one. As the
end of cover by age nears, the key worker and the managers are reminded a set number of months
before it, once for each.
"""  # noqa: RUF002 (the seeds' own dash and apostrophe, quoted exactly)

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from eventsourcing.domain import event

from domain.aggregate import require_text
from domain.case_base import MAX_NAME_LENGTH, CaseBase
from domain.eligibility import RuleSet
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import Stamp


@dataclass(frozen=True)
class TransitionPlan:
    adult_services: str  # the services the young person moves to
    receiving_contact: str  # who there takes them on (sealed), and their email (sealed)
    planned_on: date
    receiving_contact_email: str | None = None


def months_after(day: date, months: int) -> date:
    """The same day of the month, `months` later (earlier if negative). A day a shorter month
    lacks rolls into the next month, as `age_on` counts a 29 February birthday from 1 March."""
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1) + timedelta(days=day.day - 1)


class TransitionPart(CaseBase):
    if TYPE_CHECKING:  # the state this part owns (see domain/case_base.py)
        transition_plan: TransitionPlan | None
        transition_reminders: set[int]  # the months before the end of cover already reminded

        def child_age_on(self, day: date) -> int | None:
            """The child's age on `day`; None once their key is destroyed (domain/case.py)."""

        def age_limit(self, rules: RuleSet) -> int:
            """The last age the area's rules cover the child (domain/case.py)."""

    def plan_transition(
        self, stamp: Stamp, rules: RuleSet, *, from_age: int, plan: TransitionPlan
    ) -> None:
        """A transition plan, from the area's `from_age`, for a day its `rules` still cover."""
        self._require_open()
        today = stamp.occurred_at.date()
        age = self.child_age_on(today)
        if age is None or age < from_age:
            raise NotAllowedNow(
                "status",
                "transition_age_reached",
                f"a transition plan is made from the age of {from_age} in this area",
            )
        require_text("adult_services", plan.adult_services, MAX_NAME_LENGTH)
        require_text("receiving_contact", plan.receiving_contact, MAX_NAME_LENGTH)
        if plan.receiving_contact_email is not None:
            require_text("receiving_contact_email", plan.receiving_contact_email, MAX_NAME_LENGTH)
        if plan.planned_on < today:
            raise InvalidValue("planned_on", "not_in_past", "planned_on is in the past")
        if self._past_age_limit(plan.planned_on, rules):
            raise InvalidValue(
                "planned_on", "within_age_limit", "planned_on is after the area's age limit"
            )
        self._transition_planned(stamp, plan=plan)

    @event("TransitionPlanned")
    def _transition_planned(self, stamp: Stamp, plan: TransitionPlan) -> None:
        self.transition_plan = plan

    def _reminder_months_due(
        self, day: date, rules: RuleSet, reminder_months: Sequence[int]
    ) -> int | None:
        """The months before the end of cover by age whose reminder is due on `day`: the
        nearest of `reminder_months` passed, unless it was reminded already."""
        if self.status == "closed" or self._past_age_limit(day, rules):
            return None
        passed = [m for m in reminder_months if self._past_age_limit(months_after(day, m), rules)]
        if not passed or min(passed) in self.transition_reminders:
            return None
        return min(passed)

    def _past_age_limit(self, day: date, rules: RuleSet) -> bool:
        """Whether the child is older on `day` than the last age the area covers (never, once
        their date of birth is erased)."""
        age = self.child_age_on(day)
        return age is not None and age > self.age_limit(rules)

    def remind_of_transition(
        self, stamp: Stamp, rules: RuleSet, *, reminder_months: Sequence[int]
    ) -> None:
        """Records, once for each of `reminder_months` before the end of cover by age, that the
        key worker and the managers are to be reminded, and whether a plan is made."""
        months = self._reminder_months_due(stamp.occurred_at.date(), rules, reminder_months)
        if months is None:
            raise NotAllowedNow("months", "reminder_due", "no transition reminder is due")
        self._transition_reminder_due(
            stamp, months=months, transition_planned=self.transition_plan is not None
        )

    @event("TransitionReminderDue")
    def _transition_reminder_due(self, stamp: Stamp, months: int, transition_planned: bool) -> None:
        self.transition_reminders.add(months)
