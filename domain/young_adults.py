"""Young adults acting for themselves: being their own key worker, signing their own plan.

The guide covers "children and young people aged 0-25" and says "Some parents or young people may
become their own key worker and they may need support with this transition." We let a young
person act for themselves from 18, when they are an adult in law.
"""

from datetime import date

from domain.eligibility import age_on

ADULT_AGE = 18
YOUNG_ADULT_RULE = "young_person_18_or_over"


def is_young_adult(date_of_birth: date | None, day: date) -> bool:
    """Whether the young person is 18 or over on `day`; never once their birth date is erased."""
    return date_of_birth is not None and age_on(date_of_birth, day) >= ADULT_AGE


def own_place(family_names: list[str], full_name: str) -> int | None:
    """The young person's own place on the case's family list: the first member named as they
    are, whose contact details are then theirs; None when the list does not hold them."""
    return next(
        (place for place, name in enumerate(family_names) if _plain(name) == _plain(full_name)),
        None,
    )


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()
