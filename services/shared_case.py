"""The case as it is shared with NHS systems (the FHIR view, `api/fhir/`): the case, the way its
status went, when it last changed, and the practitioners and agencies working on it today.

Read from the case's events, once: replaying them one by one gives the case and each change of
its status, which the case itself does not keep.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from uuid import UUID

from domain.case import Case
from domain.case_base import Status
from domain.directory import Agency, Practitioner
from services.cases import CaseCommands


@dataclass(frozen=True)
class StatusSince:
    status: Status
    since: datetime  # when the change occurred (never before the change it follows)


@dataclass(frozen=True)
class SharedCase:
    case: Case
    statuses: list[StatusSince]
    last_updated: datetime  # when its latest event was recorded
    consent_since: datetime  # when the family's consent to share last changed (or was given)
    on: date  # the day it was read for: who works on the case is who works on it that day
    practitioners: dict[UUID, Practitioner]  # the key workers, cover and TAC members that day
    agencies: dict[UUID, Agency]  # theirs


class SharedCaseReads(CaseCommands):
    def shared_case(self, case_id: UUID) -> SharedCase:
        """The case for the FHIR view (an unknown case: NotFound). Who may read it, and whether
        the family consented, is the request policy's to decide (`api/policy.py`)."""
        events = self.timeline(case_id)
        case = cast(Case, events[0].mutate(None))  # a case's timeline starts with its referral
        statuses = [StatusSince(case.status, events[0].stamp.occurred_at)]
        consent_since = events[0].stamp.occurred_at
        for event in events[1:]:
            consented = case.consent_to_share
            case = cast(Case, event.mutate(case))
            if statuses[-1].status != case.status:
                since = max(event.stamp.occurred_at, statuses[-1].since)
                statuses.append(StatusSince(case.status, since))
            if consented != case.consent_to_share:
                consent_since = event.stamp.occurred_at
        today = self.clock().date()
        practitioners = {
            practitioner_id: self.load(Practitioner, practitioner_id, copy=False)
            for practitioner_id in _working_on(case, today)
        }
        agencies = {
            worker.agency_id: self.load(Agency, worker.agency_id, copy=False)
            for worker in practitioners.values()
        }
        last_updated = events[-1].stamp.recorded_at
        return SharedCase(
            case, statuses, last_updated, consent_since, today, practitioners, agencies
        )


def _working_on(case: Case, today: date) -> list[UUID]:
    working = [worker.practitioner_id for worker in case.key_workers_on(today)]
    cover = case.cover_on(today)
    working += [cover.practitioner_id] if cover is not None else []
    return [p for p in (*working, *case.tac) if p is not None]
