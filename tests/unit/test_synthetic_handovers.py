"""The synthetic histories hand a case over to any other key worker, each as likely: handed only
to the first fifty, England's slowest caseloads held 350 to 423 cases each."""

import random
from collections import Counter
from uuid import uuid4

import pytest

from demo.synthetic import incoming_key_worker


def test_a_handover_goes_to_any_key_worker_but_the_outgoing_each_as_likely() -> None:
    key_workers = [uuid4() for _ in range(200)]
    outgoing = key_workers[7]
    rng = random.Random(3)
    drawn = Counter(incoming_key_worker(rng, key_workers, outgoing) for _ in range(20_000))
    assert outgoing not in drawn
    assert set(drawn) == set(key_workers) - {outgoing}
    assert max(drawn.values()) < 3 * 20_000 / 199  # none takes a share of many


def test_a_handover_with_no_other_key_worker_is_refused_not_drawn_for_ever() -> None:
    only = uuid4()
    with pytest.raises(ValueError, match="besides the outgoing one"):
        incoming_key_worker(random.Random(3), [only], only)
