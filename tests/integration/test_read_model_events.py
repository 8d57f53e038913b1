"""Every read model decides about every event of the application it follows: it handles it, or
ignores it on purpose. A new event in the catalogue fails here until each read model decides."""

import pytest

from domain.access import Access
from domain.aggregate import KeyworkAggregate
from domain.catalogue import AGGREGATES, events_of
from projections.read_model import ReadModel
from projections.registry import READ_MODELS
from services.keywork import Keywork
from tests.keys import blind_index

# The aggregates each application records, by the name read models follow it by. The access
# log's one aggregate is kept out of the case catalogue.
RECORDED_BY: dict[str, tuple[type[KeyworkAggregate], ...]] = {
    "keywork": AGGREGATES,
    "access": (Access,),
}


def events_followed(kind: type[ReadModel]) -> set[str]:
    assert kind.follows in RECORDED_BY, f"{kind.name} follows an application not listed here"
    return {
        event.__name__ for aggregate in RECORDED_BY[kind.follows] for event in events_of(aggregate)
    }


def handled(kind: type[ReadModel], keywork: Keywork) -> set[str]:
    """The events it has a handler for, by name; "*" stands for every other one."""
    return set(kind(keywork.store.datastore, blind_index=blind_index()).handles())


@pytest.mark.parametrize("kind", READ_MODELS, ids=lambda kind: kind.name)
def test_a_read_model_handles_and_ignores_only_events_in_the_catalogue(
    kind: type[ReadModel], keywork: Keywork
) -> None:
    known = events_followed(kind)
    assert handled(kind, keywork) - {"*"} - known == set(), "handled, but no such event"
    assert kind.ignores - known == set(), "ignored, but no such event"


@pytest.mark.parametrize("kind", READ_MODELS, ids=lambda kind: kind.name)
def test_a_read_model_handles_or_ignores_each_event_it_follows_not_both(
    kind: type[ReadModel], keywork: Keywork
) -> None:
    handles = handled(kind, keywork)
    assert handles & kind.ignores == set(), "both handled and ignored"
    if "*" not in handles:
        assert events_followed(kind) - handles - kind.ignores == set(), (
            "neither handled nor ignored"
        )
