"""Use cases on Family Support Plans: versions drafted, signed, and each copy sent."""

from datetime import date
from uuid import UUID

from domain.case import Case
from domain.case_base import Channel
from domain.plans import PlanAction
from services.cases import CaseCommands
from services.commands import Command, Outcome


class PlanCommands(CaseCommands):
    def draft_plan(
        self,
        command: Command,
        case_id: UUID,
        *,
        summary: str,
        outcomes: list[str],
        actions: list[PlanAction],
    ) -> tuple[int, Outcome]:
        """Drafts the plan's next version; answers its number."""
        outcome = self._on_case(
            command, case_id, Case.draft_plan, summary=summary, outcomes=outcomes, actions=actions
        )
        [drafted] = self.events.get(case_id, gt=outcome.version - 1, lte=outcome.version)
        return int(vars(drafted)["plan_version"]), outcome

    def sign_plan(
        self,
        command: Command,
        case_id: UUID,
        *,
        plan_version: int,
        signed_on: date,
        signed_by: str | None = None,
        signed_by_young_person: bool = False,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.sign_plan,
            plan_version=plan_version,
            signed_on=signed_on,
            signed_by=signed_by,
            signed_by_young_person=signed_by_young_person,
        )

    def record_plan_copy(
        self,
        command: Command,
        case_id: UUID,
        *,
        plan_version: int,
        recipient: str,
        channel: Channel,
        sent: bool,
        reason: str | None = None,
    ) -> Outcome:
        """How one recipient's copy of a signed plan went: sent, or failed and why."""
        return self._on_case(
            command,
            case_id,
            Case.record_plan_copy,
            plan_version=plan_version,
            recipient=recipient,
            channel=channel,
            sent=sent,
            reason=reason,
        )
