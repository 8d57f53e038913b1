from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.directory import Practitioner
from domain.errors import InvalidValue, NotAllowedNow
from domain.supervision import Supervision
from tests.unit.story import TODAY, stamp, then
from tests.unit.test_practitioner import given_practitioner

SUPERVISOR = uuid4()
CASE = uuid4()


def supervise(practitioner: Practitioner, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "held_on": TODAY - timedelta(days=3),
        "kind": "one_to_one",
        "supervisor_id": SUPERVISOR,
        "cases_discussed": [CASE],
        "actions": ["Book the safeguarding refresher"],
    }
    practitioner.record_supervision(stamp(), **(fields | changes))


def test_a_session_is_recorded_with_the_cases_discussed_by_id() -> None:
    worker = given_practitioner()
    supervise(worker)
    session = Supervision(
        TODAY - timedelta(days=3),
        "one_to_one",
        SUPERVISOR,
        [CASE],
        ["Book the safeguarding refresher"],
    )
    assert then(worker) == [("SupervisionRecorded", {"session": session})]


def test_supervision_is_due_the_interval_after_the_last_session_or_the_start() -> None:
    worker = given_practitioner()
    assert worker.supervision_due(TODAY, 42) == TODAY + timedelta(days=42)  # registered today
    supervise(worker, held_on=TODAY - timedelta(days=50))
    supervise(worker, held_on=TODAY - timedelta(days=10), kind="peer")
    assert worker.supervision_due(TODAY, 42) == TODAY + timedelta(days=32)
    # As at a day before the later session, only the earlier one counts.
    assert worker.supervision_due(TODAY - timedelta(days=20), 42) == TODAY - timedelta(days=8)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"kind": "coffee"}, "kind", "one_of"),
        ({"held_on": TODAY + timedelta(days=1)}, "held_on", "not_in_future"),
        ({"cases_discussed": [CASE, CASE]}, "cases_discussed", "unique"),
        ({"actions": [" "]}, "actions[0]", "required"),
        ({"actions": ["act"] * 21}, "actions", "at_most_20"),
    ],
)
def test_a_session_is_refused(changes: dict[str, Any], field: str, rule: str) -> None:
    worker = given_practitioner()
    with pytest.raises(InvalidValue) as refused:
        supervise(worker, **changes)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert then(worker) == []


def test_no_one_supervises_themselves_and_no_session_after_leaving() -> None:
    worker = given_practitioner()
    with pytest.raises(InvalidValue) as refused:
        supervise(worker, supervisor_id=worker.id)
    assert refused.value.rule == "someone_else"
    worker.leave_agency(stamp(), on=TODAY, reason="Retired")
    with pytest.raises(NotAllowedNow):
        supervise(worker)
