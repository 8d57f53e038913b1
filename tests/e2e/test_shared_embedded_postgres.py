"""`keywork run` on the embedded PostgreSQL, and the commands a person runs beside it."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from store.embedded_postgres import free_port
from tests.e2e.conftest import started_service, wait_until_up

# Each opens the store (and so the embedded PostgreSQL) and closes it again.
COMMANDS = [
    ["projections", "status"],
    ["overdue", "check"],
    ["mail", "unconfirmed"],
    ["feedback", "round"],
    ["metrics", "export", "--period", "2026"],
]
COMMAND_TIMEOUT_SECONDS = 60


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="keywork-shared-"))
    path.chmod(0o755)  # the server runs as its own user when we are root
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_commands_run_beside_the_service_leave_its_embedded_postgres_running(
    data_dir: Path,
) -> None:
    # The embedded default: no database configured, only the data folder.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"KEYWORK_DATABASE_URL", "POSTGRES_HOST"}
    } | {"KEYWORK_DATA_DIR": str(data_dir), "KEYWORK_JWT_SECRET": secrets.token_urlsafe(32)}
    port = free_port()
    log = data_dir / "service.log"
    service = started_service(port, env, log)
    pid_file = data_dir / "postgres" / "pgdata" / "postmaster.pid"
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            wait_until_up(http, service, log)
            postgres_port = int(pid_file.read_text().splitlines()[3])
            for command in COMMANDS:
                done = subprocess.run(
                    [sys.executable, "-m", "api.cli", *command],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=COMMAND_TIMEOUT_SECONDS,
                )
                assert done.returncode == 0, done.stderr
                assert "Using the embedded PostgreSQL already running" in done.stderr
                assert int(pid_file.read_text().splitlines()[3]) == postgres_port
                assert http.get("/health").status_code == 200, command
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=30)
    assert service.returncode == 128 + signal.SIGTERM, log.read_text()
    assert "Stopped the embedded PostgreSQL." in log.read_text()
    assert not pid_file.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"host=127.0.0.1 port={postgres_port} user=postgres connect_timeout=2")
