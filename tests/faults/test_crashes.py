"""Consumers killed with SIGKILL at random points while commands keep coming: nothing is lost,
nothing is doubled.

The API runs in one process and each consumer (the projection runner, the relay, the notifier)
in a process of its own (`keywork run --only ...`). While a client records cases, the test kills
a random consumer at a random moment and starts it again, KEYWORK_FAULTS_KILLS times (20 in
`make test`, 200 in `make faults`). Then, with everything caught up:

- every read model equals a rebuild of it from the store;
- the Kafka topics hold every event of the store (a redelivery only ever repeats an event's id);
- the SMTP server received no (event, recipient) twice, and every notice the notifier confirmed.
"""

import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from api.auth import Principal, issue_token
from api.bootstrap import open_access_log, open_keywork
from domain.stamp import event_id
from projections.rebuild import rebuild
from projections.registry import READ_MODELS, projection_runner
from store.database import Database
from store.embedded_postgres import free_port
from tests.broker import running_broker
from tests.conftest import fresh_database
from tests.e2e.bodies import MEETS_NORFOLK, referral
from tests.integration.test_read_models import rows
from tests.integration.test_relay import as_cloud_event, published
from tests.keys import blind_index, master_key_setting, search_key_setting
from tests.settings import settings_with
from tests.smtp import Inbox, smtp_server

KILLS = int(os.environ.get("KEYWORK_FAULTS_KILLS", "20"))
CONSUMERS = ("projections", "relay", "notifier")
START_TIMEOUT_SECONDS = 60  # keywork run starts its API workers and consumers together
RUNNING = "keywork is running"  # what a consumer process prints once it has started
CATCH_UP_TIMEOUT_SECONDS = 120
SEED = int(os.environ.get("KEYWORK_FAULTS_SEED", "20261124"))


@dataclass
class Processes:
    """The service's processes, by part; restarted in place after each kill."""

    env: dict[str, str]
    folder: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, part: str, *extra: str) -> None:
        """Starts the part and, for a consumer, waits until it is running."""
        output = self.folder / f"{part}.out"
        started = output.read_text().count(RUNNING) if output.exists() else 0
        with output.open("ab") as out, (self.folder / f"{part}.log").open("ab") as log:
            self.running[part] = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "run", "--only", part, *extra],
                env=self.env,
                stdout=out,
                stderr=log,
            )
        if part == "api":
            return
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while output.read_text().count(RUNNING) == started:
            assert time.monotonic() < deadline, f"{part} did not start"
            if self.running[part].poll() is not None:
                log = (self.folder / f"{part}.log").read_text()[-3000:]
                raise AssertionError(f"{part} exited:\n{log}")
            time.sleep(0.05)

    def kill(self, part: str) -> None:
        process = self.running[part]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class World:
    database: Database
    broker: str
    inbox: Inbox
    http: httpx.Client
    processes: Processes


@pytest.fixture(scope="module")
def world(database: Database) -> Iterator[World]:
    own = fresh_database(database, "keywork_faults")
    secret = secrets.token_urlsafe(32)
    port = free_port()
    with (
        running_broker() as broker,
        smtp_server() as (smtp, inbox),
        tempfile.TemporaryDirectory(prefix="keywork-faults-") as folder,
    ):
        env = os.environ | {
            "KEYWORK_DATABASE_URL": own.conninfo,
            "KEYWORK_JWT_SECRET": secret,
            "KEYWORK_MASTER_KEY": master_key_setting(),
            "KEYWORK_SEARCH_KEY": search_key_setting(),
            "KEYWORK_DATA_DIR": folder,
            "KEYWORK_KAFKA_BOOTSTRAP_SERVERS": broker,
            "KEYWORK_SMTP_HOST": "127.0.0.1",
            "KEYWORK_SMTP_PORT": str(smtp.port),
            "POSTGRES_POOL_SIZE": "3",
        }
        processes = Processes(env, Path(folder))
        try:
            processes.start("api", "--port", str(port))
            for part in CONSUMERS:
                processes.start(part)
            token = issue_token(Principal("faults", "coordinator", area="norfolk"), secret, 1)
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ) as http:
                wait_until_up(http)
                yield World(own, broker, inbox, http, processes)
        finally:
            processes.stop_all()


def wait_until_up(http: httpx.Client) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if http.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the API did not start")


def record_cases(http: httpx.Client, worker: str, stop: threading.Event) -> None:
    """Cases from referral to contact, one after another, until told to stop."""
    while not stop.is_set():
        case_id = http.post("/referrals", json=referral()).raise_for_status().json()["case_id"]
        http.post(f"/cases/{case_id}/eligibility", json=MEETS_NORFOLK).raise_for_status()
        allocation = {
            "kind": "designated",
            "from": time.strftime("%Y-%m-%d"),
            "practitioner_id": worker,
        }
        http.post(f"/cases/{case_id}/key-worker", json=allocation).raise_for_status()
        http.post(f"/cases/{case_id}/contacts", json={"kind": "phone"}).raise_for_status()


def a_practitioner(http: httpx.Client) -> str:
    agency = http.post("/agencies", json={"name": "Trust", "sector": "health"}).json()
    created = http.post(
        "/practitioners",
        json={
            "name": "Jo Worker",
            "role_title": "Key worker",
            "agency_id": agency["agency_id"],
            "email": "jo@example.org",
        },
    )
    return str(created.raise_for_status().json()["practitioner_id"])


def positions(database: Database) -> dict[str, int]:
    with psycopg.connect(database.conninfo) as conn:
        head = conn.execute("SELECT max(notification_id) FROM keywork_events").fetchone()
        consumers = dict(conn.execute("SELECT name, position FROM consumer_positions").fetchall())
    return {"head": head[0] if head and head[0] else 0, **consumers}


def wait_for_everything(world: World) -> None:
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        now = positions(world.database)
        projections = world.http.get("/health").json()["projections"]
        consumers = (now.get("relay:keywork", 0), now.get("notifications", 0))
        if all(p["behind"] == 0 for p in projections) and min(consumers) >= now["head"]:
            return
        time.sleep(0.2)
    raise AssertionError(f"the consumers did not catch up: {positions(world.database)}")


def test_killed_consumers_lose_and_double_nothing(world: World) -> None:
    chance = random.Random(SEED)
    worker = a_practitioner(world.http)
    stop = threading.Event()
    client = threading.Thread(target=record_cases, args=(world.http, worker, stop))
    client.start()
    kills: Counter[str] = Counter()
    try:
        for _ in range(KILLS):
            time.sleep(chance.uniform(0.05, 0.5))
            part = chance.choice(CONSUMERS)
            world.processes.kill(part)
            kills[part] += 1
            world.processes.start(part)
    finally:
        stop.set()
        client.join(timeout=60)
    wait_for_everything(world)

    keywork = open_keywork(settings_with(postgres_pool_size=2), world.database)
    access = open_access_log(settings_with(postgres_pool_size=1), world.database)
    try:
        apps: dict[str, Any] = {"keywork": keywork, "access": access}
        runner = projection_runner(apps, world.database, keywork.rules, blind_index())
        for kind in READ_MODELS:
            live = runner.get(kind)
            rebuilt = rebuild(
                apps[kind.follows], keywork.store.datastore, kind, blind_index=blind_index()
            )
            assert rows(rebuilt) == rows(live), kind.name
        stored = [
            event_id(n.originator_id, n.originator_version)
            for n in keywork.recorder.select_notifications(start=1, limit=10**6)
        ]
    finally:
        access.close()
        keywork.close()

    ids = Counter(str(as_cloud_event(record).get_id()) for record in published(world.broker))
    assert set(ids) == {str(e) for e in stored}, "an event is missing from Kafka (or extra)"

    received = Counter(message["Message-ID"] for message in world.inbox.messages)
    assert [mid for mid, n in received.items() if n > 1] == [], "a notice was sent twice"
    with psycopg.connect(world.database.conninfo) as conn:
        states = Counter(
            dict(conn.execute("SELECT state, count(*) FROM notices GROUP BY state").fetchall())
        )
    # Sent and confirmed: received once. Claimed but never confirmed (killed mid-send): at most
    # once, and listed by `keywork mail unconfirmed` for a person to check.
    assert states["sent"] <= len(received) <= states["sent"] + states["claimed"]
    print(
        f"\nfaults: {sum(kills.values())} kills {dict(kills)}; {len(stored)} events checked; "
        f"lost 0; Kafka redeliveries {sum(ids.values()) - len(ids)}; "
        f"mail {len(received)} received once each, {states['claimed']} unconfirmed"
    )
