"""PostgreSQL stopped under the running service: 503 problem+json, never a 500, then recovery."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth import Principal, issue_token
from services.embedded_postgres import EmbeddedPostgres, free_port
from tests.e2e.bodies import referral
from tests.e2e.conftest import wait_until_up

SECRET = "s" * 40


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="keywork-down-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_with_the_database_down_the_service_answers_503_and_recovers(folder: Path) -> None:
    postgres = EmbeddedPostgres(folder / "postgres")
    database = postgres.start()
    port = free_port()
    env = os.environ | {
        "KEYWORK_DATABASE_URL": database.conninfo,
        "KEYWORK_JWT_SECRET": SECRET,
        "KEYWORK_DATA_DIR": str(folder),
    }
    log = folder / "service.log"
    with log.open("w") as output:
        service = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "run", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    token = issue_token(Principal("coordinator-1", "coordinator", area="norfolk"), SECRET, 1)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        # While the database is down a request takes the store's retries (about 10 x 2 s).
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=90) as http:
            wait_until_up(http, service, log)
            case_id = http.post("/referrals", json=referral(), headers=auth).json()["case_id"]
            postgres.stop()
            down = [
                http.get(f"/cases/{case_id}", headers=auth),
                http.post("/referrals", json=referral(), headers=auth),
            ]
            for response in down:
                assert response.status_code == 503, response.text
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["Retry-After"]
            EmbeddedPostgres(folder / "postgres", port=database.port).start()
            deadline = time.monotonic() + 30
            while http.get(f"/cases/{case_id}", headers=auth).status_code != 200:
                assert time.monotonic() < deadline, "the service did not recover"
                time.sleep(0.2)
            assert http.post("/referrals", json=referral(), headers=auth).status_code == 201
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=30)
        EmbeddedPostgres(folder / "postgres", port=database.port).stop()
