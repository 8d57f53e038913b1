"""An example of the answer of every read of one case, for the OpenAPI document
(`api/openapi.py` puts each on its schema). They tell the made-up case of
`api/openapi_examples.py`, mostly as read on 20 March 2026; a test (tests/unit/test_openapi.py)
checks each example against its own schema."""

from typing import Any

from api.openapi_examples import CASE, CHILD, CONTACT, EVENT, MOTHER, PRACTITIONER, REVIEW
from api.openapi_examples import WHEN as CONTACTED_AT
from domain.outcomes import DEFAULT_AREAS

PHYSIO = "4a7c2e9b-8d13-4f60-b5e2-9c1a3d7f0e84"
PHYSIO_NAME = "Pat Physio"
REFERRED_EVENT = "3b9d1f7e-5c2a-4e86-b0f4-7a1c9e3d5b28"
ALLOCATED_EVENT = "a6e2c8f0-4d1b-4a97-8e53-1f7b3d9c2a64"
VIEW_EVENT = "d4f8a2c6-9e3b-4d71-a5c0-6b2e8f1d4a37"
REFERRED_AT = "2026-02-16T09:15:00+00:00"
TODAY = "2026-03-20"
NOW = "2026-03-20T11:02:00+00:00"
TEAM = "north-team"
JO = {"name": "Jo Keyworker", "email": "jo@example.org", "phone": "01603 000000"}

KEY_WORKER = {
    "kind": "designated",
    "from": "2026-03-03",
    "until": None,
    "practitioner_id": PRACTITIONER,
    "parent_carer_name": None,
    **JO,
}

TIMELINE_ENTRY = {
    "event_id": ALLOCATED_EVENT,
    "version": 5,
    "type": "KeyWorkerAllocated",
    "actor": "coordinator-1",
    "occurred_at": "2026-03-03T09:00:00+00:00",
    "recorded_at": "2026-03-03T09:04:12+00:00",
    "reason": None,
    "corrected_by": None,
    "details": {
        "key_worker": {
            "kind": "designated",
            "from_date": "2026-03-03",
            "practitioner_id": PRACTITIONER,
            "parent_carer_name": None,
            "until": None,
        }
    },
}
CONTACT_ENTRY = {
    "event_id": EVENT,
    "version": 8,
    "type": "ContactRecorded",
    "actor": PRACTITIONER,
    "occurred_at": CONTACTED_AT,
    "recorded_at": "2026-03-03T16:05:40+00:00",
    "reason": None,
    "corrected_by": None,
    "details": {
        "kind": CONTACT["kind"],
        "participants": CONTACT["with"],
        "note": CONTACT["note"],
        "functions": ["emotional_practical_support"],
    },
}
VIEW = {
    "event_id": VIEW_EVENT,
    "subject_kind": "case",
    "subject_id": CASE,
    "what": "summary",
    "actor": PRACTITIONER,
    "role": "key_worker",
    "purpose": "review preparation",
    "allowed": True,
    "at": NOW,
}

CASE_EXAMPLES: dict[str, dict[str, Any]] = {
    "CaseOut": {
        "case_id": CASE,
        "version": 12,
        "status": "active",
        "area": "norfolk",
        "team": TEAM,
        "route": "professional",
        "referred_at": REFERRED_AT,
        "previous_case_id": None,
        "consent_to_share": True,
        "consent_overridden": False,
        "erased": False,
        "child": CHILD | {"gp_practice": None, "in_complex_needs_school": False},
        "family": [
            MOTHER
            | {
                "phone": None,
                "postal_address": None,
                "language": None,
                "needs_interpreter": False,
                "accessible_format": None,
            }
        ],
        "needs": ["co-ordinating hospital and therapy appointments"],
        "eligible": True,
        "family_met_on": "2026-03-02",
        "approaches": [{"practitioner_id": PRACTITIONER, "answer": "accepted", "on": "2026-03-03"}],
        "key_workers": [KEY_WORKER],
        "cover": None,
        "team_around_the_child": [
            {
                "practitioner_id": PHYSIO,
                "role": "physiotherapist",
                "receives_plans": True,
                "channel": "letter",
            }
        ],
        "contact_every_days": 28,
        "expected_duration_months": 12,
        "exit_plan": None,
        "last_contact_at": CONTACTED_AT,
        "next_contact_due": "2026-03-31",
        "contact_overdue": False,
        "review_overdue": False,
        "next_review": "2026-06-01",
        "plans": [
            {
                "plan_version": 1,
                "status": "superseded",
                "signed_by": None,
                "signed_on": None,
                "signed_by_young_person": False,
            },
            {
                "plan_version": 2,
                "status": "signed",
                "signed_by": "Alex Quillfeather",
                "signed_on": "2026-03-10",
                "signed_by_young_person": False,
            },
        ],
        "transfer": None,
        "transition_plan": None,
        "closure_reason": None,
        "closed_on": None,
        "closure_audit_overdue": False,
    },
    "TimelineOut": {
        "case_id": CASE,
        "events": [TIMELINE_ENTRY, CONTACT_ENTRY],
        "next_cursor": "o2",
    },
    "ChronologyOut": {
        "case_id": CASE,
        "entries": [
            {
                "event_id": REFERRED_EVENT,
                "type": "Referred",
                "actor": "coordinator-1",
                "who": "coordinator-1",
                "occurred_at": REFERRED_AT,
                "recorded_at": REFERRED_AT,
                "reason": None,
                "significant_because": None,
                "corrected_by": None,
            },
            {
                "event_id": EVENT,
                "type": "ContactRecorded",
                "actor": PRACTITIONER,
                "who": "Jo Keyworker",
                "occurred_at": CONTACTED_AT,
                "recorded_at": CONTACT_ENTRY["recorded_at"],
                "reason": None,
                "significant_because": "First home visit after the move",
                "corrected_by": None,
            },
        ],
    },
    "SubjectAccessOut": {
        "case_id": CASE,
        "produced_at": NOW,
        "erased": False,
        "events": [TIMELINE_ENTRY, CONTACT_ENTRY],
        "read_models": {
            "distribution_list": {
                "family": [
                    {
                        "case_id": CASE,
                        "name": MOTHER["name"],
                        "relationship": MOTHER["relationship"],
                        "channel": "email",
                        "email": MOTHER["email"],
                        "postal_address": None,
                        "position": 0,
                    }
                ],
            },
        },
        "access_trail": [VIEW],
    },
    "KeyWorkersOut": {
        "case_id": CASE,
        "as_at": TODAY,
        "known_at": None,
        "key_workers": [
            {
                "role": "key_worker",
                "kind": "designated",
                "practitioner_id": PRACTITIONER,
                "parent_carer_name": None,
                **JO,
                "from_date": "2026-03-03",
                "until": None,
            }
        ],
        "cover": [],
    },
    "OutcomeJourneyOut": {
        "case_id": CASE,
        "measure": {"areas": list(DEFAULT_AREAS), "lowest": 1, "highest": 10},
        "measurements": [
            {
                "review_id": REVIEW,
                "measured_on": "2026-06-01",
                "scores": {"health_and_wellbeing": 3, "communication": 4},
            },
            {
                "review_id": "f7a3d9c1-0e6b-4c25-8d4f-2b9e7a1c5d83",
                "measured_on": "2026-12-01",
                "scores": {"health_and_wellbeing": 5, "communication": 6},
            },
        ],
        "distance_travelled": {"health_and_wellbeing": 2, "communication": 2},
    },
    "DistributionOut": {
        "case_id": CASE,
        "plan_version": 2,
        "status": "signed",
        "recipients": [
            {
                "recipient": "family:0",
                "channel": "email",
                "status": "sent",
                "at": "2026-03-10T15:00:00+00:00",
                "reason": None,
            },
            {
                "recipient": f"practitioner:{PHYSIO}",
                "channel": "letter",
                "status": "sent",
                "at": "2026-03-10T15:00:00+00:00",
                "reason": None,
            },
        ],
    },
    "DistributionListOut": {
        "case_id": CASE,
        "recipients": [
            {
                "kind": "family",
                "name": MOTHER["name"],
                "role": MOTHER["relationship"],
                "channel": "email",
                "address": MOTHER["email"],
                "practitioner_id": None,
            },
            {
                "kind": "key_worker",
                "name": JO["name"],
                "role": "key worker",
                "channel": "email",
                "address": JO["email"],
                "practitioner_id": PRACTITIONER,
            },
            {
                "kind": "tac",
                "name": PHYSIO_NAME,
                "role": "physiotherapist",
                "channel": "letter",
                "address": "Children's therapy team, Example House, Norwich NR1 1AA",
                "practitioner_id": PHYSIO,
            },
            {
                "kind": "business_support",
                "name": "Business support",
                "role": "business support",
                "channel": "email",
                "address": "business-support@example.org",
                "practitioner_id": None,
            },
        ],
    },
}
