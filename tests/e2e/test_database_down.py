"""PostgreSQL stopped under the running service while clients keep coming: 503 problem+json,
never a 500, then recovery by itself."""

import os
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth import Principal, issue_token
from store.embedded_postgres import EmbeddedPostgres, free_port
from tests.e2e.bodies import referral
from tests.e2e.conftest import started_service, wait_until_up

SECRET = "s" * 40
LOAD_CLIENTS = 3


def keep_asking(
    http: httpx.Client,
    auth: dict[str, str],
    case_id: str,
    stop: threading.Event,
    seen: list[int],
) -> None:
    """Reads the case and records a referral, over and over, noting every status."""
    while not stop.is_set():
        seen.append(http.get(f"/cases/{case_id}", headers=auth).status_code)
        seen.append(http.post("/referrals", json=referral(), headers=auth).status_code)


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="keywork-down-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_with_the_database_down_the_service_answers_503_and_recovers(folder: Path) -> None:
    postgres = EmbeddedPostgres(folder / "postgres")
    database = postgres.start()
    restarted = EmbeddedPostgres(folder / "postgres", port=database.port)
    port = free_port()
    env = os.environ | {
        "KEYWORK_DATABASE_URL": database.conninfo,
        "KEYWORK_JWT_SECRET": SECRET,
        "KEYWORK_DATA_DIR": str(folder),
    }
    log = folder / "service.log"
    service = started_service(port, env, log)
    token = issue_token(Principal("coordinator-1", "coordinator", area="norfolk"), SECRET, 1)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        # While the database is down a request takes the store's retries (about 10 x 2 s).
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=90) as http:
            wait_until_up(http, service, log)
            case_id = http.post("/referrals", json=referral(), headers=auth).json()["case_id"]
            stop = threading.Event()
            seen: list[int] = []
            load = [
                threading.Thread(target=keep_asking, args=(http, auth, case_id, stop, seen))
                for _ in range(LOAD_CLIENTS)
            ]
            for client in load:
                client.start()
            time.sleep(0.5)
            postgres.stop()
            down = [
                http.get(f"/cases/{case_id}", headers=auth),
                http.post("/referrals", json=referral(), headers=auth),
            ]
            for response in down:
                assert response.status_code == 503, response.text
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["Retry-After"]
            restarted.start()
            deadline = time.monotonic() + 30
            while http.get(f"/cases/{case_id}", headers=auth).status_code != 200:
                assert time.monotonic() < deadline, "the service did not recover"
                time.sleep(0.2)
            assert http.post("/referrals", json=referral(), headers=auth).status_code == 201
            stop.set()
            for client in load:
                client.join(timeout=120)
            statuses = Counter(seen)
            assert set(statuses) <= {200, 201, 503}, statuses
            assert statuses[503] and (statuses[200] + statuses[201]), statuses
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=30)
        restarted.stop()
        postgres.stop()
