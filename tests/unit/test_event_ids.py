"""An event's id is uuid5 of its originator and version in the service's namespace: ids already
published (CloudEvents, the trail, corrections naming the contact they correct) stay valid."""

from uuid import UUID, uuid5

from hypothesis import given
from hypothesis import strategies as st

from domain.stamp import EVENT_ID_NAMESPACE, event_id


@given(st.uuids(), st.integers(min_value=1, max_value=10**9))
def test_an_event_id_is_the_uuid5_of_its_originator_and_version(
    originator_id: UUID, version: int
) -> None:
    assert event_id(originator_id, version) == uuid5(
        EVENT_ID_NAMESPACE, f"{originator_id}/{version}"
    )


def test_an_event_id_published_before_is_made_the_same_today() -> None:
    originator_id = UUID("6f1c2d3e-0000-4000-8000-000000000001")
    assert event_id(originator_id, 7) == UUID("faf0bf97-b1d6-5bb1-8caa-9311830a0f73")
