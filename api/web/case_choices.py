"""What a task page offers to choose from, read from the case or the directory: practitioners,
the Team Around the Child, the family, reviews, plan versions, recipients and the events that
can be corrected. Each gives (value, text) pairs, the value as the API takes it."""

from datetime import datetime
from uuid import UUID

from fastapi import Request

from api.routers.case_reads import timeline_entries
from api.web.case_forms import Choices
from api.web.pages import LONDON
from domain.case import Case
from projections.directory import Directory, PractitionerEntry
from projections.distribution_list import DistributionList
from services.keywork import Keywork

CHANNELS = [("email", "By email"), ("letter", "By letter")]
YES_OR_NO = [("yes", "Yes"), ("no", "No")]

# The events a correction may name, in words (domain/corrections.py).
CORRECTABLE = {
    "ContactRecorded": "Contact",
    "TacMemberAdded": "Joined the Team Around the Child",
    "TacMemberChanged": "Team Around the Child details changed",
}


def _listed(request: Request) -> list[PractitionerEntry]:
    directory: Directory = request.app.state.runner.get(Directory)
    return directory.practitioners()


def _names(request: Request) -> dict[UUID, str]:
    return {e.practitioner_id: e.name for e in _listed(request)}


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%-d %B %Y, %H:%M}"


def in_post(request: Request) -> Choices:
    """Every practitioner in the directory still in post, with their team to tell namesakes
    apart."""
    today = request.app.state.keywork.clock().date()
    entries = [e for e in _listed(request) if e.left_on is None or e.left_on > today]
    return [(str(e.practitioner_id), f"{e.name} ({e.team_id or 'no team'})") for e in entries]


def directory(request: Request, case: Case) -> Choices:
    return in_post(request)


def tac_members(request: Request, case: Case) -> Choices:
    names = _names(request)
    return [
        (
            str(member.practitioner_id),
            f"{names.get(member.practitioner_id, 'Unknown')}, {member.role}",
        )
        for member in case.tac.values()
    ]


def family(request: Request, case: Case) -> Choices:
    return [(member.name, member.name) for member in case.family]


def parental_responsibility(request: Request, case: Case) -> Choices:
    """The family members who may sign a plan: those with parental responsibility."""
    return [
        (member.name, f"{member.name} ({member.relationship})")
        for member in case.family
        if member.has_parental_responsibility
    ]


def scheduled_reviews(request: Request, case: Case) -> Choices:
    return _reviews(case, "scheduled")


def held_reviews(request: Request, case: Case) -> Choices:
    return _reviews(case, "held")


def _reviews(case: Case, status: str) -> Choices:
    return [
        (str(review_id), f"{_when(review.at)}, {review.location}")
        for review_id, review in case.reviews.items()
        if review.status == status
    ]


def draft_plans(request: Request, case: Case) -> Choices:
    return [
        (str(version), f"Version {version}: {plan.summary[:80]}")
        for version, plan in case.plans.items()
        if plan.status == "draft"
    ]


def signed_plans(request: Request, case: Case) -> Choices:
    return [
        (str(version), f"Version {version}, signed by {plan.signer}")
        for version, plan in case.plans.items()
        if plan.status == "signed"
    ]


def recipients(request: Request, case: Case) -> Choices:
    """The distribution list today, by the key each recipient's copy is recorded under."""
    keywork: Keywork = request.app.state.keywork
    listed = request.app.state.runner.get(DistributionList).keyed(case.id, keywork.clock().date())
    return [(key, f"{recipient.name} ({recipient.role})") for key, recipient in listed]


def correctable_events(request: Request, case: Case) -> Choices:
    """The contacts, and the details of Team Around the Child members still on it, newest first."""
    keywork: Keywork = request.app.state.keywork
    names = _names(request)
    choices = []
    for entry in reversed(timeline_entries(case.id, keywork.timeline(case.id))):
        what = CORRECTABLE.get(entry.type)
        if what is None:
            continue
        contact = case.contacts.get(entry.event_id)
        member = case.tac_events.get(entry.event_id)
        if contact is not None:
            what += f" ({contact.kind.replace('_', ' ')}), {_when(contact.occurred_at)}"
        elif member in case.tac:
            what += f": {names.get(member, 'Unknown')}, {_when(entry.occurred_at)}"
        else:
            continue  # corrected no more: the member has left the team
        choices.append((str(entry.event_id), what))
    return choices
