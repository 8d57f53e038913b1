"""The pages about who works with the family: the Team Around the Child (a member added,
changed or removed), a handover of key working with its overlap, absence cover (arranged, ended
early) and a move within or out of the area."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from api.schemas.cases import (
    CoverEndIn,
    CoverIn,
    HandoverIn,
    ReasonIn,
    TacMemberChangeIn,
    TacMemberIn,
    TransferIn,
)
from api.web.case_choices import CHANNELS, YES_OR_NO, directory, tac_members
from api.web.case_forms import Field, TaskForm, add_task_pages, arguments, asking, recorded_by
from api.web.case_tasks import KEY_WORKER_KINDS, NOT_A_PRACTITIONER
from api.web.session import PAGES
from domain.case import Case
from domain.transfers import Transfer
from services.commands import Command, Outcome
from services.keywork import Keywork

router = APIRouter(prefix=PAGES, include_in_schema=False)


def leave_as_it_is(request: Request, case: Case) -> str:
    return "Leave blank what stays as it is."


def the_area(request: Request, case: Case) -> str:
    return f"The case is in the {case.area} area."


def agree_transfer(keywork: Keywork, command: Command, case_id: UUID, body: Any) -> Outcome:
    return keywork.agree_transfer(command, case_id, transfer=Transfer(**arguments(body)))


MANAGE_TAC = "manage_team_around_the_child"
TAC_MEMBER = Field("practitioner_id", "Which member?", "choice")

TAC_ADD = TaskForm(
    slug="tac-member",
    title="Add a member to the Team Around the Child",
    action=MANAGE_TAC,
    schema=TacMemberIn,
    record=recorded_by(Keywork.add_tac_member),
    choices_of=asking(practitioner_id=directory),
    button="Add to the team",
    fields=(
        Field("practitioner_id", "Practitioner", "select"),
        Field("role", "Their role with the child", hint="For example, physiotherapist"),
        Field("receives_plans", "Do they receive plans and invitations?", "yes_no"),
        Field("channel", "How they are sent", "choice", choices=CHANNELS),
    ),
)
TAC_CHANGE = TaskForm(
    slug="tac-member-change",
    title="Change a Team Around the Child member's details",
    action=MANAGE_TAC,
    schema=TacMemberChangeIn,
    path={"practitioner_id": UUID},
    record=recorded_by(Keywork.change_tac_member),
    choices_of=asking(practitioner_id=tac_members),
    intro_of=leave_as_it_is,
    button="Save the change",
    fields=(
        TAC_MEMBER,
        Field("role", "Their role with the child", optional=True),
        Field(
            "receives_plans", "Do they receive plans?", "select", choices=YES_OR_NO, optional=True
        ),
        Field("channel", "How they are sent", "select", choices=CHANNELS, optional=True),
    ),
)
TAC_REMOVE = TaskForm(
    slug="tac-member-removal",
    title="Remove a member from the Team Around the Child",
    action=MANAGE_TAC,
    schema=ReasonIn,
    path={"practitioner_id": UUID},
    record=recorded_by(Keywork.remove_tac_member),
    choices_of=asking(practitioner_id=tac_members),
    button="Remove from the team",
    fields=(TAC_MEMBER, Field("reason", "Why are they leaving the team?", "long_text")),
)
HANDOVER = TaskForm(
    slug="handover",
    title="Hand over to a new key worker",
    action="hand_over",
    schema=HandoverIn,
    record=recorded_by(Keywork.hand_over),
    choices_of=asking(to_practitioner_id=directory),
    button="Record the handover",
    fields=(
        Field("kind", "What kind of key worker?", "choice", choices=KEY_WORKER_KINDS),
        Field("to_practitioner_id", "The new key worker", "select", hint=NOT_A_PRACTITIONER),
        Field("parent_carer_name", "The parent carer's name", optional=True),
        Field("on", "The new key worker starts on", "date"),
        Field(
            "overlap_until",
            "Both work together until",
            "date",
            hint="The last day of the overlap, when the key worker leaves",
            optional=True,
        ),
        Field("reason", "Why is the key worker changing?", "long_text"),
    ),
)
COVER = TaskForm(
    slug="cover",
    title="Arrange absence cover",
    action="arrange_cover",
    schema=CoverIn,
    record=recorded_by(Keywork.arrange_cover),
    choices_of=asking(practitioner_id=directory),
    button="Arrange the cover",
    fields=(
        Field("practitioner_id", "Who covers?", "select"),
        Field("from", "From", "date"),
        Field("until", "Until", "date", hint="The last day of the cover"),
        Field("reason", "Why is cover needed?", "long_text", hint="For example, sick leave"),
    ),
)
COVER_END = TaskForm(
    slug="cover-end",
    title="End absence cover early",
    action="arrange_cover",
    schema=CoverEndIn,
    record=recorded_by(Keywork.end_cover),
    button="End the cover",
    fields=(
        Field("on", "No cover from", "date", hint="Left blank: today", optional=True),
        Field("reason", "Why does it end early?", "long_text", optional=True),
    ),
)
TRANSFER = TaskForm(
    slug="transfer",
    title="Agree a move",
    action="agree_transfer",
    schema=TransferIn,
    record=agree_transfer,
    intro_of=the_area,
    button="Record the move",
    fields=(
        Field("out_of_area", "Is the family moving out of the area?", "yes_no"),
        Field("to_area", "The area they move to", hint="The same area for a move within it"),
        Field(
            "to_team", "The team taking the case", hint="For a move within the area", optional=True
        ),
        Field(
            "receiving_contact",
            "The contact at the scheme there",
            hint="For a move out of the area",
            optional=True,
        ),
        Field("move_on", "They move on", "date"),
    ),
)

add_task_pages(router, (TAC_ADD, TAC_CHANGE, TAC_REMOVE, HANDOVER, COVER, COVER_END, TRANSFER))
