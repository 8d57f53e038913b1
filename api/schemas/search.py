"""Finding a child by their details, and a referral's possible existing case: what is asked and
what is answered. What is asked is never answered back, nor stored or logged in clear."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from api.pages import CURSOR
from api.schemas.common import Body
from domain.case_base import MAX_NAME_LENGTH, Status
from domain.closure import NextStep
from domain.errors import InvalidValue
from domain.nhs_number import is_valid_nhs_number
from store.blind_index import DIGITS, Sought, name_key, nhs_digits

# Digits spaced as you like: the schema states it, `checked_nhs_number` refuses with `digits`.
NhsNumber = Annotated[
    str, StringConstraints(max_length=20), Field(json_schema_extra={"pattern": "^[0-9 -]*$"})
]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME_LENGTH)]
Purpose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# How a possible existing case matched the referral's child.
MatchKind = Literal["nhs_number", "name_and_date_of_birth"]
NHS_NUMBER_SPACING = frozenset(" -")


class ChildSearchIn(Body):
    """Search by `nhs_number`, or by `family_name` and `date_of_birth` (a `given_name` narrows
    it), not both ways at once. `purpose` says why: it is recorded with the search."""

    nhs_number: NhsNumber | None = None
    family_name: Name | None = None
    given_name: Name | None = None
    date_of_birth: date | None = None
    purpose: Purpose
    limit: int = Field(50, ge=1, le=500)
    cursor: Annotated[str | None, Field(json_schema_extra=CURSOR)] = None

    def sought(self) -> Sought:
        by_name = (self.family_name, self.given_name, self.date_of_birth)
        if self.nhs_number is not None:
            if any(value is not None for value in by_name):
                raise InvalidValue(
                    "nhs_number",
                    "nhs_number_or_name",
                    "Search by NHS number, or by name and date of birth, not both",
                )
            return Sought(nhs_number=checked_nhs_number(self.nhs_number))
        if self.family_name is None:
            raise InvalidValue(
                "family_name",
                "nhs_number_or_name",
                "Enter an NHS number, or a family name and date of birth",
            )
        if self.date_of_birth is None:
            raise InvalidValue(
                "date_of_birth", "required_with_name", "Enter the date of birth with the name"
            )
        return Sought(
            family_name=checked_name("family_name", self.family_name),
            date_of_birth=self.date_of_birth,
            given_name=None
            if self.given_name is None
            else checked_name("given_name", self.given_name),
        )


class ReferredChildIn(Body):
    """The child of a referral about to be made, as its `child` will name them."""

    given_name: Name
    family_name: Name
    date_of_birth: date
    nhs_number: NhsNumber | None = None

    def sought(self) -> Sought:
        return Sought(
            nhs_number=None if self.nhs_number is None else checked_nhs_number(self.nhs_number),
            family_name=checked_name("family_name", self.family_name),
            date_of_birth=self.date_of_birth,
            given_name=checked_name("given_name", self.given_name),
        )


def checked_nhs_number(nhs_number: str) -> str:
    if set(nhs_number) - DIGITS - NHS_NUMBER_SPACING:
        raise InvalidValue(
            "nhs_number", "digits", "Enter the NHS number in digits, spaced as you like"
        )
    if not is_valid_nhs_number(nhs_digits(nhs_number)):
        raise InvalidValue(
            "nhs_number", "modulus_11", "Enter a real NHS number: 10 digits, the last a check digit"
        )
    return nhs_number


def checked_name(field: str, name: str) -> str:
    if not name_key(name):
        raise InvalidValue(field, "letters", f"Enter the {field.replace('_', ' ')} in letters")
    return name


class FoundChild(BaseModel):
    """A case found, with the child's name as the case's own read shows it."""

    case_id: UUID
    status: Status
    given_name: str
    family_name: str
    date_of_birth: date | None
    closed_on: date | None


class ChildrenFoundOut(BaseModel):
    children: list[FoundChild]
    next_cursor: str | None


class PossibleExistingCase(FoundChild):
    matched_by: list[MatchKind]
    # Closed within the reopen window: reopen it rather than refer again.
    may_reopen: bool
    next_step: NextStep = Field(
        description="What to do about this case rather than refer the child afresh: work the "
        "open case, reopen it (`POST /cases/{id}/reopen`), or refer naming it as "
        "`previous_case_id` (closed longer ago than the reopen window, within a year)."
    )


class PossibleExistingCasesOut(BaseModel):
    cases: list[PossibleExistingCase]
