"""Whatever a client sends, generated from the OpenAPI document the service serves, with every
check schemathesis has (`--checks all`): never a 5xx, every refusal a problem+json, nothing
written for a refused request, every answer as the document declares it, every request the
document allows accepted unless it breaks a rule the document describes on the problem's `rule`;
then the stateful phase, following the document's links from a referral through its case."""

import tomllib
import uuid
from pathlib import Path
from typing import Any

import psycopg
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

import tests.contract_checks  # noqa: F401  (registers the contract's own check)
from api.app import create_app
from api.auth import Principal
from services.settings import Settings
from tests.e2e.conftest import RunningService

REQUEST_SECONDS = 60
EXAMPLES_PER_OPERATION = 10  # about 700 requests over the API's operations
# The stateful phase: scenarios of a few linked steps each, from a referral on.
SCENARIOS, STEPS = 15, 6
CHECKED = tomllib.loads((Path(__file__).parents[2] / "schemathesis.toml").read_text())
FUZZER = Principal(f"fuzzer-{uuid.uuid4()}", "coordinator", area="norfolk")
# The checks `schemathesis run` takes from schemathesis.toml, whose own check this module registers
# on import (the file's `hooks` are for the command line). The stateful phase here follows the
# document's own links only, not those schemathesis infers.
CONFIG = {
    **{key: value for key, value in CHECKED.items() if key != "hooks"},
    "phases": {"stateful": {"inference": {"algorithms": []}}},
}
SETTINGS = settings(
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI reproduces here
    suppress_health_check=list(HealthCheck),
    database=None,
)


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
    # From a referral to what it links to (a plan's and a review's links lead further, but as
    # sources of links of their own they would be where the walks start, on made-up cases).
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
