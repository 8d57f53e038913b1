"""Who is told of each event, and what: DOMAIN.md's table of notifications, one method a row.

A signed plan goes to the case's distribution list (`plan_recipients.py`); the others are worked
out from the case. Recipients are known by opaque, stable keys ("family:<n>", "practitioner:<id>"),
so a message is claimed, and a plan copy recorded, under the same key each time.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from consumers.notices import Notice
from consumers.plan_recipients import PlanRecipients
from domain.case import Case
from services.keywork import Keywork


@dataclass(frozen=True)
class Mailboxes:
    sender: str  # the service's own address
    coordinators: str  # told of each new referral


class Recipients:
    def __init__(self, keywork: Keywork, mailboxes: Mailboxes, plans: PlanRecipients) -> None:
        self.keywork = keywork
        self.mailboxes = mailboxes
        self.plans = plans
        self.told: dict[str, Callable[[Any], list[Notice]]] = {
            "Referred": self._referred,
            "KeyWorkerAllocated": self._key_worker_allocated,
            "KeyWorkerHandedOver": self._key_worker_handed_over,
            "CoverArranged": self._cover_arranged,
            "CoverEnded": self._cover_ended,
            "ReviewScheduled": self._review_scheduled,
            "ReviewRescheduled": self._review_rescheduled,
            "ReviewCancelled": self._review_cancelled,
            "ReviewHeld": self._review_held,
            "ReviewReportsForwarded": self._review_reports_forwarded,
            "ContactOverdue": self._contact_overdue,
            "ReviewOverdue": self._review_overdue,
            "TransitionReminderDue": self._transition_reminder,
            "Closed": self._closed,
        }

    def of(self, event: Any, position: int) -> list[Notice] | None:
        """The notices the event at `position` calls for; None if that cannot be known yet."""
        if type(event).__name__ == "PlanSigned":
            return self._plan_signed(event, position)
        told = self.told.get(type(event).__name__)
        return told(event) if told else []

    def _plan_signed(self, event: Any, position: int) -> list[Notice] | None:
        on_list = self.plans.of(event.originator_id, event.stamp.occurred_at.date(), position)
        if on_list is None:
            return None
        plan = self.keywork.case(event.originator_id).plan(event.plan_version)
        context = {
            "plan_version": event.plan_version,
            "summary": plan.summary,
            "outcomes": plan.outcomes,
            "actions": plan.actions,
            "reference": str(event.originator_id),
        }
        return [
            Notice(key, r.name, r.channel, r.address, "plan_signed", context) for key, r in on_list
        ]

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

    def _cover_ended(self, event: Any) -> list[Notice]:
        """The family and the team told who to contact again once the cover is over."""
        case = self.keywork.case(event.originator_id)
        return [
            notice
            for worker in case.acting_on(event.on)
            for notice in self._key_worker_news(
                event,
                worker,
                "Your key worker is back",
                "The cover has ended. Please contact your key worker again:",
                None,
                since=event.on,
            )
        ]

    def _key_worker_news(
        self,
        event: Any,
        worker: Any,
        headline: str,
        intro: str,
        until: Any,
        since: Any = None,
    ) -> list[Notice]:
        case = self.keywork.case(event.originator_id)
        context = {
            "headline": headline,
            "intro": intro,
            "worker": self._worker(worker, case),
            "start": (since or worker.from_date).isoformat(),
            "until": until.isoformat() if until else None,
            "reference": str(case.id),
        }
        return [
            replace(n, template="key_worker_changed", context=context) for n in self._everyone(case)
        ]

    def _review_scheduled(self, event: Any) -> list[Notice]:
        return self._review_news(event, "review_invite")

    def _review_rescheduled(self, event: Any) -> list[Notice]:
        return self._review_news(event, "review_moved")

    def _review_cancelled(self, event: Any) -> list[Notice]:
        return self._review_news(event, "review_cancelled")

    def _review_held(self, event: Any) -> list[Notice]:
        return self._review_news(
            event,
            "review_decisions",
            decisions=event.decisions,
            next_review_on=event.next_review_on.strftime("%d %B %Y"),
        )

    def _review_reports_forwarded(self, event: Any) -> list[Notice]:
        """The reports received for a review, to whoever acts as the key worker (by email)."""
        case = self.keywork.case(event.originator_id)
        review = case.reviews[event.review_id]
        context = {
            "at": review.at.strftime("%A %d %B %Y at %H:%M"),
            "reports": [
                {
                    "title": report.title,
                    "by": self.keywork.practitioner(report.from_practitioner_id).name,
                }
                for report in review.reports
            ],
            "reference": str(case.id),
        }
        return [
            replace(notice, template="review_reports", context=context)
            for notice in self._acting(case, event.stamp.occurred_at.date())
        ]

    def _review_news(self, event: Any, template: str, **more: Any) -> list[Notice]:
        """A review's invitation, move, cancellation or decisions, to whoever is invited to it:
        the family, the team that receives plans, and whoever acts as the key worker on the day
        of the news and on the day of the meeting."""
        case = self.keywork.case(event.originator_id)
        review = case.reviews[event.review_id]
        context = {
            "at": review.at.strftime("%A %d %B %Y at %H:%M"),
            "location": review.location,
            "reference": str(case.id),
            "interpreting": [m.language for m in case.family if m.needs_interpreter],
        } | more
        days = (event.stamp.occurred_at.date(), review.at.date())
        invited: dict[str, Notice] = {}
        for notice in (*self._everyone(case, plans_only=True), *self._acting(case, *days)):
            invited.setdefault(notice.recipient, notice)  # a key worker on the team: once
        return [replace(n, template=template, context=context) for n in invited.values()]

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

    def _contact_overdue(self, event: Any) -> list[Notice]:
        return self._overdue(event, "contact_overdue")

    def _review_overdue(self, event: Any) -> list[Notice]:
        return self._overdue(event, "review_overdue")

    def _overdue(self, event: Any, template: str) -> list[Notice]:
        """Whoever acts as the key worker (the cover, while one is in place); or else, once it
        is still overdue, the managers of their teams."""
        case = self.keywork.case(event.originator_id)
        context = {"due_on": event.due_on.strftime("%d %B %Y"), "reference": str(case.id)}
        if event.told == "manager":
            managers = self._managers(case, event.stamp.occurred_at.date())
            return [replace(n, template=f"{template}_manager", context=context) for n in managers]
        return [
            Notice(
                f"practitioner:{worker.practitioner_id}",
                details["name"],
                "email",
                details["email"],
                template,
                context,
            )
            for worker in case.acting_on(event.stamp.occurred_at.date())
            if worker.practitioner_id is not None and (details := self._worker(worker, case))
        ]

    def _transition_reminder(self, event: Any) -> list[Notice]:
        """Whoever acts as the key worker, and the managers: how long is left of key working by
        age, and whether a transition plan is made (no date of birth, no name)."""
        case = self.keywork.case(event.originator_id)
        context = {
            "months": event.months,
            "transition_planned": event.transition_planned,
            "reference": str(case.id),
        }
        day = event.stamp.occurred_at.date()
        told = (*self._acting(case, day), *self._managers(case, day))
        return [replace(n, template="transition_reminder", context=context) for n in told]

    def _everyone(self, case: Case, plans_only: bool = False) -> Iterator[Notice]:
        """The family (by their preferred channel) and the Team Around the Child (by theirs)."""
        # Family members by their place on the referral: keys are stored, names must not be.
        for index, member in enumerate(case.family):
            address = member.email if member.preferred_channel == "email" else member.postal_address
            yield Notice(
                f"family:{index}",
                member.name,
                member.preferred_channel,
                address,
                accessible_format=member.accessible_format,
            )
        for tac in case.tac.values():
            if plans_only and not tac.receives_plans:
                continue
            practitioner = self.keywork.practitioner(tac.practitioner_id)
            address = practitioner.email if tac.channel == "email" else practitioner.postal_address
            yield Notice(
                f"practitioner:{tac.practitioner_id}", practitioner.name, tac.channel, address
            )

    def _acting(self, case: Case, *days: date) -> Iterator[Notice]:
        """Whoever acts as the key worker on any of `days` (a practitioner), by email."""
        acting = {w.practitioner_id for day in days for w in case.acting_on(day)}
        for practitioner_id in sorted((p for p in acting if p is not None), key=str):
            practitioner = self.keywork.practitioner(practitioner_id)
            yield Notice(
                f"practitioner:{practitioner_id}", practitioner.name, "email", practitioner.email
            )

    def _managers(self, case: Case, day: date) -> list[Notice]:
        """The managers of the teams of whoever acts as key worker on `day`, a notice for each
        mailbox (the area's own, for a team without one)."""
        area = self.keywork.areas.settings_for(case.area)
        teams = {
            self.keywork.practitioner(worker.practitioner_id).team_id
            for worker in case.acting_on(day)
            if worker.practitioner_id is not None
        }
        mailboxes = sorted({area.managers_mailbox(team) for team in teams or {None}})
        return [Notice(f"managers:{box}", "Managers", "email", box) for box in mailboxes]

    def _worker(self, worker: Any, case: Case) -> dict[str, Any]:
        if getattr(worker, "kind", None) == "young_person":
            # Their own details, when the family list holds them, so the team can reach them.
            own = case.young_person_contact()
            return {
                "name": case.child.full_name,
                "role_title": "the young person, as their own key worker",
                "email": own.email if own else None,
                "phone": own.phone if own else None,
            }
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
