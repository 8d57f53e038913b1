from hypothesis import given
from hypothesis import strategies as st

from domain.nhs_number import is_valid_nhs_number


def check_digit(nine: str) -> int:
    remainder = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    return (11 - remainder) % 11


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nine_digits_and_their_check_digit_make_a_valid_number(nine: str) -> None:
    check = check_digit(nine)
    if check == 10:
        assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))
    else:
        assert is_valid_nhs_number(nine + str(check))
        assert not is_valid_nhs_number(nine + str((check + 1) % 10))


def test_published_examples() -> None:
    assert is_valid_nhs_number("9434765919")
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("943476591")
    assert not is_valid_nhs_number("94347659AB")


def test_digits_of_other_scripts_are_not_an_nhs_number() -> None:
    # Superscripts pass str.isdigit() but not int(); Arabic-Indic digits pass both.
    assert not is_valid_nhs_number("²" * 10)
    assert not is_valid_nhs_number("٩٤٣٤٧٦٥٩١٩")
