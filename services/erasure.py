"""Erasing a child's personal data, and making sure an erasure outlives a restore from backup.

The erasure list names every erased case, one opaque id per line, in a file kept apart from the
database and its backups. On start the service replays it: a listed case whose key is alive
again (the database was restored from a backup taken before the erasure) is erased once more,
through the same command, so its key is destroyed and the read models scrub it again.
"""

from uuid import UUID

from domain.case import Case
from services.application import KeyworkApplication
from services.commands import Command, Outcome

ERASURE_LIST_ACTOR = "keywork-erasure-list"
REAPPLIED_REASON = "erased before; applied again after the store was restored from a backup"


class ErasureCommands(KeyworkApplication):
    def erase_case(self, command: Command, case_id: UUID, *, reason: str) -> Outcome:
        """Destroys the child's key and records it; erasing an erased case changes nothing."""
        case = self.load(Case, case_id)
        if case.erased:
            position = self.store.position_of(case_id, case.version)
            return Outcome(case_id, case.version, [], position)
        outcome = self.change(
            command, Case, case_id, lambda case, stamp: case.erase(stamp, reason=reason)
        )
        self.keys.forget(case_id)
        self.erasure_list.add(case_id)
        return outcome

    def replay_erasures(self) -> list[UUID]:
        """Brings the list and the store into line; returns the cases erased again."""
        listed = self.erasure_list.ids()
        for case_id in self.store.erased_subjects():
            if case_id not in listed:
                self.erasure_list.add(case_id)
        again = []
        keys = self.store.wrapped_keys(listed)
        for case_id in listed:
            if keys.get(case_id) is not None:
                command = Command(actor=ERASURE_LIST_ACTOR)
                self.erase_case(command, case_id, reason=REAPPLIED_REASON)
                again.append(case_id)
        return again
