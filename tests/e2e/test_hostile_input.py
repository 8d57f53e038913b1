"""Whatever a client sends, generated from our own OpenAPI document: never a 5xx, every refusal
a problem+json, nothing written for a refused request, and every answer as the document
declares it."""

import uuid
from typing import Any

import psycopg
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.auth import Principal
from services.settings import Settings
from tests.e2e.conftest import RunningService

EXAMPLES_PER_OPERATION = 20  # about 1,000 requests over the API's operations
# What the document promises of each response. The rules a schema-valid request can still break
# are not all stated in the schema yet (issue 24), so the checks on what is accepted are not here.
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZER = Principal(f"fuzzer-{uuid.uuid4()}", "coordinator", area="norfolk")


# The document the service serves, made from the same routes (they need no running service).
schema = schemathesis.openapi.from_dict(
    create_app(*[None] * 5, Settings()).openapi()  # type: ignore[arg-type]
)


def written_by_fuzzer(service: RunningService) -> int:
    with psycopg.connect(service.env["KEYWORK_DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM keywork_events WHERE position(%s in state) > 0",
            (FUZZER.user.encode(),),
        ).fetchone()
    return int(row[0]) if row else 0


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI reproduces here
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_5xx_or_writes_when_refused(case: Any, service: RunningService) -> None:
    before = written_by_fuzzer(service)
    response = case.call(base_url=service.base_url, headers=service.bearer(FUZZER))
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        # schemathesis gives each header as a list of its values
        assert response.headers.get("content-type") == ["application/problem+json"], response.text
        assert written_by_fuzzer(service) == before, (case.method, case.path)
    # Every status, content type, header and body as the document declares them.
    case.validate_response(response, checks=CONFORMANCE)
