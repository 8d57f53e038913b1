"""Blind index values: what people type finds what was recorded, and gives nothing away."""

import re
from datetime import date

import pytest

from store.blind_index import BlindIndex, Sought, name_key, nhs_digits

KEY = bytes(range(32))
BORN = date(2015, 2, 17)


def test_an_nhs_number_is_its_digits_however_it_is_spaced() -> None:
    assert {nhs_digits(typed) for typed in ("943 476 5919", "943-476-5919", " 9434765919 ")} == {
        "9434765919"
    }
    assert nhs_digits("٩٤٣") == ""  # only the digits an NHS number is written with


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("ZOË", "zoe"),
        ("Zoë", "Zoe"),
        ("Zoe\u0308", "zoë"),  # the same accent, composed or not
        ("O'Brien-Smith", "obrien smith"),
        ("O\u2019Brien Smith", "OBRIEN-SMITH"),  # a typographic apostrophe
        ("Søren", "SOREN"),
        ("Łukasz", "lukasz"),
        ("Straße", "STRASSE"),
        ("Æthelflæd", "aethelflaed"),
        ("  Mary  Ann ", "mary-ann"),
        ("İpek", "ipek"),
    ],
)
def test_a_name_is_found_whatever_its_case_accents_spaces_and_punctuation(
    typed: str, recorded: str
) -> None:
    assert name_key(typed) == name_key(recorded) != ""


def test_different_names_stay_different_and_a_name_of_punctuation_is_empty() -> None:
    assert name_key("Ann") != name_key("Anne")
    assert name_key("Zhang Wei") == "zhangwei"
    assert name_key("李") == "李"
    assert name_key(" -'. ") == ""


def test_each_kind_of_detail_gives_its_own_blind_value() -> None:
    values = BlindIndex(KEY).values_of(Sought("943 476 5919", "Oxenbridge", BORN, "Wilhelmina"))
    assert set(values) == {"nhs_number", "family_name_and_birth", "full_name_and_birth"}
    assert len(set(values.values())) == 3
    for value in values.values():
        assert re.fullmatch("[0-9a-f]{64}", value)


def test_the_same_child_typed_differently_gives_the_same_blind_values() -> None:
    index = BlindIndex(KEY)
    recorded = index.values_of(Sought("9434765919", "Oxenbridge", BORN, "Wilhelmina"))
    typed = index.values_of(Sought("943-476-5919", "OXENBRIDGE ", BORN, "wilhelmina"))
    assert typed == recorded
    other_birthday = index.values_of(Sought(None, "Oxenbridge", date(2015, 2, 18), "Wilhelmina"))
    assert other_birthday["family_name_and_birth"] != recorded["family_name_and_birth"]


def test_without_the_key_a_blind_value_cannot_be_matched() -> None:
    child = Sought("9434765919", "Oxenbridge", BORN, "Wilhelmina")
    other_key = BlindIndex(bytes(32)).values_of(child)
    assert set(other_key.values()).isdisjoint(BlindIndex(KEY).values_of(child).values())


def test_only_what_is_given_is_indexed() -> None:
    index = BlindIndex(KEY)
    assert set(index.values_of(Sought(nhs_number="9434765919"))) == {"nhs_number"}
    # A name without a date of birth, as an erased child's details read, is not indexed.
    assert index.values_of(Sought(None, "[erased]", None, "[erased]")) == {}
    assert set(index.values_of(Sought(None, "Oxenbridge", BORN))) == {"family_name_and_birth"}


def test_a_search_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        BlindIndex(b"short")
