"""The relay: publishes the store's events to Kafka in order, at least once, never with a gap.

Each batch is sent, the broker's acknowledgement awaited (acks=all, idempotent producer), and
only then is the position stored in PostgreSQL. A crash in between sends the batch again on
restart: consumers see the same event `id` twice, never a missing one.
"""

import contextlib
import logging
from typing import Any

from eventsourcing.application import Application
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from consumers.background import Background
from consumers.positions import Positions
from consumers.publication import (
    CASE_TOPIC,
    DIRECTORY_TOPIC,
    UNPUBLISHED,
    cloud_event,
    topic_of,
)
from store.database import Database
from store.following import follow
from store.sealing import decoded

log = logging.getLogger("keywork.relay")

BATCH_SIZE = 500
SEND_TIMEOUT_SECONDS = 30.0
PARTITIONS = 3


class Relay(Background):
    name = "relay"

    def __init__(self, app: Application[Any], database: Database, bootstrap_servers: str) -> None:
        super().__init__()
        self.app = app
        self.database = database
        self.bootstrap_servers = bootstrap_servers
        datastore = app.recorder.datastore  # type: ignore[attr-defined]
        self.positions = Positions(datastore, f"relay:{app.name}")
        self._producer: KafkaProducer | None = None

    def position(self) -> int:
        return self.positions.get()

    def relay_batch(self) -> int:
        """Publishes the next batch and stores its position once acknowledged; returns its size."""
        start = self.position() + 1
        notifications = self.app.recorder.select_notifications(start=start, limit=BATCH_SIZE)
        if not notifications:
            return 0
        producer = self._connected()
        sends = []
        for notification, event in zip(
            notifications, decoded(self.app.mapper, notifications), strict=True
        ):
            if type(event).__name__ in UNPUBLISHED:
                continue
            message = cloud_event(event, notification.id)
            sends.append(
                producer.send(
                    topic_of(event),
                    key=message.key
                    if isinstance(message.key, bytes)
                    else str(message.key).encode(),
                    value=message.value,
                    headers=list(message.headers.items()),
                )
            )
        producer.flush(timeout=SEND_TIMEOUT_SECONDS)
        for sent in sends:
            sent.get(timeout=SEND_TIMEOUT_SECONDS)  # raises unless the broker acknowledged
        self._store(notifications[-1].id)
        return len(notifications)

    def stop(self) -> None:
        super().stop()
        if self._producer is not None:
            self._producer.close(timeout=5)

    def run(self) -> None:
        channel = self.app.recorder.channel_name  # type: ignore[attr-defined]
        follow(self.database, channel, self._step, self._stopping, log)

    def _step(self) -> bool:
        try:
            return self.relay_batch() == BATCH_SIZE
        except Exception:
            self._reset()
            raise

    def _connected(self) -> KafkaProducer:
        if self._producer is None:
            _create_topics(self.bootstrap_servers)
            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                acks="all",
                enable_idempotence=True,
                linger_ms=5,
                client_id="keywork-relay",
            )
        return self._producer

    def _reset(self) -> None:
        # A broker that restarted may have lost its topics: connect and create them afresh.
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None

    def _store(self, position: int) -> None:
        self.positions.store(position)


def _create_topics(bootstrap_servers: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="keywork-relay-admin")
    try:
        for topic in (CASE_TOPIC, DIRECTORY_TOPIC):
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    finally:
        admin.close()
