"""Which fields of a case's events hold the child's and family's personal data.

These are stored sealed with the child's own key (see `store/sealing.py`); once the key is
destroyed by an erasure they read back as the placeholder given here, so every event keeps its
shape and the case still replays. Everything not listed stays readable: ids, dates of the work,
kinds, flags, so read models and metrics keep working. Practitioners' work details (names, work
email) are the service's staff data, not the child's, and are not listed.
"""

from typing import Any

from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.contacts import Contact
from domain.eligibility import EligibilityFacts
from domain.key_workers import Cover, KeyWorker
from domain.outcomes import OutcomeScores
from domain.plans import PlanAction, PlanCopy, PlanVersion
from domain.reviews import Review, ReviewReport
from domain.transfers import Transfer
from domain.transition import TransitionPlan

ERASED = "[erased]"

# Field name → the value it reads as once the key is gone.
Placeholders = dict[str, Any]

VALUE_FIELDS: dict[type, Placeholders] = {
    Child: {
        "given_name": ERASED,
        "family_name": ERASED,
        "date_of_birth": None,
        "nhs_number": None,
        "gp_practice": None,
        "postcode": None,
    },
    FamilyMember: {
        "name": ERASED,
        "relationship": ERASED,
        "email": None,
        "phone": None,
        "postal_address": None,
        "language": None,
        "needs_interpreter": False,
        "accessible_format": None,
    },
    Referrer: {"name": ERASED, "email": None},
    # What is known of the child's health, disability and care: special-category data.
    EligibilityFacts: {name: None for name in EligibilityFacts.__dataclass_fields__},
    KeyWorker: {"parent_carer_name": ERASED},
    Cover: {"reason": ERASED},
    Contact: {"participants": [], "note": None},
    Review: {"location": ERASED},
    ReviewReport: {"title": ERASED},
    PlanAction: {"who": ERASED, "what": ERASED},
    PlanCopy: {"recipient": ERASED, "reason": None},
    PlanVersion: {"summary": ERASED, "outcomes": [], "actions": [], "signed_by": ERASED},
    Transfer: {"receiving_contact": None},
    OutcomeScores: {"scores": {}},
    TransitionPlan: {"receiving_contact": ERASED, "receiving_contact_email": None},
}

_REASON = {"reason": ERASED}

# Event class name → its own personal fields (value objects it holds are covered above).
EVENT_FIELDS: dict[str, Placeholders] = {
    "Referred": {"needs": []},
    "ContactRecorded": {"participants": [], "note": None},
    "ContactCorrected": _REASON,
    "EventMarkedSignificant": _REASON,
    "CoverEnded": _REASON,
    "EligibilityOverridden": _REASON,
    "KeyWorkerHandedOver": _REASON,
    "PlanDrafted": {"summary": ERASED, "outcomes": [], "actions": []},
    "PlanSigned": {"signed_by": ERASED},
    "PlanCopySent": {"recipient": ERASED},
    "PlanCopyFailed": {"recipient": ERASED, "reason": ERASED},
    "ServiceAgreementSigned": {"signed_by": ERASED, "exit_plan": None},
    "ReviewScheduled": {"location": ERASED},
    "ReviewRescheduled": _REASON,
    "ReviewCancelled": _REASON,
    "ReviewHeld": {"attendees": [], "child_views": ERASED, "decisions": []},
    "ReviewReportReceived": {"title": ERASED},
    "TacMemberCorrected": _REASON,
    "TacMemberRemoved": _REASON,
    "Closed": {"why_no_final_plan": None, "why_not_agreed": None},
    "ClosureAudited": {"findings": ERASED},
    "FamilyMet": {"priorities": []},
    "KeyWorkerApproached": _REASON,
    "Reopened": _REASON,
    "ConsentOverridden": _REASON,
    "OutcomesMeasured": {"scores": {}},
}


def event_fields(event_class: type) -> Placeholders:
    return EVENT_FIELDS.get(event_class.__name__, {})


def value_fields(value_class: type) -> Placeholders:
    return VALUE_FIELDS.get(value_class, {})
