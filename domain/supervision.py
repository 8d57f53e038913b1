"""Supervision: the regular sessions in which a key worker reflects on their cases with a
supervisor, alone or with peers. The seeds find that key workers with regular supervision and peer
support carry out more of the role; a manager sees who is overdue for it."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from uuid import UUID

SupervisionKind = Literal["one_to_one", "peer", "group"]
# The interval a service expects between sessions, unless configured otherwise: six weeks. The
# seeds ask for "appropriate and timely supervision" and name no interval: this is a local choice.
SUPERVISION_EVERY_DAYS = 42
MAX_ACTIONS = 20


@dataclass(frozen=True)
class Supervision:
    held_on: date
    kind: SupervisionKind
    supervisor_id: UUID
    # Cases are named by their opaque ids only; the actions are about the worker's practice.
    cases_discussed: list[UUID]
    actions: list[str]


def last_held(sessions: list[Supervision], day: date) -> date | None:
    """The day of the last session held by `day`, if any."""
    return max((s.held_on for s in sessions if s.held_on <= day), default=None)


def next_due(last: date | None, since: date, every_days: int) -> date:
    """When the next session is due: `every_days` after the last one held, or after `since`
    (the worker's start) if there has been none."""
    return (last or since) + timedelta(days=every_days)
