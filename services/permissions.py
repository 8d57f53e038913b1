"""Which roles may do what: the table every command and read is checked against.

The API checks it before a request reaches the application (`api/policy.py`, which adds the
case's scope). A rule that depends on what a command asks for, such as overriding the
eligibility rules rather than applying them, is checked by the application with `require`.
"""

from typing import Literal, get_args

Role = Literal[
    "coordinator",
    "key_worker",
    "business_support",
    "manager",
    "commissioner",
    "admin",
    "downstream",
]
ROLES: tuple[str, ...] = get_args(Role)

COORDINATION = frozenset({"coordinator", "manager"})
CASE_STAFF = frozenset({"coordinator", "key_worker", "business_support", "manager"})

KEY_WORKING = COORDINATION | {"key_worker"}

ALLOWED: dict[str, frozenset[str]] = {
    "refer": CASE_STAFF,
    "decide_eligibility": COORDINATION,
    "override_eligibility": frozenset({"coordinator"}),
    "meet_the_family": COORDINATION,
    "approach_key_worker": COORDINATION,
    "allocate_key_worker": COORDINATION,
    "hand_over": COORDINATION,
    "arrange_cover": COORDINATION,
    "sign_service_agreement": KEY_WORKING,
    "record_contact": CASE_STAFF,
    "manage_team_around_the_child": CASE_STAFF,
    "schedule_review": CASE_STAFF,
    "record_review": CASE_STAFF,
    "draft_plan": KEY_WORKING,
    "sign_plan": CASE_STAFF,
    "distribute_plan": CASE_STAFF,
    "agree_transfer": KEY_WORKING,
    "plan_transition": COORDINATION,
    "close_case": KEY_WORKING,
    "audit_closure": frozenset({"manager"}),
    "reopen_case": COORDINATION,
    "correct": CASE_STAFF,
    "record_consent": CASE_STAFF,
    "override_consent": frozenset({"coordinator"}),
    "mark_significant": frozenset({"key_worker", "manager"}),
    "read_chronology": CASE_STAFF,
    "erase": frozenset({"admin"}),
    "read_case": CASE_STAFF,
    # Finding a child's case by their details: only cases the searcher may read are shown.
    "find_child": CASE_STAFF,
    # Before a referral: the open or recently closed cases the child may already have.
    "find_existing_case": CASE_STAFF,
    "read_case_events": CASE_STAFF | {"downstream"},
    # The FHIR view for NHS systems (api/fhir/): a system's token with the FHIR scope.
    "read_fhir": frozenset({"downstream"}),
    "read_subject_access": frozenset({"manager", "admin"}),
    "read_caseload": CASE_STAFF,
    "read_trail": COORDINATION,
    "read_team_caseloads": COORDINATION,
    "read_metrics": COORDINATION | {"commissioner"},
    "print_letters": COORDINATION | {"business_support"},
    "manage_directory": frozenset({"admin", "coordinator", "business_support"}),
    "read_directory": CASE_STAFF | {"admin"},
    "record_supervision": COORDINATION,
    "read_supervision": COORDINATION | {"key_worker"},  # a key worker: their own
}


class Forbidden(Exception):
    pass


def require(role: str, action: str) -> None:
    if role not in ALLOWED[action]:
        raise Forbidden(f"the {role} role may not {action.replace('_', ' ')}")
