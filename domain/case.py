"""A child's episode of key working, from referral to closure (and reopening)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import KeyworkAggregate, require_choice, require_text
from domain.eligibility import EligibilityFacts, RuleSet, age_on, unmet_criteria
from domain.errors import InvalidValue, NotAllowedNow
from domain.nhs_number import is_valid_nhs_number
from domain.schedule import is_overdue, next_contact_due
from domain.stamp import Stamp

Route = Literal["professional", "single_point", "self"]
Channel = Literal["email", "letter"]
KeyWorkerKind = Literal["designated", "non_designated", "parent_carer"]
ContactKind = Literal["home_visit", "phone", "text", "email", "meeting", "school_visit", "other"]
ClosureReason = Literal[
    "needs_met",
    "age_limit",
    "adult_services",
    "moved_out_of_area",
    "family_withdrew",
    "not_eligible",
]
Status = Literal["referred", "eligible", "not_eligible", "active", "closed"]

MAX_NAME_LENGTH = 200
MAX_CONTACT_EVERY_DAYS = 365


@dataclass(frozen=True)
class Referrer:
    name: str
    email: str | None = None
    practitioner_id: UUID | None = None


@dataclass(frozen=True)
class Child:
    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str | None = None
    gp_practice: str | None = None
    postcode: str | None = None
    in_complex_needs_school: bool = False


@dataclass(frozen=True)
class FamilyMember:
    name: str
    relationship: str
    has_parental_responsibility: bool
    preferred_channel: Channel
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None


@dataclass(frozen=True)
class KeyWorker:
    kind: KeyWorkerKind
    from_date: date
    practitioner_id: UUID | None = None
    parent_carer_name: str | None = None


class Case(KeyworkAggregate):
    @classmethod
    def refer(
        cls,
        stamp: Stamp,
        *,
        area: str,
        route: Route,
        referrer: Referrer,
        child: Child,
        family: list[FamilyMember],
        needs: list[str],
        consent_to_share: bool,
    ) -> "Case":
        require_choice("route", route, Route)
        require_text("referrer.name", referrer.name, MAX_NAME_LENGTH)
        _check_child(child, stamp.recorded_at.date())
        if not family:
            raise InvalidValue("family", "at_least_one", "name at least one family member")
        for index, member in enumerate(family):
            _check_family_member(f"family[{index}]", member)
        for index, need in enumerate(needs):
            require_text(f"needs[{index}]", need)
        return cls(
            stamp,
            area=area,
            route=route,
            referrer=referrer,
            child=child,
            family=family,
            needs=needs,
            consent_to_share=consent_to_share,
        )

    @event("Referred")
    def __init__(
        self,
        stamp: Stamp,
        area: str,
        route: Route,
        referrer: Referrer,
        child: Child,
        family: list[FamilyMember],
        needs: list[str],
        consent_to_share: bool,
    ) -> None:
        self.area = area
        self.route = route
        self.referrer = referrer
        self.child = child
        self.family = list(family)
        self.needs = list(needs)
        self.consent_to_share = consent_to_share
        self.referred_at: datetime = stamp.occurred_at
        self.status: Status = "referred"
        self.eligible: bool | None = None
        self.key_worker: KeyWorker | None = None
        self.contact_every_days: int | None = None
        self.agreement_signed_on: date | None = None
        self.last_contact_at: datetime | None = None
        self.closure_reason: ClosureReason | None = None

    def decide_eligibility(self, stamp: Stamp, rules: RuleSet, facts: EligibilityFacts) -> None:
        self._require_undecided_allocation()
        age = age_on(self.child.date_of_birth, stamp.occurred_at.date())
        unmet = unmet_criteria(rules, facts, age, self.child.in_complex_needs_school)
        self._eligibility_decided(
            stamp,
            accepted=not unmet,
            rule_set_id=rules.id,
            rule_set_version=rules.version,
            facts=facts,
            unmet_criteria=unmet,
        )

    @event("EligibilityDecided")
    def _eligibility_decided(
        self,
        stamp: Stamp,
        accepted: bool,
        rule_set_id: str,
        rule_set_version: int,
        facts: EligibilityFacts,
        unmet_criteria: list[str],
    ) -> None:
        self._set_eligibility(accepted)

    def override_eligibility(self, stamp: Stamp, accepted: bool, reason: str) -> None:
        self._require_undecided_allocation()
        require_text("reason", reason)
        self._eligibility_overridden(stamp, accepted=accepted, reason=reason)

    @event("EligibilityOverridden")
    def _eligibility_overridden(self, stamp: Stamp, accepted: bool, reason: str) -> None:
        self._set_eligibility(accepted)

    def allocate_key_worker(
        self,
        stamp: Stamp,
        *,
        kind: KeyWorkerKind,
        from_date: date,
        practitioner_id: UUID | None = None,
        parent_carer_name: str | None = None,
    ) -> None:
        self._require_open()
        if self.key_worker is not None:
            raise NotAllowedNow(
                "kind", "one_key_worker", "a key worker is already in place: use a handover"
            )
        if self.status != "eligible":
            raise NotAllowedNow("status", "eligible_first", "the case has not been accepted")
        require_choice("kind", kind, KeyWorkerKind)
        if kind == "parent_carer":
            if practitioner_id is not None or parent_carer_name is None:
                raise InvalidValue(
                    "parent_carer_name", "required_for_parent_carer", "name the parent/carer"
                )
            self._require_family_member("parent_carer_name", parent_carer_name)
        elif practitioner_id is None or parent_carer_name is not None:
            raise InvalidValue(
                "practitioner_id", "required_for_practitioner", "name the practitioner"
            )
        if from_date < self.referred_at.date():
            raise InvalidValue("from", "not_before_referral", "from is before the referral")
        self._key_worker_allocated(
            stamp,
            kind=kind,
            from_date=from_date,
            practitioner_id=practitioner_id,
            parent_carer_name=parent_carer_name,
        )

    @event("KeyWorkerAllocated")
    def _key_worker_allocated(
        self,
        stamp: Stamp,
        kind: KeyWorkerKind,
        from_date: date,
        practitioner_id: UUID | None,
        parent_carer_name: str | None,
    ) -> None:
        self.key_worker = KeyWorker(kind, from_date, practitioner_id, parent_carer_name)
        self.status = "active"

    def sign_service_agreement(
        self, stamp: Stamp, *, contact_every_days: int, signed_by: str, signed_on: date
    ) -> None:
        self._require_open()
        if self.key_worker is None:
            raise NotAllowedNow("status", "key_worker_first", "allocate a key worker first")
        if not 1 <= contact_every_days <= MAX_CONTACT_EVERY_DAYS:
            raise InvalidValue(
                "contact_every_days", "between_1_and_365", "contact_every_days must be 1-365"
            )
        self._require_family_member("signed_by", signed_by)
        if signed_on > stamp.recorded_at.date():
            raise InvalidValue("signed_on", "not_in_future", "signed_on is in the future")
        self._service_agreement_signed(
            stamp, contact_every_days=contact_every_days, signed_by=signed_by, signed_on=signed_on
        )

    @event("ServiceAgreementSigned")
    def _service_agreement_signed(
        self, stamp: Stamp, contact_every_days: int, signed_by: str, signed_on: date
    ) -> None:
        self.contact_every_days = contact_every_days
        self.agreement_signed_on = signed_on

    def record_contact(
        self, stamp: Stamp, *, kind: ContactKind, participants: list[str], note: str | None
    ) -> None:
        self._require_open()
        require_choice("kind", kind, ContactKind)
        for index, participant in enumerate(participants):
            require_text(f"with[{index}]", participant, MAX_NAME_LENGTH)
        if note is not None:
            require_text("note", note)
        self._contact_recorded(stamp, kind=kind, participants=participants, note=note)

    @event("ContactRecorded")
    def _contact_recorded(
        self, stamp: Stamp, kind: str, participants: list[str], note: str | None
    ) -> None:
        # Contacts are often recorded days later and out of order.
        if self.last_contact_at is None or stamp.occurred_at > self.last_contact_at:
            self.last_contact_at = stamp.occurred_at

    def close(
        self, stamp: Stamp, *, reason: ClosureReason, final_plan_version: int | None = None
    ) -> None:
        self._require_open()
        require_choice("reason", reason, ClosureReason)
        if reason == "not_eligible" and self.status != "not_eligible":
            raise NotAllowedNow(
                "reason", "declined_decision_first", "the case has no declined eligibility decision"
            )
        self._closed(stamp, reason=reason, final_plan_version=final_plan_version)

    @event("Closed")
    def _closed(self, stamp: Stamp, reason: ClosureReason, final_plan_version: int | None) -> None:
        self.status = "closed"
        self.closure_reason = reason
        self.key_worker = None
        self.contact_every_days = None
        self.agreement_signed_on = None

    def reopen(self, stamp: Stamp, *, reason: str) -> None:
        if self.status != "closed":
            raise NotAllowedNow("status", "closed_first", "only a closed case can be reopened")
        require_text("reason", reason)
        self._reopened(stamp, reason=reason)

    @event("Reopened")
    def _reopened(self, stamp: Stamp, reason: str) -> None:
        self.status = "eligible" if self.eligible else "referred"
        self.closure_reason = None

    def next_contact_due(self) -> date | None:
        if self.contact_every_days is None or self.agreement_signed_on is None:
            return None
        last = self.last_contact_at.date() if self.last_contact_at else None
        return next_contact_due(last, self.agreement_signed_on, self.contact_every_days)

    def is_contact_overdue(self, today: date) -> bool:
        return is_overdue(self.next_contact_due(), today)

    def _set_eligibility(self, accepted: bool) -> None:
        self.eligible = accepted
        self.status = "eligible" if accepted else "not_eligible"

    def _require_open(self) -> None:
        if self.status == "closed":
            raise NotAllowedNow("status", "case_open", "the case is closed")

    def _require_undecided_allocation(self) -> None:
        self._require_open()
        if self.key_worker is not None:
            raise NotAllowedNow(
                "status", "before_allocation", "eligibility is settled once a key worker is in"
            )

    def _require_family_member(self, field: str, name: str) -> None:
        if name not in {member.name for member in self.family}:
            raise InvalidValue(field, "family_member", f"{field} must name a family member")


def _check_child(child: Child, today: date) -> None:
    require_text("child.given_name", child.given_name, MAX_NAME_LENGTH)
    require_text("child.family_name", child.family_name, MAX_NAME_LENGTH)
    if child.date_of_birth > today:
        raise InvalidValue("child.date_of_birth", "not_in_future", "date_of_birth is in the future")
    if child.nhs_number is not None and not is_valid_nhs_number(child.nhs_number):
        raise InvalidValue("child.nhs_number", "modulus_11", "nhs_number fails its check digit")


def _check_family_member(path: str, member: FamilyMember) -> None:
    require_text(f"{path}.name", member.name, MAX_NAME_LENGTH)
    require_text(f"{path}.relationship", member.relationship, MAX_NAME_LENGTH)
    require_choice(f"{path}.preferred_channel", member.preferred_channel, Channel)
    if member.preferred_channel == "email" and not member.email:
        raise InvalidValue(f"{path}.email", "required_for_channel", "email needed for that channel")
    if member.preferred_channel == "letter" and not member.postal_address:
        raise InvalidValue(
            f"{path}.postal_address", "required_for_channel", "postal_address needed for letters"
        )
