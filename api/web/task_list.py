"""The case page's task list: what can be done next on the case, and what is done.

Each task names the page that does it, the role table's action it needs, when it is done and
when it can start, all read from the case. A caller sees only the tasks their role may do.
"""

from collections.abc import Callable
from dataclasses import dataclass

from api.auth import Principal
from domain.case import Case
from services.permissions import ALLOWED

Status = str  # "done", "to do", "cannot start yet"
TAC = "manage_team_around_the_child"
REVIEW = "record_review"


@dataclass(frozen=True)
class Task:
    label: str
    page: str  # below /ui/cases/{id}/, or a fragment of the case page ("#record-contact")
    action: str
    done: Callable[[Case], bool]
    ready: Callable[[Case], bool]


@dataclass(frozen=True)
class ShownTask:
    label: str
    href: str
    status: Status


def _open(case: Case) -> bool:
    return case.status == "active"


def _referral_on(case: Case) -> bool:
    """Any case not erased: a closed case's chronology may still be put together."""
    return not case.erased


def _referred(case: Case) -> bool:
    return case.status == "referred"


def _eligible(case: Case) -> bool:
    return case.status == "eligible"


def _decided(case: Case) -> bool:
    return case.eligible is not None


def _allocated(case: Case) -> bool:
    return bool(case.key_workers)


def _agreed(case: Case) -> bool:
    return case.agreement_signed_on is not None


def _not_closed(case: Case) -> bool:
    return case.status != "closed"


def _closed(case: Case) -> bool:
    return case.status == "closed"


def _with_a_team(case: Case) -> bool:
    return _not_closed(case) and bool(case.tac)


def _review_scheduled(case: Case) -> bool:
    scheduled = any(review.status == "scheduled" for review in case.reviews.values())
    return _not_closed(case) and scheduled


def _plan_drafted(case: Case) -> bool:
    return _not_closed(case) and any(plan.status == "draft" for plan in case.plans.values())


def _plans_signed(case: Case) -> bool:
    """Every plan drafted has been signed (or superseded)."""
    return bool(case.plans) and all(plan.status != "draft" for plan in case.plans.values())


def _plan_signed(case: Case) -> bool:
    """A signed plan, whose copies may be recorded even once the case has closed."""
    return any(plan.status == "signed" for plan in case.plans.values())


def _with_a_key_worker(case: Case) -> bool:
    return _not_closed(case) and case.current_key_worker() is not None


def _covered(case: Case) -> bool:
    return _not_closed(case) and bool(case.covers)


def _moving(case: Case) -> bool:
    return case.transfer is not None


def _overridden(case: Case) -> bool:
    return case.consent_overridden


def _not_shared(case: Case) -> bool:
    return _not_closed(case) and not case.consent_to_share


def _correctable(case: Case) -> bool:
    return _not_closed(case) and bool(case.contacts or case.tac_events)


def _audited(case: Case) -> bool:
    return case.closure_audited


def _family_met(case: Case) -> bool:
    return case.family_met_on is not None


def _without_a_key_worker(case: Case) -> bool:
    return _not_closed(case) and case.current_key_worker() is None


def _transition_planned(case: Case) -> bool:
    return case.transition_plan is not None


def _never(case: Case) -> bool:
    """A task done again and again, such as a contact: never finished."""
    return False


# The tasks in the stages of a case's life, each stage a task list of its own on the case page.
SECTIONS: tuple[tuple[str, tuple[Task, ...]], ...] = (
    (
        "Referral and eligibility",
        (
            Task("Decide eligibility", "eligibility", "decide_eligibility", _decided, _referred),
            Task(
                "Override the eligibility rules",
                "eligibility-override",
                "override_eligibility",
                _decided,
                _referred,
            ),
        ),
    ),
    (
        "Key working",
        (
            Task(
                "Record the meeting with the family",
                "family-meeting",
                "meet_the_family",
                _family_met,
                _not_closed,
            ),
            Task(
                "Record a key worker approached",
                "key-worker-approach",
                "approach_key_worker",
                _never,
                _without_a_key_worker,
            ),
            Task(
                "Allocate a key worker", "key-worker", "allocate_key_worker", _allocated, _eligible
            ),
            Task(
                "Record the service agreement",
                "service-agreement",
                "sign_service_agreement",
                _agreed,
                _open,
            ),
            Task("Record a contact", "#record-contact", "record_contact", _never, _open),
            Task(
                "Add an event to the chronology",
                "significant-events",
                "mark_significant",
                _never,
                _referral_on,
            ),
        ),
    ),
    (
        "Team Around the Child",
        (
            Task("Add a member to the Team Around the Child", "tac-member", TAC, _never, _open),
            Task("Change a team member's details", "tac-member-change", TAC, _never, _with_a_team),
            Task("Remove a team member", "tac-member-removal", TAC, _never, _with_a_team),
        ),
    ),
    (
        "Reviews",
        (
            Task("Schedule a review", "#schedule-review", "schedule_review", _never, _open),
            Task("Move a review", "review-reschedule", REVIEW, _never, _review_scheduled),
            Task("Cancel a review", "review-cancellation", REVIEW, _never, _review_scheduled),
            Task(
                "Record a report for a review", "review-report", REVIEW, _never, _review_scheduled
            ),
            Task("Record a review meeting", "review-outcome", REVIEW, _never, _review_scheduled),
        ),
    ),
    (
        "Family Support Plan",
        (
            Task("Draft a Family Support Plan", "plan", "draft_plan", _never, _open),
            Task(
                "Record the plan's signature",
                "plan-signature",
                "sign_plan",
                _plans_signed,
                _plan_drafted,
            ),
            Task(
                "Record who got a copy of the plan",
                "plan-copy",
                "distribute_plan",
                _never,
                _plan_signed,
            ),
        ),
    ),
    (
        "Changes of key worker or area",
        (
            Task(
                "Hand over to a new key worker", "handover", "hand_over", _never, _with_a_key_worker
            ),
            Task("Arrange absence cover", "cover", "arrange_cover", _never, _with_a_key_worker),
            Task("End absence cover early", "cover-end", "arrange_cover", _never, _covered),
            Task("Agree a move", "transfer", "agree_transfer", _moving, _open),
        ),
    ),
    (
        "Consent and corrections",
        (
            Task(
                "Record the family's consent to share",
                "consent",
                "record_consent",
                _never,
                _not_closed,
            ),
            Task(
                "Share the case without the family's consent",
                "consent-override",
                "override_consent",
                _overridden,
                _not_shared,
            ),
            Task("Correct an earlier record", "correction", "correct", _never, _correctable),
        ),
    ),
    (
        "Closing the case",
        (
            Task(
                "Plan the transition to adult services",
                "transition-plan",
                "plan_transition",
                _transition_planned,
                _open,
            ),
            Task("Close the case", "closure", "close_case", _closed, _not_closed),
            Task("Audit the closure", "closure-audit", "audit_closure", _audited, _closed),
            Task("Reopen the case", "reopening", "reopen_case", _never, _closed),
        ),
    ),
)


def task_list(case: Case, caller: Principal) -> list[tuple[str, list[ShownTask]]]:
    """Each stage's tasks the caller's role may do, with their status; a stage with none left
    out."""
    shown = []
    for section, tasks in SECTIONS:
        listed = [_shown(case, task) for task in tasks if caller.role in ALLOWED[task.action]]
        if listed:
            shown.append((section, listed))
    return shown


def _shown(case: Case, task: Task) -> ShownTask:
    status = "done" if task.done(case) else "to do" if task.ready(case) else "cannot start yet"
    separator = "" if task.page.startswith("#") else "/"
    return ShownTask(task.label, f"/ui/cases/{case.id}{separator}{task.page}", status)
