"""The age bands the service reports by: a child's age as a band, never their date of birth."""

from datetime import date
from typing import Literal, get_args

from domain.eligibility import age_on

AgeBand = Literal["0-4", "5-10", "11-15", "16-18", "19-25", "over-25"]
BOUNDS = ((0, 4), (5, 10), (11, 15), (16, 18), (19, 25))


def age_band(date_of_birth: date | None, on: date) -> AgeBand | None:
    """The band of the child's age on `on`; None once the date of birth is erased."""
    if date_of_birth is None:
        return None
    years = age_on(date_of_birth, on)
    bands = get_args(AgeBand)
    for (low, high), band in zip(BOUNDS, bands, strict=False):
        if low <= years <= high:
            return band
    return "over-25"
