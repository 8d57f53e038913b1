"""With no SMTP server configured, the running service delivers mail to a local maildir."""

import io
import subprocess
import sys
import time
from typing import Any

from pypdf import PdfReader

from tests.e2e.bodies import MEETS_NORFOLK, new_case, new_practitioner, referral, today
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


def test_business_support_prints_the_letters_and_marks_them_posted(service: RunningService) -> None:
    body = referral()
    body["family"].append(
        {
            "name": "Gran Quillfeather",
            "relationship": "grandmother",
            "preferred_channel": "letter",
            "postal_address": "1 Lane, Norwich, NR1 1AA",
            "has_parental_responsibility": True,
        }
    )
    case_id = service.post("/referrals", body).json()["case_id"]
    service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK)
    allocation = {
        "kind": "designated",
        "from": today(),
        "practitioner_id": new_practitioner(service),
    }
    assert service.post(f"/cases/{case_id}/key-worker", allocation).status_code == 200
    clerk = service.as_("business_support", "clerk-1")
    deadline = time.monotonic() + 30
    letters: list[Any] = []
    while not letters:
        assert time.monotonic() < deadline, "no letter was queued"
        time.sleep(0.2)
        waiting = service.http.get("/letters", headers=clerk).json()
        letters = [
            item
            for item in waiting
            if (item["case_id"], item["recipient"]) == (case_id, "family:1")
        ]
    letter_id = letters[-1]["letter_id"]
    pdf = service.http.get(f"/letters/{letter_id}", headers=clerk)
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Gran Quillfeather" in text and "Jo Keyworker" in text
    assert service.http.post(f"/letters/{letter_id}/posted", headers=clerk).json() == {
        "newly_posted": True
    }
    still_waiting = {
        item["letter_id"] for item in service.http.get("/letters", headers=clerk).json()
    }
    assert letter_id not in still_waiting
    assert (
        service.http.get("/letters", headers=service.as_("commissioner", "c-1")).status_code == 403
    )
