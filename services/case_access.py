"""What need-to-know turns on for one case: its area, who works on it now, who is on its TAC."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.case import Case


@dataclass(frozen=True)
class CaseAccess:
    area: str
    # Practitioners in the key worker role today (both during an overlap) or covering today.
    working_now: frozenset[str]
    # The teams of everyone who has been key worker or cover on the case.
    teams: frozenset[str]
    allocated: bool  # whether it has ever had a key worker
    tac_members: frozenset[str]
    shared_with_other_agencies: bool  # the family's consent, or a coordinator's override
    family_consents: bool  # the family's own consent to share, as last recorded


def case_access(case: Case, today: date, team_of: dict[UUID, str | None]) -> CaseAccess:
    """`team_of` gives the team of each practitioner who has worked on the case."""
    working = [worker.practitioner_id for worker in case.key_workers_on(today)]
    cover = case.cover_on(today)
    if cover is not None:
        working.append(cover.practitioner_id)
    return CaseAccess(
        area=case.area,
        working_now=frozenset(str(p) for p in working if p is not None),
        teams=frozenset(team for team in team_of.values() if team is not None),
        allocated=bool(case.key_workers),
        tac_members=frozenset(str(p) for p in case.tac),
        shared_with_other_agencies=case.shared_with_other_agencies,
        family_consents=case.consent_to_share,
    )


def workers_ever(case: Case) -> set[UUID]:
    workers = {worker.practitioner_id for worker in case.key_workers}
    workers |= {cover.practitioner_id for cover in case.covers}
    return {worker for worker in workers if worker is not None}
