"""Which of our roles a person's provider claims give them (api/identity.py)."""

import pytest

from api.identity import ClaimMapping, NoAccess

OUR_NAMES = ClaimMapping("roles", {}, "area", None, "email", "email")
MAPPED = ClaimMapping(
    "groups", {"KW": "key_worker", "Mgr": "manager"}, "area", None, "email", "email"
)


def test_with_no_map_the_provider_uses_our_role_names() -> None:
    assert OUR_NAMES.role({"roles": ["key_worker"]}) == "key_worker"
    assert OUR_NAMES.role({"roles": "coordinator"}) == "coordinator"  # one role, as a string


def test_a_map_names_the_claim_and_translates_its_values() -> None:
    assert MAPPED.role({"groups": ["Staff", "KW"]}) == "key_worker"
    with pytest.raises(NoAccess, match="no role"):
        MAPPED.role({"groups": ["key_worker"]})  # our name is not theirs once a map is set


def test_a_person_with_several_roles_acts_in_the_widest() -> None:
    assert MAPPED.role({"groups": ["KW", "Mgr"]}) == "manager"
    assert OUR_NAMES.role({"roles": ["commissioner", "coordinator"]}) == "coordinator"


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"roles": []},
        {"roles": ["visitor"]},
        {"roles": {"key_worker": True}},
        {"roles": 7},
        {"roles": [["key_worker"]]},
    ],
)
def test_no_role_of_ours_is_no_access(claims: dict[str, object]) -> None:
    with pytest.raises(NoAccess, match="no role in this service"):
        OUR_NAMES.role(claims)


def test_a_system_role_is_never_a_persons() -> None:
    with pytest.raises(NoAccess):
        OUR_NAMES.role({"roles": ["downstream"]})
