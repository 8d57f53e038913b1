"""With no SMTP server configured, the running service delivers mail to a local maildir."""

import subprocess
import sys
import time

from tests.e2e.bodies import new_case
from tests.e2e.conftest import RunningService


def mail_listing(service: RunningService) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "mail", "list"],
        env={"KEYWORK_DATA_DIR": str(service.data_dir), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout


def test_a_referral_is_acknowledged_by_mail_to_the_referrer(service: RunningService) -> None:
    before = mail_listing(service).count("ada@example.org")
    new_case(service)
    deadline = time.monotonic() + 30
    while mail_listing(service).count("ada@example.org") == before:
        assert time.monotonic() < deadline, "no acknowledgement arrived"
        time.sleep(0.2)
    assert "Referral received" in mail_listing(service)
