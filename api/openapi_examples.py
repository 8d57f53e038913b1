"""An example of every request body, and of the answers every command gives, for the OpenAPI
document (`api/openapi.py` puts each on its schema). The people and places are made up; a test
(tests/unit/test_openapi.py) checks each example against its own schema."""

from typing import Any

CASE = "7d1f5a0e-3c2b-4f7a-9e61-2b8c4d9a1e05"
PRACTITIONER = "0b6c9e2a-5d41-4f3e-8a27-c1e94b7d6f10"
AGENCY = "5e8a1c3d-9b27-4c6f-a0d4-3f7b2e1c8a96"
REVIEW = "c3a9e7d1-2f54-4b8e-9c16-7a0d5e3b2f48"
EVENT = "9f2e4c6a-1b3d-4e5f-8a7c-6d0b2e4f1a39"
WHEN = "2026-03-03T10:30:00+00:00"
NAMED = {"version": 4, "event_ids": [EVENT]}

CHILD = {
    "given_name": "Zebedee",
    "family_name": "Quillfeather",
    "date_of_birth": "2016-05-01",
    "nhs_number": "9434765919",
    "postcode": "NR1 1AA",
}
MOTHER = {
    "name": "Alex Quillfeather",
    "relationship": "mother",
    "email": "alex@example.org",
    "preferred_channel": "email",
    "has_parental_responsibility": True,
}
FACTS = {"gp_in_area": True, "complex_health_needs": True, "specialist_count": 4, "agency_count": 3}
CONTACT = {"kind": "home_visit", "with": ["Alex Quillfeather"], "note": "Talked through the plan"}

EXAMPLES: dict[str, dict[str, Any]] = {
    "ReferralIn": {
        "route": "professional",
        "referrer": {"name": "Dr Ada Health", "email": "ada@example.org"},
        "child": CHILD,
        "family": [MOTHER],
        "needs": ["co-ordinating hospital and therapy appointments"],
        "consent_to_share": True,
        "area": "norfolk",
    },
    "ReferrerIn": {"name": "Dr Ada Health", "email": "ada@example.org"},
    "ChildIn": CHILD,
    "FamilyMemberIn": MOTHER,
    "EligibilityIn": {"facts": FACTS},
    "FactsIn": FACTS,
    "FamilyMeetingIn": {
        "met_on": "2026-03-02",
        "priorities": ["one person to call"],
        "planning_meeting_needed": True,
    },
    "ApproachIn": {"practitioner_id": PRACTITIONER, "answer": "accepted"},
    "KeyWorkerIn": {"kind": "designated", "from": "2026-03-03", "practitioner_id": PRACTITIONER},
    "ServiceAgreementIn": {
        "contact_every_days": 28,
        "signed_by": "Alex Quillfeather",
        "signed_on": "2026-03-03",
        "expected_duration_months": 12,
    },
    "TacMemberIn": {
        "practitioner_id": PRACTITIONER,
        "role": "physiotherapist",
        "receives_plans": True,
        "channel": "email",
    },
    "TacMemberChangeIn": {"role": "lead physiotherapist", "channel": "letter"},
    "ContactIn": CONTACT | {"occurred_at": WHEN, "functions": ["emotional_practical_support"]},
    "ReviewIn": {"at": "2026-06-01T14:00:00+01:00", "location": "Family home"},
    "RescheduleIn": {"at": "2026-06-08T14:00:00+01:00", "reason": "The school trip moved"},
    "ReviewReportIn": {"from_practitioner_id": PRACTITIONER, "title": "Physiotherapy report"},
    "ReviewOutcomeIn": {
        "attendees": ["Alex Quillfeather", "Jo Keyworker"],
        "child_views": "Likes the new walker",
        "decisions": ["Keep the same key worker"],
        "next_review_on": "2026-12-01",
        "key_worker_confirmed": True,
    },
    "PlanIn": {
        "summary": "One plan for school, health and home",
        "outcomes": ["Walks to school with support"],
        "actions": [{"who": "Jo Keyworker", "what": "Book the OT visit", "by": "2026-04-01"}],
    },
    "PlanActionIn": {"who": "Jo Keyworker", "what": "Book the OT visit", "by": "2026-04-01"},
    "SignatureIn": {"signed_by": "Alex Quillfeather", "signed_on": "2026-03-10"},
    "PlanCopyIn": {"recipient": "tac:physiotherapist", "channel": "letter", "outcome": "sent"},
    "HandoverIn": {
        "kind": "designated",
        "on": "2026-09-01",
        "reason": "Jo is moving team",
        "to_practitioner_id": PRACTITIONER,
        "overlap_until": "2026-09-14",
    },
    "CoverIn": {
        "practitioner_id": PRACTITIONER,
        "from": "2026-07-01",
        "until": "2026-08-31",
        "reason": "Planned leave",
    },
    "CoverEndIn": {"on": "2026-08-15", "reason": "Back early"},
    "TransferIn": {
        "to_area": "suffolk",
        "move_on": "2026-10-01",
        "out_of_area": True,
        "receiving_contact": "Suffolk key working team",
    },
    "ConsentIn": {"given": True},
    "ReasonIn": {"reason": "The family asked for key working again"},
    "TransitionPlanIn": {
        "adult_services": "Adult learning disability team",
        "receiving_contact": "Sam Adult",
        "planned_on": "2027-05-01",
    },
    "ClosureIn": {"reason": "needs_met", "family_agreed": True, "final_plan_version": 2},
    "ClosureAuditIn": {"outcome": "good", "findings": "Plan and closure letter on file"},
    "CorrectionIn": {
        "corrects_event_id": EVENT,
        "reason": "The visit was on the Tuesday",
        "replacement": {"occurred_at": WHEN},
    },
    "ReplacementIn": {"occurred_at": WHEN, "kind": "phone"},
    "SignificantIn": {"event_id": EVENT, "reason": "First home visit after the move"},
    "AgencyIn": {"name": "Children's community nursing", "sector": "health"},
    "PractitionerIn": {
        "name": "Jo Keyworker",
        "role_title": "Designated key worker",
        "agency_id": AGENCY,
        "email": "jo@example.org",
        "team_id": "north-team",
    },
    "ContactDetailsIn": {"email": "jo.keyworker@example.org", "phone": "01603 000000"},
    "ProtectedTimeIn": {"hours_per_week": 7.5},
    "LeavingIn": {"on": "2026-12-31", "reason": "Retiring"},
    "TrainingIn": {
        "course": "key_working_induction",
        "completed_on": "2026-01-15",
        "expires_on": "2029-01-15",
    },
    "SupervisionIn": {
        "held_on": "2026-03-01",
        "kind": "one_to_one",
        "supervisor_id": PRACTITIONER,
        "cases_discussed": [CASE],
        "actions": ["Shadow a review meeting"],
    },
    "ChildSearchIn": {"nhs_number": "943 476 5919", "purpose": "A referral arrived by phone"},
    "ReferredChildIn": {k: CHILD[k] for k in ("given_name", "family_name", "date_of_birth")},
    "FeedbackIn": {"code": "K7Q2-9XPD", "answers": {"listened_to": 5}},
    "StackIn": {"count": 20},
    "CaseAccepted": {"case_id": CASE, **NAMED},
    "ReviewAccepted": {"case_id": CASE, "review_id": REVIEW, **NAMED},
    "PlanAccepted": {"case_id": CASE, "plan_version": 2, **NAMED},
    "AgencyAccepted": {"agency_id": AGENCY, "version": 1, "event_ids": [EVENT]},
    "PractitionerAccepted": {"practitioner_id": PRACTITIONER, "version": 1, "event_ids": [EVENT]},
    "Problem": {
        "type": "urn:keywork:problem:validation",
        "title": "Invalid request",
        "status": 422,
        "detail": "Check: child.date_of_birth",
        "errors": [{"field": "child.date_of_birth", "rule": "not_in_future"}],
    },
}
