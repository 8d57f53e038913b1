"""The running service publishes what happens to Kafka, by itself."""

import time
from typing import Any

from tests.e2e.bodies import new_case
from tests.e2e.conftest import RunningService
from tests.integration.test_relay import as_cloud_event, published


def test_a_referral_reaches_kafka_without_anyone_asking(service: RunningService) -> None:
    case_id = new_case(service)
    deadline = time.monotonic() + 30
    events: list[Any] = []
    while not events:
        assert time.monotonic() < deadline, "the referral never reached Kafka"
        time.sleep(0.2)
        events = [
            e for e in map(as_cloud_event, published(service.broker)) if e.get_subject() == case_id
        ]
    [referred] = events
    assert referred.get_type() == "uk.keywork.case.referred.v1"
    assert referred.get_data()["age_band"] == "5-10"
