"""Blind indexes: how a child is found without their details ever being stored in clear.

Each value is normalised, then hashed with HMAC-SHA256 under the search key (a key of its own,
kept like the master key: `KEYWORK_SEARCH_KEY`). The same details always give the same blind
value, so a search compares blind values; without the key, a blind value cannot be checked
against a guess, which a plain hash of a 10-digit NHS number or a name and birthday could.

Normalisation, so that what people type finds what was recorded:
- NHS number: its digits only ("943 476 5919" is "9434765919");
- names: case and accents ignored ("Zoë" is "zoe", "ØRSTED" is "orsted"), and so are spaces,
  hyphens, apostrophes and other punctuation ("O'Brien-Smith" is "obriensmith");
- date of birth: ISO 8601 (YYYY-MM-DD).

Each kind of value is hashed with its kind's name in front, so a blind value of one kind never
equals one of another.
"""

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

IndexKind = Literal["nhs_number", "family_name_and_birth", "full_name_and_birth"]
KEY_BYTES = 32
SEPARATOR = "\x1f"  # never left in a normalised value
# Letters that do not come apart under Unicode decomposition, as they are typed without accents.
UNACCENTED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "þ": "th", "æ": "ae", "œ": "oe"}
    | {"\u0131": "i"}  # dotless i
)
DIGITS = frozenset("0123456789")


def nhs_digits(nhs_number: str) -> str:
    return "".join(character for character in nhs_number if character in DIGITS)


def name_key(name: str) -> str:
    """The letters and digits of a name, in lower case, without accents or punctuation.

    Accents are the marks Unicode decomposition separates (nonspacing marks); spacing marks,
    which some scripts write vowels with, are kept.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold()).translate(UNACCENTED)
    return "".join(
        character
        for character in decomposed
        if unicodedata.category(character)[0] in "LN" or unicodedata.category(character) == "Mc"
    )


@dataclass(frozen=True)
class Sought:
    """Details of a child, as recorded or as searched for; any may be missing."""

    nhs_number: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    given_name: str | None = None


class BlindIndex:
    """The blind values of a child's details, under the search key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the search key must be {KEY_BYTES} bytes")
        self._key = key

    def values_of(self, child: Sought) -> dict[IndexKind, str]:
        """A blind value for each kind the details allow: by NHS number, by family name and
        date of birth, and by family name, given name and date of birth."""
        values: dict[IndexKind, str] = {}
        digits = nhs_digits(child.nhs_number or "")
        if digits:
            values["nhs_number"] = self._blind("nhs_number", digits)
        family = name_key(child.family_name or "")
        if family and child.date_of_birth is not None:
            born = child.date_of_birth.isoformat()
            values["family_name_and_birth"] = self._blind("family_name_and_birth", family, born)
            given = name_key(child.given_name or "")
            if given:
                values["full_name_and_birth"] = self._blind(
                    "full_name_and_birth", family, given, born
                )
        return values

    def _blind(self, kind: IndexKind, *parts: str) -> str:
        message = SEPARATOR.join((kind, *parts)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
