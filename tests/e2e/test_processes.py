"""`keywork run` as processes: the API's workers and each consumer on its own, a killed one
started again, all of them (and the embedded PostgreSQL) stopped with the service."""

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from api.auth import Principal, issue_token
from consumers.mail import MaildirMailer
from store.database import Database
from store.embedded_postgres import free_port
from tests.conftest import fresh_database
from tests.e2e.bodies import referral
from tests.e2e.conftest import started_service, wait_until_up

WAIT_SECONDS = 60
EVERY_PART = ["api", "api", "notifier", "overdue", "projections", "relay"]


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="keywork-processes-"))
    path.chmod(0o755)  # the server runs as its own user when we are root
    yield path
    shutil.rmtree(path, ignore_errors=True)


def parts(service: subprocess.Popen[bytes]) -> dict[str, list[int]]:
    """The service's processes by the part each runs (`keywork run --only PART`)."""
    found = defaultdict(list)
    for child in psutil.Process(service.pid).children():
        try:
            command = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        if "--only" in command:  # not one forked a moment ago and not yet running keywork
            found[command[command.index("--only") + 1]].append(child.pid)
    return found


def wait_for(condition_met: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition_met():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def every_part_running(service: subprocess.Popen[bytes], expected: list[str]) -> None:
    wait_for(
        lambda: sorted(name for name, pids in parts(service).items() for _ in pids) == expected,
        f"not every part is running: {dict(parts(service))}",
    )


def test_each_part_runs_in_its_own_process_and_a_killed_one_is_started_again(
    database: Database, broker: str, folder: Path
) -> None:
    secret = secrets.token_urlsafe(32)
    env = os.environ | {
        "KEYWORK_DATABASE_URL": fresh_database(database, "keywork_processes").conninfo,
        "KEYWORK_JWT_SECRET": secret,
        "KEYWORK_DATA_DIR": str(folder),
        "KEYWORK_KAFKA_BOOTSTRAP_SERVERS": broker,
        "KEYWORK_API_WORKERS": "2",
        "POSTGRES_POOL_SIZE": "3",
    }
    port, log = free_port(), folder / "service.log"
    service = started_service(port, env, log)
    coordinator = Principal("coordinator-1", "coordinator", area="norfolk")
    auth = {"Authorization": f"Bearer {issue_token(coordinator, secret, 1)}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            wait_until_up(http, service, log)
            every_part_running(service, EVERY_PART)

            # Each API worker, the other one stopped, answers on the one port.
            workers = parts(service)["api"]
            for answering in workers:
                for other in set(workers) - {answering}:
                    os.kill(other, signal.SIGSTOP)
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
                    assert response.status_code == 200
                finally:
                    for other in set(workers) - {answering}:
                        os.kill(other, signal.SIGCONT)

            killed = {name: parts(service)[name][0] for name in ("projections", "notifier")}
            for pid in killed.values():
                os.kill(pid, signal.SIGKILL)
            wait_for(
                lambda: all(
                    parts(service)[name] and parts(service)[name] != [pid]
                    for name, pid in killed.items()
                ),
                "a killed part was not started again",
            )
            every_part_running(service, EVERY_PART)

            # The restarted consumers work: the referral's projections and its mail.
            mail = MaildirMailer(folder / "mail")
            referred = http.post("/referrals", json=referral(), headers=auth)
            assert referred.status_code == 201, referred.text
            distribution_list = f"/cases/{referred.json()['case_id']}/distribution-list"
            caught_up = {"min_position": referred.headers["X-Event-Position"]}
            wait_for(
                lambda: http.get(distribution_list, params=caught_up, headers=auth).is_success,
                "the projections did not catch up after the restart",
            )
            wait_for(lambda: len(mail.messages()) > 0, "no mail was sent after the restart")
            children = [pid for pids in parts(service).values() for pid in pids]
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=60)
    assert service.returncode == 128 + signal.SIGTERM, log.read_text()[-3000:]
    assert not [pid for pid in children if psutil.pid_exists(pid)], "a part outlived the service"
    assert "exited with -9" in log.read_text()


def answer_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_every_part_then_the_embedded_postgres(folder: Path) -> None:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"KEYWORK_DATABASE_URL", "POSTGRES_HOST"}
    } | {
        "KEYWORK_DATA_DIR": str(folder),
        "KEYWORK_JWT_SECRET": secrets.token_urlsafe(32),
        "KEYWORK_API_WORKERS": "1",
    }
    env.pop("KEYWORK_KAFKA_BOOTSTRAP_SERVERS", None)
    port, log = free_port(), folder / "service.log"
    # As from a terminal: a test run started in the background (`nohup pytest &`) ignores Ctrl-C,
    # and its children would inherit that.
    service = started_service(port, env, log, preexec_fn=answer_ctrl_c)
    pid_file = folder / "postgres" / "pgdata" / "postmaster.pid"
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            wait_until_up(http, service, log)
            every_part_running(service, ["api", "notifier", "overdue", "projections"])
            children = [pid for pids in parts(service).values() for pid in pids]
            postgres_port = int(pid_file.read_text().splitlines()[3])
    finally:
        service.send_signal(signal.SIGINT)
        try:
            service.wait(timeout=60)
        except subprocess.TimeoutExpired:
            service.kill()
            raise
    output = log.read_text()
    assert service.returncode == 130, output[-3000:]
    assert not [pid for pid in children if psutil.pid_exists(pid)], "a part outlived the service"
    # The parts used the server this process started; none started or attached to one itself.
    assert output.count("The embedded PostgreSQL in") == 1
    assert "Using the embedded PostgreSQL already running" not in output
    assert output.index("stopped 4 process(es)") < output.index("Stopped the embedded PostgreSQL.")
    assert not pid_file.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"host=127.0.0.1 port={postgres_port} user=postgres connect_timeout=2")
