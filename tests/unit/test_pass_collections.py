"""A rebuild's pass runs Python's garbage collector less often and over what it made only
(projections/runner.py), and gives the process its own thresholds and objects back when it ends,
however it ends."""

import gc

import pytest

from projections.runner import PASS_COLLECTION_THRESHOLD, Batch, apply_up_to

HEAD = 3


def test_a_pass_collects_less_often_and_then_as_before() -> None:
    before = gc.get_threshold()
    seen = []

    def read(after: int) -> Batch:
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        return [], after + 1

    apply_up_to([], read, HEAD, lambda position: None)
    assert seen == [((PASS_COLLECTION_THRESHOLD, *before[1:]), True)] * HEAD
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_pass_that_fails_gives_the_thresholds_back() -> None:
    before = gc.get_threshold()

    def read(after: int) -> Batch:
        raise ConnectionError("the database went away")

    with pytest.raises(ConnectionError):
        apply_up_to([], read, HEAD, lambda position: None)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
