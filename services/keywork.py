"""The keywork application: every use case of the service, one method each."""

from uuid import UUID

from domain.case import Case
from services.case_access import CaseAccess, case_access, workers_ever
from services.commands import NotFound
from services.directory import DirectoryCommands
from services.erasure import ErasureCommands
from services.feedback import FeedbackCommands
from services.key_working import KeyWorkingCommands
from services.plans import PlanCommands
from services.reviews import ReviewCommands
from services.shared_case import SharedCaseReads


class Keywork(
    KeyWorkingCommands,
    ReviewCommands,
    PlanCommands,
    DirectoryCommands,
    ErasureCommands,
    FeedbackCommands,
    SharedCaseReads,
):
    """Every command and read of the service, over one event store and one sequence.

    The use cases, one method each, by what they are about: services/cases.py (referral to
    closure), key_working.py, reviews.py, plans.py, directory.py, erasure.py, feedback.py; and
    the case as NHS systems read it, shared_case.py.
    """

    name = "keywork"  # names its events table and the position read models track

    def case_or_none(self, case_id: UUID) -> Case | None:
        """The case as cached (only to read: a command copies it), or None if there is none."""
        try:
            return self.load(Case, case_id, copy=False)
        except NotFound:
            return None

    def access_to(self, case: Case, with_teams: bool) -> CaseAccess:
        """Who may see this case, already loaded, today."""
        workers = workers_ever(case) if with_teams else set()
        teams = {worker: self.practitioner(worker).team_id for worker in workers}
        return case_access(case, self.clock().date(), teams)
