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


def _never(case: Case) -> bool:
    """A task done again and again, such as a contact: never finished."""
    return False


TASKS = (
    Task("Decide eligibility", "eligibility", "decide_eligibility", _decided, _referred),
    Task(
        "Override the eligibility rules",
        "eligibility-override",
        "override_eligibility",
        _decided,
        _referred,
    ),
    Task("Allocate a key worker", "key-worker", "allocate_key_worker", _allocated, _eligible),
    Task(
        "Record the service agreement",
        "service-agreement",
        "sign_service_agreement",
        _agreed,
        _open,
    ),
    Task("Record a contact", "#record-contact", "record_contact", _never, _open),
    Task("Schedule a review", "#schedule-review", "schedule_review", _never, _open),
    Task(
        "Add an event to the chronology",
        "significant-events",
        "mark_significant",
        _never,
        _referral_on,
    ),
)


def task_list(case: Case, caller: Principal) -> list[ShownTask]:
    shown = []
    for task in TASKS:
        if caller.role not in ALLOWED[task.action]:
            continue
        status = "done" if task.done(case) else "to do" if task.ready(case) else "cannot start yet"
        separator = "" if task.page.startswith("#") else "/"
        shown.append(ShownTask(task.label, f"/ui/cases/{case.id}{separator}{task.page}", status))
    return shown
