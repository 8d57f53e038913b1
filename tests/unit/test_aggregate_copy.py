import copy

from domain.eligibility import NORFOLK_RULES
from tests.unit.story import given_active, stamp


def test_a_copy_from_the_cache_is_equal_and_changes_apart_from_the_original() -> None:
    case = given_active()
    case.record_contact(stamp(days_ago=2), kind="phone", participants=["Alex Parent"], note=None)
    case.collect_events()
    clone = copy.deepcopy(case)
    assert vars(clone) == vars(case)
    clone.record_contact(stamp(), kind="email", participants=[], note=None)
    clone.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    assert len(case.contacts) == 1 and len(clone.contacts) == 2
    assert case.status == "active" and case.current_key_worker() is not None
    assert case.version == clone.version - 2
