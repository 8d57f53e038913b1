"""The relay on a real broker and a real PostgreSQL: every event once or more, in order per case,
as a valid CloudEvent, with no personal data on any topic."""

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from kafka import KafkaConsumer, TopicPartition

from api.bootstrap import open_keywork
from consumers.publication import CASE_TOPIC, DIRECTORY_TOPIC
from consumers.relay import Relay
from services.keywork import Keywork
from store.database import Database
from tests.broker import running_broker
from tests.integration.conftest import active_case, as_, contact, practitioner, sign_agreement
from tests.settings import settings_with

TOPICS = (CASE_TOPIC, DIRECTORY_TOPIC)
PERSONAL = (
    "Sam",
    "Alex Parent",
    "alex@example.org",
    "9434765919",
    "2016-05-01",
    "Jo Worker",
    "jo@example.org",
    "Single point of referral",
    "co-ordination",
)


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    with running_broker() as address:
        yield address


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    app = open_keywork(settings_with(postgres_pool_size=4), own_database)
    yield app
    app.close()


@pytest.fixture
def relay(keywork: Keywork, own_database: Database, broker: str) -> Iterator[Relay]:
    running = Relay(keywork, own_database, broker)
    yield running
    running.stop()


def story(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    sign_agreement(keywork, case_id)
    contact(keywork, case_id, as_(occurred_at=keywork.clock() - timedelta(days=1)))
    keywork.record_contact(
        as_(),
        case_id,
        kind="home_visit",
        participants=["Alex Parent"],
        note="co-ordination of visits",
        functions=["advocacy"],
    )


def relay_all(relay: Relay, keywork: Keywork) -> None:
    while relay.position() < (keywork.recorder.max_notification_id() or 0):
        relay.relay_batch()


def published(broker: str) -> list[Any]:
    """Every message on our topics, from the beginning, read without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in TOPICS
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        if not partitions:  # no topics yet: the relay creates them with its first batch
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        records: list[Any] = []
        deadline = time.monotonic() + 20
        while any(consumer.position(p) < ends[p] for p in partitions):
            assert time.monotonic() < deadline, "the topics could not be read to their end"
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def as_cloud_event(record: Any) -> Any:
    headers = {name: value for name, value in record.headers}
    return from_binary_event(KafkaMessage(headers=headers, key=record.key, value=record.value))


def test_every_event_is_published_once_as_a_valid_cloud_event_in_case_order(
    keywork: Keywork, relay: Relay, broker: str
) -> None:
    for _ in range(3):
        story(keywork)
    relay_all(relay, keywork)
    events = [as_cloud_event(record) for record in published(broker)]
    head = keywork.recorder.max_notification_id()
    assert sorted(int(e.get_extension("position")) for e in events) == list(range(1, head + 1))
    assert len({e.get_id() for e in events}) == head
    by_subject: dict[str, list[int]] = {}
    for record, event in zip(published(broker), events, strict=True):
        assert event.get_specversion() == "1.0"
        assert record.key.decode() == event.get_subject()
        assert event.get_type().startswith(("uk.keywork.case.", "uk.keywork.directory."))
        by_subject.setdefault(event.get_subject(), []).append(int(event.get_extension("sequence")))
    for sequences in by_subject.values():
        assert sequences == sorted(sequences)  # one key, one partition, in order
    allocated = [e for e in events if e.get_type() == "uk.keywork.case.key_worker_allocated.v1"]
    assert {"kind", "from", "practitioner_id"} == set(allocated[0].get_data())
    contacted = [e.get_data() for e in events if e.get_type().endswith(".contact_recorded.v1")]
    assert {"kind", "functions"} == set(contacted[0])
    assert {"kind": "home_visit", "functions": ["advocacy"]} in contacted


def test_no_name_nhs_number_date_of_birth_address_or_free_text_is_published(
    keywork: Keywork, relay: Relay, broker: str
) -> None:
    story(keywork)
    relay_all(relay, keywork)
    records = published(broker)
    assert records
    for record in records:
        text = record.value.decode() + "".join(value.decode() for _, value in record.headers)
        for secret in PERSONAL:
            assert secret not in text, f"{secret!r} was published"
    referred = [as_cloud_event(r) for r in records]
    bands = {e.get_data()["age_band"] for e in referred if e.get_type().endswith(".referred.v1")}
    assert bands == {"5-10"}


def test_a_crash_after_the_broker_acknowledged_republishes_with_the_same_ids(
    keywork: Keywork, relay: Relay, broker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    relay_all(relay, keywork)
    story(keywork)

    def crash(position: int) -> None:
        raise RuntimeError("killed before the position was stored")

    monkeypatch.setattr(relay, "_store", crash)
    with pytest.raises(RuntimeError):
        relay.relay_batch()
    monkeypatch.undo()
    restarted = Relay(keywork, relay.database, broker)
    try:
        relay_all(restarted, keywork)
    finally:
        restarted.stop()
    events = [as_cloud_event(record) for record in published(broker)]
    positions = [int(e.get_extension("position")) for e in events]
    head = keywork.recorder.max_notification_id()
    assert set(positions) == set(range(1, head + 1))  # none missing
    assert len(positions) > head  # the unacknowledged-by-us batch came twice
    ids_by_position: dict[int, set[str]] = {}
    for event in events:
        ids_by_position.setdefault(int(event.get_extension("position")), set()).add(event.get_id())
    assert all(len(ids) == 1 for ids in ids_by_position.values())


def test_a_consumer_group_reads_what_the_relay_published(
    keywork: Keywork, relay: Relay, broker: str
) -> None:
    practitioner(keywork)
    relay_all(relay, keywork)
    consumer = KafkaConsumer(
        DIRECTORY_TOPIC,
        bootstrap_servers=broker,
        group_id=f"test-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
    )
    try:
        received: list[Any] = []
        deadline = time.monotonic() + 30
        while not received:
            assert time.monotonic() < deadline, "the group received nothing"
            for batch in consumer.poll(timeout_ms=500).values():
                received.extend(batch)
    finally:
        consumer.close()
    types = {as_cloud_event(record).get_type() for record in received}
    assert "uk.keywork.directory.practitioner_registered.v1" in types
