"""Pieces every request and response shares."""

import re
from datetime import date
from typing import Annotated, Any, get_args
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from domain.aggregate import MAX_REASON_LENGTH
from domain.case_base import MAX_NAME_LENGTH

# Some character other than white space (as Python's str.isspace has it, which the domain's
# check strips), and no NUL (`Body` refuses one in any text).
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
NO_NUL = r"^[^\x00]*$"


def _stated(max_length: int) -> Any:
    """The rules the domain holds a text to (not blank, not too long), stated in the schema.

    The domain enforces them and names the rule it refuses with (`required`, `max_length`);
    the schema says them so that a client knows them before it sends."""
    return Field(json_schema_extra={"minLength": 1, "maxLength": max_length, "pattern": NOT_BLANK})


Text = Annotated[str, _stated(MAX_REASON_LENGTH)]
"""Free text: a reason, a note, a finding (at most 2,000 characters, not blank)."""
Name = Annotated[str, _stated(MAX_NAME_LENGTH)]
"""A name, a title or a role (at most 200 characters, not blank)."""


def _not_true_or_false(value: Any) -> Any:
    # JSON's true and false are not numbers, though pydantic would read them as 1 and 0. (Text
    # is still read: a page's form sends its numbers as text.)
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "give a number, not true or false")
    return value


# Last in an Annotated: a bound (`Field(ge=1)`) after it would leave the schema without `minimum`.
NOT_TRUE_OR_FALSE = BeforeValidator(_not_true_or_false)
Whole = Annotated[int, NOT_TRUE_OR_FALSE]
"""A whole number in a request body: `3`, never `true`."""
Number = Annotated[float, NOT_TRUE_OR_FALSE]
"""A number in a request body: `7.5` or `7`, never `true`."""

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    # pydantic would read a number as seconds since 1970; the contract says RFC 3339 text.
    if isinstance(value, str) and ISO_DAY.match(value):
        return value
    raise PydanticCustomError("iso_date_or_time", "give a date or a time with an offset")


Moment = Annotated[date | AwareDatetime, BeforeValidator(_iso_only)]
"""A query's day (`2026-03-03`) or time with an offset (`2026-03-03T12:00:00+00:00`)."""


def _mailable(value: str) -> str:
    # pydantic's EmailStr check, with a rule of its own: an address at a special-use domain
    # (.test, .invalid, .local...) fits JSON Schema's `email` format, but no mail reaches it.
    try:
        return validate_email(value)[1]
    except PydanticCustomError:
        raise PydanticCustomError("mailable_email", "enter an address mail can reach") from None


Email = Annotated[str, AfterValidator(_mailable), Field(json_schema_extra={"format": "email"})]
"""An email address, as pydantic's EmailStr has it (normalised)."""
Day = Annotated[date, BeforeValidator(_iso_only)]
"""A query's day (`2026-03-03`)."""
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_only)]
"""A query's time with an offset (`2026-03-03T12:00:00+00:00`)."""


class Body(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored, and so is text
    holding a NUL character (PostgreSQL cannot store one in a text column), and a date or a time
    given as a number."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _dates_as_text(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic would read a number as seconds since 1970; the contract says RFC 3339 text.
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, int | float) and field is not None and _is_a_date(field):
            raise PydanticCustomError("iso_date_or_time", "give a date or a time as text")
        return value

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError("no_nul_characters", "text must not contain NUL characters")
        return value


def _is_a_date(field: FieldInfo) -> bool:
    def mentions(annotation: Any) -> bool:
        if isinstance(annotation, type):
            return issubclass(annotation, date | AwareDatetime)
        return any(mentions(argument) for argument in get_args(annotation))

    return mentions(field.annotation)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class CommandBody(Body):
    occurred_at: AwareDatetime | None = None


class Accepted(BaseModel):
    version: int
    event_ids: list[UUID]


class CaseAccepted(Accepted):
    case_id: UUID
