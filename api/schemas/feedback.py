"""Request bodies for family feedback that the pages send too."""

from pydantic import Field

from api.schemas.common import Body, Whole

MAX_STACK = 200  # paper questionnaires printed at once


class StackIn(Body):
    count: Whole = Field(ge=1, le=MAX_STACK)
