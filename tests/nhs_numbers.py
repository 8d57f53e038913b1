"""NHS numbers for tests: valid (modulus 11) and, drawn at random, used by no other test."""

import secrets

from domain.nhs_number import is_valid_nhs_number


def new_nhs_number() -> str:
    while True:
        candidate = f"{secrets.randbelow(10**10):010d}"
        if is_valid_nhs_number(candidate):
            return candidate
