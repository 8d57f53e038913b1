"""An example of the answer of every read beyond one case's (caseloads, trails, searches,
metrics, the directory, feedback, health and the print queue), for the OpenAPI document:
`api/openapi.py` puts each on its schema, or on the media type of an answer with no schema of
its own, and says what each PDF holds. The people and places are those of
`api/openapi_examples.py`; a test (tests/unit/test_openapi.py) checks each example."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from api.metrics_report import Report
from api.openapi_case_examples import CONTACT_ENTRY, JO, NOW, PHYSIO, TEAM, TODAY, VIEW_EVENT
from api.openapi_examples import AGENCY, CASE, CHILD, EVENT, PRACTITIONER
from api.openapi_examples import WHEN as CONTACTED_AT
from domain.feedback import AGREEMENT, QUESTIONS
from projections.known_facts import Scope
from projections.service_metrics import period
from projections.suppression import count, counts_of, measure, share

MANAGER = "2d8f6b3a-7e15-4c9a-a4d0-8b3e5f1c7a92"
CLOSED_CASE = "61c0d9e4-2b7a-4e38-9f15-a8d3c6b2e407"
LETTER = "e1b7c4d2-6a38-4f95-8c0e-2d5a9f3b7e61"

CASELOAD_ENTRY = {
    "case_id": CASE,
    "role": "key_worker",
    "kind": "designated",
    "from_date": "2026-03-03",
    "until": None,
    "contact_every_days": 28,
    "last_contact_at": CONTACTED_AT,
    "next_contact_due": "2026-03-31",
    "contact_overdue": False,
    "next_review_on": "2026-06-01",
    "review_overdue": False,
    "cover_in_place": False,
}
FOUND_CHILD = {
    "case_id": CASE,
    "status": "active",
    "given_name": CHILD["given_name"],
    "family_name": CHILD["family_name"],
    "date_of_birth": CHILD["date_of_birth"],
    "closed_on": None,
}

# The figures as `projections/suppression.py` publishes them: 3 self-referrals are too few to
# show, and so then is the next smallest route, which the total would give away.
METRICS_REPORT = Report(
    period("2026-Q1"),
    Scope(area="norfolk"),
    datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
    [
        *counts_of("referrals", {"professional": 14, "self": 3, "single_point": 9}),
        *measure("referral_to_key_worker_days", [9, 11, 12, 14, 15, 16, 18, 21, 25, 30]),
        share("open_cases_with_key_worker_pct", 37, 45),
        count("key_worker_changes", 6),
    ],
)

READ_EXAMPLES: dict[str, dict[str, Any]] = {
    "CaseloadOut": {
        "practitioner_id": PRACTITIONER,
        "as_at": TODAY,
        "known_at": None,
        "position": 1042,
        "cases": [CASELOAD_ENTRY],
    },
    "TeamCaseloadOut": {
        "team_id": TEAM,
        "as_at": TODAY,
        "known_at": None,
        "key_workers": [
            {"practitioner_id": PRACTITIONER, "name": JO["name"], "cases": [CASELOAD_ENTRY]}
        ],
        "without_induction": [],
        "supervision": [
            {
                "practitioner_id": PRACTITIONER,
                "last_held_on": "2026-03-01",
                "due_on": "2026-04-12",
                "overdue": False,
            }
        ],
    },
    "TrailOut": {
        "entries": [
            {
                "at": CONTACTED_AT,
                "recorded_at": CONTACT_ENTRY["recorded_at"],
                "actor": PRACTITIONER,
                "subject_id": CASE,
                "action": "ContactRecorded",
                "reason": None,
                "event_id": EVENT,
            },
            {
                "at": NOW,
                "recorded_at": NOW,
                "actor": PRACTITIONER,
                "subject_id": CASE,
                "action": "viewed summary",
                "reason": "review preparation",
                "event_id": VIEW_EVENT,
            },
        ],
        "next_cursor": None,
    },
    "ChildrenFoundOut": {"children": [FOUND_CHILD], "next_cursor": None},
    "PossibleExistingCasesOut": {
        "cases": [
            FOUND_CHILD
            | {
                "case_id": CLOSED_CASE,
                "status": "closed",
                "closed_on": "2025-11-28",
                "matched_by": ["nhs_number", "name_and_date_of_birth"],
                "may_reopen": True,
                "next_step": "reopen",
            }
        ]
    },
    "MetricsOut": {
        "period": {"label": "2026-Q1", "first": "2026-01-01", "last": "2026-03-31"},
        "area": METRICS_REPORT.scope.area,
        "age_band": None,
        "key_worker_kind": None,
        "known_at": METRICS_REPORT.known_at.isoformat(),
        "figures": [asdict(figure) for figure in METRICS_REPORT.figures],
    },
    "AgenciesOut": {
        "agencies": [
            {"agency_id": AGENCY, "name": "Children's community nursing", "sector": "health"}
        ],
        "next_cursor": "o50",
    },
    "AgencyOut": {
        "agency_id": AGENCY,
        "version": 1,
        "name": "Children's community nursing",
        "sector": "health",
    },
    "PractitionersOut": {
        "practitioners": [
            {
                "practitioner_id": PRACTITIONER,
                "name": JO["name"],
                "role_title": "Designated key worker",
                "agency_id": AGENCY,
                "agency_name": "Children's community nursing",
                "team_id": TEAM,
                "left_on": None,
            }
        ],
        "next_cursor": None,
    },
    "PractitionerOut": {
        "practitioner_id": PRACTITIONER,
        "version": 3,
        "name": JO["name"],
        "role_title": "Designated key worker",
        "agency_id": AGENCY,
        "email": JO["email"],
        "phone": JO["phone"],
        "postal_address": None,
        "team_id": TEAM,
        "left_on": None,
        "training": [
            {
                "course": "key_working_induction",
                "completed_on": "2026-01-15",
                "expires_on": "2029-01-15",
                "current": True,
            }
        ],
        "protected_hours_per_week": 7.5,
    },
    "SupervisionRecordOut": {
        "practitioner_id": PRACTITIONER,
        "sessions": [
            {
                "held_on": "2026-03-01",
                "kind": "one_to_one",
                "supervisor_id": MANAGER,
                "cases_discussed": [CASE],
                "actions": ["Shadow a review meeting"],
            }
        ],
        "every_days": 42,
        "due_on": "2026-04-12",
        "overdue": False,
    },
    "QuestionnaireOut": {
        "questions": [{"question": key, "text": text} for key, text in QUESTIONS.items()],
        "scale": {str(answer): meaning for answer, meaning in AGREEMENT.items()},
    },
    "HealthOut": {
        "status": "ok",
        "store_head": 1042,
        "projections": [
            {"name": "key_working", "position": 1042, "behind": 0},
            {"name": "views", "position": 310, "behind": 2},
        ],
    },
}

# Answers with no schema of their own, by operation: an example of each media type.
ANSWER_EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/letters"): {
        "application/json": [
            {
                "letter_id": LETTER,
                "case_id": CASE,
                "recipient": f"practitioner:{PHYSIO}",
                "subject": "Family Support Plan, version 2",
                "created_at": "2026-03-10T15:00:02+00:00",
                "posted_at": None,
                "accessible_format": None,
            }
        ]
    },
    ("post", "/letters/{letter_id}/posted"): {"application/json": {"newly_posted": True}},
    ("post", "/feedback"): {"application/json": {"received": True}},
    ("get", "/metrics"): {"text/csv": METRICS_REPORT.csv()},
}

# A PDF, which no example shows: what it holds, said on the answer.
PDF_ANSWERS: dict[tuple[str, str], str] = {
    ("get", "/cases/{case_id}/chronology"): "The chronology as JSON; with `Accept: "
    "application/pdf`, a PDF to print of the same entries: the child's name, the case id, when "
    "it was printed, and each milestone and significant event with when it occurred and was "
    "recorded, by whom, its reason, why it is significant, and whether it was corrected.",
    ("get", "/cases/{case_id}/subject-access"): "Everything held about the child as JSON; with "
    "`Accept: application/pdf`, the same export as a PDF to post to the family: what was "
    "recorded, oldest first, the read models' rows about the child, and who has looked at the "
    "record.",
    ("post", "/feedback/questionnaires"): "A PDF of the stack, one paper questionnaire a page: "
    "the questions with a box for each answer on the scale, where to answer online, and the "
    "page's own code for `POST /feedback`.",
}
