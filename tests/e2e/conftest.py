"""The real service, started as `keywork run` on a free port against the session's PostgreSQL."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from api.auth import Principal, issue_token
from store.database import Database
from store.embedded_postgres import free_port
from tests.broker import running_broker
from tests.conftest import fresh_database

START_TIMEOUT_SECONDS = 60  # keywork run starts its API workers and consumers together
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The team of the practitioners the tests register, and of the managers they act as.
MANAGERS_TEAM = "e2e-team"
REOPEN_WINDOW_DAYS = 30


@dataclass
class RunningService:
    base_url: str
    secret: str
    http: httpx.Client
    broker: str
    data_dir: Path
    log: Path
    """The service's stderr: its logs, one JSON object a line."""
    env: dict[str, str]
    """The service's settings, for a command line run against the same store."""

    def token(
        self, role: str = "coordinator", user: str = "coordinator-1", area: str = "norfolk"
    ) -> str:
        team = MANAGERS_TEAM if role == "manager" else None
        caller = Principal(user=user, role=role, team=team, area=area)  # type: ignore[arg-type]
        return issue_token(caller, self.secret, 1)

    def page_session(
        self, role: str = "coordinator", user: str = "coordinator-1", area: str = "norfolk"
    ) -> str:
        """A Cookie header value for a page session, signed in with a pasted token."""
        with httpx.Client(base_url=self.base_url) as browser:
            browser.get("/ui/sign-in")
            csrf = browser.cookies["keywork_csrf"]
            form = {"token": self.token(role, user, area), "csrf": csrf}
            signed_in = browser.post("/ui/sign-in", data=form)
            assert signed_in.status_code == 303, signed_in.text
            return f"keywork_session={browser.cookies['keywork_session']}"

    def bearer(self, caller: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(caller, self.secret, 1)}"}

    def as_(self, role: str = "coordinator", user: str = "coordinator-1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, user)}"}

    def post(
        self,
        path: str,
        body: Any,
        role: str = "coordinator",
        user: str = "coordinator-1",
        **headers: str,
    ) -> httpx.Response:
        """POST as `role`; extra headers by keyword, with `_` for `-` (If_Match=...)."""
        return self.http.post(
            path, json=body, headers=self.as_(role, user) | _header_names(headers)
        )

    def get(self, path: str, role: str = "coordinator") -> httpx.Response:
        return self.http.get(path, headers=self.as_(role))


def _header_names(headers: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in headers.items()}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # for refusals under the CSP
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def broker() -> Iterator[str]:
    with running_broker() as address:
        yield address


@pytest.fixture(scope="session")
def service(database: Database, broker: str) -> Iterator[RunningService]:
    # A configured database: pasting a token to sign in to the pages is for demos only.
    with running_service(database, "keywork_e2e", broker, free_port(), KEYWORK_DEMO="1") as up:
        yield up


@contextmanager
def running_service(
    database: Database,
    name: str,
    broker: str,
    port: int,
    only: tuple[str, ...] = (),
    **more: str,
) -> Iterator[RunningService]:
    """`keywork run` on `port`, over a new database `name`, with the tests' settings and `more`;
    with `only`, just those parts, in one process."""
    database = fresh_database(database, name)
    secret = secrets.token_urlsafe(32)
    data_dir = tempfile.mkdtemp(prefix="keywork-e2e-")
    settings = {
        "KEYWORK_DATABASE_URL": database.conninfo,
        "KEYWORK_JWT_SECRET": secret,
        "KEYWORK_DATA_DIR": data_dir,
        "KEYWORK_KAFKA_BOOTSTRAP_SERVERS": broker,
        "KEYWORK_REOPEN_WINDOW_DAYS": str(REOPEN_WINDOW_DAYS),
        # Questionnaire rounds only when a test sends one (`keywork feedback round`), so that
        # no round adds to a case another test is counting the versions of.
        "KEYWORK_FEEDBACK_ROUND_SIZE": "1000000",
        "KEYWORK_FEEDBACK_ROUND_WAIT_DAYS": "36500",
        "KEYWORK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        # One API process is enough for the tests (test_processes.py runs two); fewer processes
        # start sooner beside the test run on two cores.
        "KEYWORK_API_WORKERS": "1",
    } | more
    console, log = Path(data_dir) / "service.out", Path(data_dir) / "service.log"
    with console.open("w") as output, log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "run", "--port", str(port), *_only(only)],
            env=os.environ | settings,
            stdout=output,
            stderr=errors,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            wait_until_up(http, process, console, log)
            yield RunningService(base_url, secret, http, broker, Path(data_dir), log, settings)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def _only(parts: tuple[str, ...]) -> list[str]:
    return ["--only", *parts] if parts else []


def started_service(
    port: int, env: dict[str, str], log: Path, **popen: Any
) -> subprocess.Popen[bytes]:
    """`keywork run` on `port` with `env`, all it prints going to `log`."""
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "run", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            **popen,
        )


def wait_until_up(http: httpx.Client, process: subprocess.Popen[bytes], *output: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited:\n{_read(output)}")
        try:
            if http.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the service did not start in time:\n{_read(output)}")


def _read(files: tuple[Path, ...]) -> str:
    return "\n".join(file.read_text() for file in files)
