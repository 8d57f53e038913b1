"""A client generated from the document the service serves, as an integrator would make one
(`openapi-python-client`), walks a case from referral to closure, and reads each refusal as the
typed Problem the document declares. It is made in a temporary folder, never committed."""

import importlib
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.bodies import MEETS_NORFOLK, referral, today
from tests.e2e.conftest import MANAGERS_TEAM, RunningService

PACKAGE = "keywork_client"


@pytest.fixture(scope="module")
def client(service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The generated package, and a client of it signed in as a coordinator."""
    folder = tmp_path_factory.mktemp("generated")
    document = folder / "openapi.json"
    document.write_bytes(service.http.get("/openapi.json").content)
    generate = ["generate", "--path", str(document), "--output-path", str(folder / PACKAGE)]
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", *generate, "--meta", "none"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        yield package.AuthenticatedClient(base_url=service.base_url, token=service.token())
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def generated(module: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{module}")


def model(name: str, body: dict[str, Any]) -> Any:
    """The generated model `name` (its module is the name in snake case) read from `body`."""
    module = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    return getattr(generated(f"models.{module}"), name).from_dict(body)


def call(operation: str, client: Any, **arguments: Any) -> Any:
    """The typed answer of the generated `operation` (`cases.refer`)."""
    return generated(f"api.{operation}").sync(client=client, **arguments)


def test_a_generated_client_walks_a_case_and_reads_refusals_as_problems(client: Any) -> None:
    problem = generated("models.problem").Problem
    referred = call("cases.refer", client, body=model("ReferralIn", referral()))
    case_id = referred.case_id
    assert referred.version == 1

    def on_case(operation: str, body_model: str, body: dict[str, Any], **more: Any) -> Any:
        body_of = model(body_model, body)
        return call(operation, client, case_id=case_id, body=body_of, **more)

    assert on_case("cases.eligibility", "EligibilityIn", MEETS_NORFOLK).version == 2
    agency = call(
        "practitioners_and_agencies.register_agency",
        client,
        body=model("AgencyIn", {"name": "Community paediatrics", "sector": "health"}),
    )
    worker = {
        "name": "Sam Keyworker",
        "role_title": "Designated key worker",
        "agency_id": str(agency.agency_id),
        "email": "sam@example.org",
        "team_id": MANAGERS_TEAM,
    }
    registered = call(
        "practitioners_and_agencies.register_practitioner",
        client,
        body=model("PractitionerIn", worker),
    )
    allocation = {"kind": "designated", "from": today()}
    allocation["practitioner_id"] = str(registered.practitioner_id)
    assert on_case("key_working.allocate_key_worker", "KeyWorkerIn", allocation).version == 3

    # A command decided on a version the case has moved on from: a typed 409.
    stale = on_case("cases.record_contact", "ContactIn", {"kind": "phone"}, if_match='"2"')
    assert isinstance(stale, problem)
    assert (stale.status, stale.current_version) == (409, 3)
    visit = {"kind": "home_visit"}
    assert on_case("cases.record_contact", "ContactIn", visit, if_match='"3"').version == 4

    # A planned ending without the family's agreement: a typed 422 naming the field and rule.
    unagreed = on_case("cases.close_case", "ClosureIn", {"reason": "needs_met"})
    assert isinstance(unagreed, problem)
    assert [(e.field, e.rule) for e in unagreed.errors] == [
        ("family_agreed", "required_for_a_planned_ending")
    ]
    agreed = {"reason": "needs_met", "family_agreed": True}
    assert on_case("cases.close_case", "ClosureIn", agreed).version == 5

    summary = call("cases.case_summary", client, case_id=case_id)
    assert (summary.status, summary.closure_reason) == ("closed", "needs_met")
