"""Service metrics over HTTP and from the command line: the same figures, as JSON and CSV."""

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime

from api.auth import Principal
from tests.e2e.bodies import new_active_case
from tests.e2e.conftest import RunningService

COMMISSIONER = Principal("commissioner-1", "commissioner", area="norfolk")


def test_a_commissioner_reads_the_months_metrics_as_json_and_csv(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    month = datetime.now(UTC).strftime("%Y-%m")
    known_at = datetime.now(UTC).isoformat()
    query = {"period": month, "known_at": known_at}
    as_commissioner = service.bearer(COMMISSIONER)
    answer = service.http.get("/metrics", params=query, headers=as_commissioner)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["period"]["label"] == month
    referrals = {f["group"]: f for f in body["figures"] if f["metric"] == "referrals"}
    assert referrals["all"]["suppressed"] or referrals["all"]["value"] >= 5
    assert case_id not in answer.text

    as_csv = service.http.get(
        "/metrics", params=query, headers=as_commissioner | {"Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["metric"], r["group"]) for r in rows] == [
        (f["metric"], f["group"]) for f in body["figures"]
    ]

    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "metrics",
            "export",
            "--period",
            month,
            "--known-at",
            known_at,
        ],
        env=os.environ | service.env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert exported.stdout.decode() == as_csv.text  # the same figures, the same report


def test_metrics_refuse_a_bad_period_and_callers_who_may_not_see_them(
    service: RunningService,
) -> None:
    bad = service.http.get(
        "/metrics", params={"period": "2026-Q5"}, headers=service.bearer(COMMISSIONER)
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "period", "rule": "year_quarter_or_month"}]
    backwards = service.http.get(
        "/metrics",
        params={"from": "2026-06-30", "to": "2026-04-01"},
        headers=service.bearer(COMMISSIONER),
    )
    assert backwards.json()["errors"] == [{"field": "to", "rule": "not_before_from"}]
    refused = service.http.get(
        "/metrics", params={"period": "2026"}, headers=service.as_("key_worker", "kw-1")
    )
    assert refused.status_code == 403
