"""Use cases on a child's case: referral to closure, with contacts, transfer, consent and
corrections. Who works with the family, reviews and plans are in their own modules.

Each method is one command: it checks what lies beyond the case (the area's rule set, the
practitioners, earlier cases, settings), then loads the case, lets it decide and saves it.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal, NotRequired, TypedDict, Unpack
from uuid import UUID

from domain.aggregate import KeyworkAggregate
from domain.case import Case, Child, Referrer, Route
from domain.case_base import ClosureReason, FamilyMember
from domain.closure import AuditOutcome, Ending
from domain.contacts import ContactKind
from domain.corrections import Replacement
from domain.directory import Practitioner
from domain.eligibility import EligibilityFacts
from domain.errors import InvalidValue, NotAllowedNow
from domain.functions import KeyWorkingFunction
from domain.schedule import Told
from domain.stamp import Stamp
from domain.transfers import Transfer
from domain.transition import TransitionPlan
from services.application import KeyworkApplication
from services.commands import Command, NotFound, Outcome
from services.permissions import require


class Referral(TypedDict):
    """What `refer` takes besides the command: `Case.refer`'s arguments."""

    area: str
    route: Route
    referrer: Referrer
    child: Child
    family: list[FamilyMember]
    needs: list[str]
    consent_to_share: bool
    previous_case_id: NotRequired[UUID | None]


class CaseCommands(KeyworkApplication):
    def _on_case(
        self, command: Command, case_id: UUID, decision: Callable[..., Any], **fields: Any
    ) -> Outcome:
        """Loads the case, calls the domain's `decision` on it with `fields`, saves it."""
        return self.change(
            command, Case, case_id, lambda case, stamp: decision(case, stamp, **fields)
        )

    def refer(self, command: Command, **referral: Unpack[Referral]) -> Outcome:
        return self.create(command, self._referral(referral))

    def check_referral(self, command: Command, **referral: Unpack[Referral]) -> None:
        """Refuses what `refer` would refuse of these arguments, and records nothing: for
        "check your answers" before a referral is recorded."""
        self._referral(referral)(self._stamp(command))

    def _referral(self, referral: Referral) -> Callable[[Stamp], Case]:
        """The referral's checks beyond the case, then how to make the case."""
        self.areas.rules_for(referral["area"])
        referrer = referral["referrer"].practitioner_id
        if referrer is not None:
            self.require_known(Practitioner, referrer, "referrer.practitioner_id")
        previous_case_id = referral.get("previous_case_id")
        if previous_case_id is not None:
            self._require_past_reopening(previous_case_id)
        return lambda stamp: Case.refer(stamp, **referral)

    def decide_eligibility(
        self,
        command: Command,
        case_id: UUID,
        facts: EligibilityFacts | None = None,
        *,
        override: Literal["accepted", "declined"] | None = None,
        reason: str | None = None,
    ) -> Outcome:
        """By the area's rule set from the facts, or by a coordinator's override with a reason."""
        if (facts is None) == (override is None):
            raise InvalidValue("facts", "facts_or_override", "give either facts or an override")
        if facts is not None:
            return self.change(
                command,
                Case,
                case_id,
                lambda case, stamp: case.decide_eligibility(
                    stamp, self.areas.rules_for(case.area), facts
                ),
            )
        require(command.role, "override_eligibility")
        if reason is None:
            raise InvalidValue("reason", "required_for_override", "an override needs a reason")
        return self._on_case(
            command,
            case_id,
            Case.override_eligibility,
            accepted=override == "accepted",
            reason=reason,
        )

    def sign_service_agreement(
        self,
        command: Command,
        case_id: UUID,
        *,
        contact_every_days: int,
        signed_by: str,
        signed_on: date,
        expected_duration_months: int | None = None,
        exit_plan: str | None = None,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.sign_service_agreement,
            contact_every_days=contact_every_days,
            signed_by=signed_by,
            signed_on=signed_on,
            expected_duration_months=expected_duration_months,
            exit_plan=exit_plan,
        )

    def record_contact(
        self,
        command: Command,
        case_id: UUID,
        *,
        kind: ContactKind,
        participants: list[str],
        note: str | None,
        functions: list[KeyWorkingFunction],
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.record_contact,
            kind=kind,
            participants=participants,
            note=note,
            functions=functions,
        )

    def flag_contact_overdue(
        self, command: Command, case_id: UUID, *, due_on: date, told: Told
    ) -> Outcome:
        return self._flag_overdue(command, case_id, Case.flag_contact_overdue, due_on, told)

    def flag_review_overdue(
        self, command: Command, case_id: UUID, *, due_on: date, told: Told
    ) -> Outcome:
        return self._flag_overdue(command, case_id, Case.flag_review_overdue, due_on, told)

    def _flag_overdue(
        self, command: Command, case_id: UUID, flag: Callable[..., None], due_on: date, told: Told
    ) -> Outcome:
        """The managers are told only once it is still overdue the area's escalation days on."""

        def decide(case: Case, stamp: Stamp) -> None:
            after = self.areas.settings_for(case.area).escalate_overdue_after_days
            if told == "manager" and (stamp.occurred_at.date() - due_on).days <= after:
                raise NotAllowedNow("told", "escalation_due", "not yet for the managers")
            flag(case, stamp, due_on=due_on, told=told)

        return self.change(command, Case, case_id, decide)

    def agree_transfer(self, command: Command, case_id: UUID, *, transfer: Transfer) -> Outcome:
        if not transfer.out_of_area:
            self.areas.rules_for(transfer.to_area)
        return self._on_case(command, case_id, Case.agree_transfer, transfer=transfer)

    def plan_transition(
        self,
        command: Command,
        case_id: UUID,
        *,
        adult_services: str,
        receiving_contact: str,
        planned_on: date,
        receiving_contact_email: str | None = None,
    ) -> Outcome:
        """From the area's transition age, for a day the area's age limit still covers."""
        plan = TransitionPlan(
            adult_services, receiving_contact, planned_on, receiving_contact_email
        )
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.plan_transition(
                stamp,
                self.areas.rules_for(case.area),
                from_age=self.areas.settings_for(case.area).transition_from_age,
                plan=plan,
            ),
        )

    def remind_of_transition(self, command: Command, case_id: UUID) -> Outcome:
        """The reminder due as the end of cover by age nears, by the area's settings."""
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.remind_of_transition(
                stamp,
                self.areas.rules_for(case.area),
                reminder_months=self.areas.settings_for(case.area).transition_reminder_months,
            ),
        )

    def close_case(
        self, command: Command, case_id: UUID, *, reason: ClosureReason, **ending: Unpack[Ending]
    ) -> Outcome:
        """Under the area's rule set, for its age limit."""
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.close(
                stamp, self.areas.rules_for(case.area), reason=reason, **ending
            ),
        )

    def audit_closure(
        self, command: Command, case_id: UUID, *, outcome: AuditOutcome, findings: str
    ) -> Outcome:
        return self._on_case(
            command, case_id, Case.audit_closure, outcome=outcome, findings=findings
        )

    def reopen_case(self, command: Command, case_id: UUID, *, reason: str) -> Outcome:
        """Within the area's reopen window."""
        return self.change(
            command,
            Case,
            case_id,
            lambda case, stamp: case.reopen(
                stamp,
                reason=reason,
                window_days=self.areas.settings_for(case.area).reopen_window_days,
            ),
        )

    def correct(
        self,
        command: Command,
        case_id: UUID,
        *,
        corrects_event_id: UUID,
        reason: str,
        replacement: Replacement,
    ) -> Outcome:
        return self._on_case(
            command,
            case_id,
            Case.correct,
            corrects_event_id=corrects_event_id,
            reason=reason,
            replacement=replacement,
        )

    def record_consent(self, command: Command, case_id: UUID, *, given: bool) -> Outcome:
        """The family's consent to share the case with other agencies, or its withdrawal."""
        return self._on_case(command, case_id, Case.record_consent, given=given)

    def override_consent(self, command: Command, case_id: UUID, *, reason: str) -> Outcome:
        """Shares the case without the family's consent, until their consent is next recorded."""
        return self._on_case(command, case_id, Case.override_consent, reason=reason)

    def mark_significant(
        self, command: Command, case_id: UUID, *, marked_event_id: UUID, reason: str
    ) -> Outcome:
        """Puts one of the case's events in its chronology, saying why it matters."""
        return self._on_case(
            command,
            case_id,
            Case.mark_significant,
            marked_event_id=marked_event_id,
            reason=reason,
        )

    def case(self, case_id: UUID) -> Case:
        return self.load(Case, case_id)

    def timeline(self, case_id: UUID) -> Sequence[KeyworkAggregate.Event]:
        """The case's events, read once; a stream that is not a case's is not found."""
        events = [e for e in self.events.get(case_id) if isinstance(e, KeyworkAggregate.Event)]
        if not events or not isinstance(events[0], Case.Referred):  # type: ignore[attr-defined]
            raise NotFound("case")
        return events

    def _require_past_reopening(self, previous_case_id: UUID) -> None:
        previous = self.require_known(Case, previous_case_id, "previous_case_id")
        window = self.areas.settings_for(previous.area).reopen_window_days
        step = previous.next_step(self.clock().date(), window)
        if step == "work_the_case":
            raise NotAllowedNow("previous_case_id", "closed_case", "the earlier case is open")
        if step == "reopen":
            raise NotAllowedNow(
                "previous_case_id", "reopen_instead", "the earlier case can still be reopened"
            )
