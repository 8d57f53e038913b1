"""Service metrics over HTTP and from the command line: the same figures, as JSON and CSV."""

import csv
import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx

from api.auth import Principal
from tests.e2e.bodies import MEETS_NORFOLK, new_active_case, new_case, new_practitioner
from tests.e2e.conftest import RunningService

COMMISSIONER = Principal("commissioner-1", "commissioner", area="norfolk")
CATCH_UP_SECONDS = 60


def every_read_model_caught_up(service: RunningService) -> None:
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while any(p["behind"] for p in service.http.get("/health").json()["projections"]):
        assert time.monotonic() < deadline, "the read models did not catch up"
        time.sleep(0.1)


def test_a_commissioner_reads_the_months_metrics_as_json_and_csv(
    service: RunningService,
) -> None:
    case_id = new_active_case(service)
    month = datetime.now(UTC).strftime("%Y-%m")
    known_at = datetime.now(UTC).isoformat()
    # What was recorded by `known_at` is all in the read models once they have caught up, and
    # only then does a later export of the same `known_at` see the same facts.
    every_read_model_caught_up(service)
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


def test_metrics_break_down_by_the_kind_of_key_worker(service: RunningService) -> None:
    """The DfES research brief aims "to compare the implementation and operation of different
    models of key worker services": in March 2021, before any other case of these tests, five
    cases with a non-designated key worker a week after referral."""
    for _ in range(5):
        case_id = new_case(service, occurred_at="2021-03-01T09:00:00+00:00")
        assert service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
        allocation = {
            "kind": "non_designated",
            "from": "2021-03-08",
            "practitioner_id": new_practitioner(service),
        }
        allocated = service.post(f"/cases/{case_id}/key-worker", allocation)
        assert allocated.status_code == 200, allocated.text
    query = {"period": "2021-03", "min_position": allocated.headers["X-Event-Position"]}
    as_commissioner = service.bearer(COMMISSIONER)

    def read(kind: str | None, **headers: str) -> httpx.Response:
        scope = {} if kind is None else {"key_worker_kind": kind}
        answer = service.http.get(
            "/metrics", params=query | scope, headers=as_commissioner | headers
        )
        assert answer.status_code == 200, answer.text
        return answer

    for kind, referrals, days in (
        (None, 5, 7.0),
        ("non_designated", 5, 7.0),
        ("designated", 0, None),
    ):
        body = read(kind).json()
        assert (body["area"], body["age_band"], body["key_worker_kind"]) == (None, None, kind)
        found = {(f["metric"], f["group"]): f["value"] for f in body["figures"]}
        assert found["referrals", "all"] == referrals
        assert found["referral_to_key_worker_days_median", "all"] == days
    rows = list(csv.DictReader(io.StringIO(read("non_designated", Accept="text/csv").text)))
    assert {row["key_worker_kind"] for row in rows} == {"non_designated"}

    refused = service.http.get(
        "/metrics",
        params={"period": "2021-03", "key_worker_kind": "lead_professional"},
        headers=as_commissioner,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in refused.json()["errors"]] == ["key_worker_kind"]
