"""A child's episode of key working, from referral to closure (and reopening).

The Case is one aggregate assembled from parts (see `domain/case_base.py`); this module holds the
referral, which sets up the case's state, and the eligibility decision.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from domain.aggregate import require_choice, require_text
from domain.case_base import MAX_NAME_LENGTH, AccessibleFormat, Channel, FamilyMember
from domain.closure import ClosurePart
from domain.consent import ConsentPart
from domain.contacts import ContactsPart
from domain.corrections import CorrectionsPart
from domain.eligibility import EligibilityFacts, RuleSet, age_on, unmet_criteria
from domain.erasure import ErasurePart
from domain.errors import InvalidValue, NotAllowedNow
from domain.feedback import FeedbackPart
from domain.key_workers import KeyWorkerPart
from domain.nhs_number import is_valid_nhs_number
from domain.outcomes import OutcomeScores, OutcomesPart
from domain.plans import PlansPart
from domain.reviews import ReviewsPart
from domain.significance import SignificancePart
from domain.stamp import Stamp
from domain.start import StartPart
from domain.tac import TacPart
from domain.transfers import TransferPart
from domain.transition import TransitionPart
from domain.young_adults import is_young_adult, own_place

Route = Literal["professional", "single_point", "self"]


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

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Case(
    # Every part, each before the parts whose state it reads.
    CorrectionsPart,
    ClosurePart,
    TransitionPart,
    OutcomesPart,
    ReviewsPart,
    ContactsPart,
    TacPart,
    StartPart,
    KeyWorkerPart,
    TransferPart,
    PlansPart,
    ConsentPart,
    ErasurePart,
    FeedbackPart,
    SignificancePart,
):
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
        previous_case_id: UUID | None = None,
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
            previous_case_id=previous_case_id,
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
        previous_case_id: UUID | None = None,
    ) -> None:
        self.area = area
        self.team = None
        self.route = route
        self.referrer = referrer
        self.child = child
        self.family = list(family)
        self.needs = list(needs)
        self.consent_to_share = consent_to_share
        self.consent_overridden = False
        self.erased = False
        self.previous_case_id = previous_case_id
        self.referred_at = stamp.occurred_at
        self.status = "referred"
        self.eligible = None
        self.key_workers = []
        self.covers = []
        self.contact_every_days = None
        self.agreement_signed_on = None
        self.expected_duration_months = None
        self.exit_plan = None
        self.contacts = {}
        self.overdue_flags = set()
        self.tac = {}
        self.tac_events = {}
        self.family_met_on = None
        self.approaches = []
        self.reviews = {}
        self.next_review_on = None
        self.review_overdue_flags = set()
        self.outcomes: list[OutcomeScores] = []
        self.plans = {}
        self.transfer = None
        self.transition_plan = None
        self.transition_reminders = set()
        self.closure_reason = None
        self.closed_on = None
        self.significant = {}
        self.closure_audited = False

    def decide_eligibility(self, stamp: Stamp, rules: RuleSet, facts: EligibilityFacts) -> None:
        self._require_undecided_allocation()
        facts.check()
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

    def _set_eligibility(self, accepted: bool) -> None:
        self.eligible = accepted
        self.status = "eligible" if accepted else "not_eligible"

    def child_age_on(self, day: date) -> int | None:
        born: date | None = self.child.date_of_birth  # None once the child's key is destroyed
        return None if born is None else age_on(born, day)

    def age_limit(self, rules: RuleSet) -> int:
        """The last age the area's `rules` cover this child: they are covered until the day
        before their next birthday."""
        return rules.upper_age(self.child.in_complex_needs_school)

    def has_reached_age_limit(self, day: date, rules: RuleSet) -> bool:
        age = self.child_age_on(day)
        return age is not None and age >= self.age_limit(rules)

    def is_young_adult_on(self, day: date) -> bool:
        return is_young_adult(self.child.date_of_birth, day)

    def young_person_contact(self) -> FamilyMember | None:
        """The young person's own contact details, when the family list holds them."""
        place = own_place([member.name for member in self.family], self.child.full_name)
        return None if place is None else self.family[place]

    def _require_undecided_allocation(self) -> None:
        self._require_open()
        if self.current_key_worker() is not None:
            raise NotAllowedNow(
                "status", "before_allocation", "eligibility is settled once a key worker is in"
            )


def _closed_v1_v2(state: dict[str, object]) -> None:
    """A closure recorded before endings said how they were agreed: none of it is known."""
    # Closures stored with the agreement but not yet marked as the second version keep theirs.
    for name in ("why_no_final_plan", "family_agreed", "why_not_agreed", "agreed_at_review_id"):
        state.setdefault(name, None)


def _agreement_v1_v2(state: dict[str, object]) -> None:
    """An agreement signed before it said how long key working lasts and how it ends."""
    state.update(expected_duration_months=None, exit_plan=None)


# The Closed event gained the ending's agreement in its second version (domain/closure.py), and
# ServiceAgreementSigned the expected duration and the exit plan (domain/contacts.py); stored
# first versions are upcast as they are read. The classes are the ones the event decorator made
# in the parts, which are the ones stored (Case.Closed is a copy never triggered).
ClosurePart.Closed.class_version = 2  # type: ignore[attr-defined]
ClosurePart.Closed.upcast_v1_v2 = staticmethod(_closed_v1_v2)  # type: ignore[attr-defined]
ContactsPart.ServiceAgreementSigned.class_version = 2  # type: ignore[attr-defined]
ContactsPart.ServiceAgreementSigned.upcast_v1_v2 = staticmethod(_agreement_v1_v2)  # type: ignore[attr-defined]


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
    if member.language is not None:
        require_text(f"{path}.language", member.language, MAX_NAME_LENGTH)
    if member.needs_interpreter and member.language is None:
        raise InvalidValue(
            f"{path}.language", "required_for_interpreter", "name the language to interpret"
        )
    if member.accessible_format is not None:
        require_choice(f"{path}.accessible_format", member.accessible_format, AccessibleFormat)
    if member.preferred_channel == "letter" and not member.postal_address:
        raise InvalidValue(
            f"{path}.postal_address", "required_for_channel", "postal_address needed for letters"
        )
