"""The contract's own check, for schemathesis run from the command line (`schemathesis.toml`
loads this file as its hooks) and for the suite (`tests/e2e/test_hostile_input.py`).

schemathesis's `positive_data_acceptance` fails a request the document allows that is refused
with a 422. Some of our rules no schema can state (the record, the day, another field), and the
document describes them instead (`api/openapi.BEYOND`). `schemathesis.toml` lets that check take
a 422, and this one judges each: refused only for rules the document describes.
"""

from typing import Any

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

from api.openapi import BEYOND

# What a request the document allows may be answered with (schemathesis's own list, less 5xx).
ACCEPTED = {401, 403, 404, 409, 429}


@schemathesis.check
def refused_only_beyond_the_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request the document allows is accepted, or refused for a rule the document describes
    as beyond what a schema can state."""
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
