"""Whatever a client sends, generated from the OpenAPI document the service serves, with every
check schemathesis has (`--checks all`): never a 5xx, every refusal a problem+json, nothing
written for a refused request, every answer as the document declares it, every request the
document allows accepted unless it breaks a rule the document describes on the problem's `rule`;
then the stateful phase, following the document's links from a referral through its case."""

import uuid
from typing import Any

import psycopg
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

from api.app import create_app
from api.auth import Principal
from api.openapi import BEYOND
from services.settings import Settings
from tests.e2e.conftest import RunningService

REQUEST_SECONDS = 60
EXAMPLES_PER_OPERATION = 10  # about 700 requests over the API's operations
# The stateful phase: scenarios of a few linked steps each, from a referral on.
SCENARIOS, STEPS = 15, 6
FUZZER = Principal(f"fuzzer-{uuid.uuid4()}", "coordinator", area="norfolk")
# What a request the document allows may be answered with (schemathesis's own list, less 5xx).
ACCEPTED = {401, 403, 404, 409, 429}
# Every check, but schemathesis's `positive_data_acceptance` is `refused_only_beyond_the_schema`
# below: as strict for every rule a schema can state, and knowing the ones no schema can.
# The stateful phase follows the document's own links only, not those schemathesis infers.
CONFIG = {
    "checks": {"positive_data_acceptance": {"enabled": False}},
    "phases": {"stateful": {"inference": {"algorithms": []}}},
}
SETTINGS = settings(
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI reproduces here
    suppress_health_check=list(HealthCheck),
    database=None,
)


@schemathesis.check
def refused_only_beyond_the_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request the document allows is accepted, or refused for a rule the document describes
    as beyond what a schema can state (the record, the day, or another field)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if is_unexpected_http_status_case(case) or response.status_code < 400:
        return None
    if response.status_code in ACCEPTED:
        return None
    rules = {error["rule"] for error in response.json().get("errors", [])}
    if response.status_code != 422 or not rules or not rules <= set(BEYOND):
        raise AssertionError(
            f"a request the document allows was refused with {response.status_code} for "
            f"{sorted(rules - set(BEYOND))}, rules the document could state"
        )
    return True


# The document, made from the same routes and settings as the service's (they need no running
# service to be made: the first test checks that it is the one served).
DOCUMENT = create_app(*[None] * 5, Settings()).openapi()  # type: ignore[arg-type]
schema = schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_dict(CONFIG))


def test_the_document_checked_is_the_one_served(service: RunningService) -> None:
    assert service.http.get("/openapi.json").json() == DOCUMENT


def written_by_fuzzer(service: RunningService) -> int:
    with psycopg.connect(service.env["KEYWORK_DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM keywork_events WHERE position(%s in state) > 0",
            (FUZZER.user.encode(),),
        ).fetchone()
    return int(row[0]) if row else 0


@schema.parametrize()
@settings(SETTINGS, max_examples=EXAMPLES_PER_OPERATION)
def test_no_request_gets_a_5xx_or_writes_when_refused(case: Any, service: RunningService) -> None:
    before = written_by_fuzzer(service)
    # Every check: status, content type, headers and body as declared, and the rest.
    # A minute, not schemathesis's 10 s: printing a few hundred questionnaires can take longer on
    # a machine the suite's other worker keeps busy.
    response = case.call_and_validate(
        base_url=service.base_url, headers=service.bearer(FUZZER), timeout=REQUEST_SECONDS
    )
    if response.status_code >= 400:
        # schemathesis gives each header as a list of its values
        assert response.headers.get("content-type") == ["application/problem+json"], response.text
        assert written_by_fuzzer(service) == before, (case.method, case.path)


def test_following_the_links_from_a_referral_keeps_to_the_document(
    service: RunningService,
) -> None:
    linked = DOCUMENT["paths"]["/referrals"]["post"]["responses"]["201"]["links"]
    walked = schema.include(operation_id=["refer", *linked])

    reached: list[str] = []

    class Walk(walked.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": service.base_url, "headers": service.bearer(FUZZER)}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            if case.path != "/referrals" and response.status_code < 300:
                reached.append(f"{case.method} {case.path}")

    Walk.run(settings=settings(SETTINGS, max_examples=SCENARIOS, stateful_step_count=STEPS))
    # The links were followed: a case made by a referral answered (a made-up id is a 403).
    assert reached
