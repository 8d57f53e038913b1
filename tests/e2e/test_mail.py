"""With no SMTP server configured, the running service delivers mail to a local maildir."""

import io
import subprocess
import sys
import time

from pypdf import PdfReader

from tests.e2e.bodies import case_with_a_letter, new_case
from tests.e2e.conftest import RunningService


def mail_listing(service: RunningService) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "mail", "list"],
        env={"KEYWORK_DATA_DIR": str(service.data_dir), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_a_referral_is_acknowledged_by_mail_to_the_referrer(service: RunningService) -> None:
    before = mail_listing(service).count("ada@example.org")
    new_case(service)
    deadline = time.monotonic() + 60
    while mail_listing(service).count("ada@example.org") == before:
        assert time.monotonic() < deadline, "no acknowledgement arrived"
        time.sleep(0.2)
    assert "Referral received" in mail_listing(service)


def test_business_support_prints_the_letters_and_marks_them_posted(service: RunningService) -> None:
    _, letter_id = case_with_a_letter(service, "1 Lane, Norwich, NR1 1AA")
    clerk = service.as_("business_support", "clerk-1")
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
