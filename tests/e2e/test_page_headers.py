"""Every page tells the browser what it may do with it (api/web/headers.py): each page the app
serves, opened as someone allowed it, and the pages that refuse, fail or redirect."""

import asyncio

import httpx
from fastapi.routing import APIRoute

from api.app import create_app
from api.web.headers import content_security_policy
from api.web.install import ROUTERS
from services.settings import Settings
from tests.e2e.bodies import case_with_a_letter, key_worker_of, new_active_case
from tests.e2e.conftest import MANAGERS_TEAM, RunningService

EXPECTED = {
    "content-security-policy": content_security_policy(),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
REDIRECTS = {"/ui", "/ui/go"}
# Signing in with an organisation's account: no such thing here, where no provider is set.
WITH_A_PROVIDER = {"/ui/sign-in/organisation", "/ui/signed-in"}
NOT_A_TOKEN = "not-a-questionnaire-link"


# Pages a coordinator may not open, and who opens them here instead.
OPENED_AS = {
    "/ui/cases/{case_id}/significant-events": "key_worker",
    "/ui/cases/{case_id}/closure-audit": "manager",
    "/ui/erasure": "admin",
}


def page_paths(values: dict[str, str]) -> list[tuple[str, str]]:
    """Every page the app serves (GET under /ui), its parameters filled from `values`, with the
    role that opens it: a new page with a parameter this test does not know fails here until it
    is given one."""
    return [
        (route.path.format(**values), OPENED_AS.get(route.path, "coordinator"))
        for pages in ROUTERS
        for route in pages.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    ]


def signed_in(
    service: RunningService, role: str = "coordinator", user: str = "coordinator-1"
) -> dict[str, str]:
    return {"Cookie": service.page_session(role, user)}


def assert_page_headers(response_headers: dict[str, str], where: str) -> None:
    for name, value in EXPECTED.items():
        assert response_headers.get(name) == value, (where, name)
    policy = response_headers["permissions-policy"]
    assert "camera=()" in policy and "geolocation=()" in policy, where
    assert "'unsafe-inline'" not in response_headers["content-security-policy"]


def test_every_page_carries_the_headers(service: RunningService) -> None:
    case_id, letter_id = case_with_a_letter(service, "3 Lane, Norwich, NR1 1AA")
    values = {
        "case_id": case_id,
        "practitioner_id": key_worker_of(service, case_id),
        "team_id": MANAGERS_TEAM,
        "token": NOT_A_TOKEN,
        "letter_id": letter_id,
    }
    sessions = {
        "coordinator": signed_in(service),
        "key_worker": signed_in(service, "key_worker", values["practitioner_id"]),
        "manager": signed_in(service, "manager", "manager-headers"),
        "admin": signed_in(service, "admin", "admin-headers"),
    }
    paths = page_paths(values)
    assert len(paths) >= 10 and (f"/ui/cases/{case_id}", "coordinator") in paths
    for path, role in paths:
        page = service.http.get(path, headers=sessions[role])
        if path in REDIRECTS:
            assert page.status_code == 303, path
        elif path in WITH_A_PROVIDER:
            assert page.status_code == 404, path
        elif path == f"/ui/feedback/{NOT_A_TOKEN}":
            assert page.status_code == 422, path
        else:
            assert page.status_code == 200, (path, page.status_code)
        assert_page_headers(page.headers, path)


def test_refusals_and_failures_carry_them_too(service: RunningService) -> None:
    case_id = new_active_case(service)
    signed_out = service.http.get(f"/ui/cases/{case_id}")
    assert signed_out.status_code == 303
    assert_page_headers(signed_out.headers, "signed out")
    elsewhere = signed_in(service, "key_worker", "kw-elsewhere")
    refused = service.http.get(f"/ui/cases/{case_id}", headers=elsewhere)
    assert refused.status_code == 403
    assert_page_headers(refused.headers, "refused")
    missing = service.http.get("/ui/no-such-page", headers=elsewhere)
    assert missing.status_code == 404
    assert_page_headers(missing.headers, "not found")


def test_over_https_pages_ask_for_https_only_and_the_api_is_left_alone() -> None:
    plain, secure, api = asyncio.run(
        answers("http://keywork/ui/sign-in", "https://keywork/ui/sign-in", "https://keywork/docs")
    )
    assert_page_headers(plain.headers, "sign in")
    assert "strict-transport-security" not in plain.headers
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    # The interactive API docs run scripts of their own: the pages' policy is not theirs.
    assert api.status_code == 200 and "content-security-policy" not in api.headers


async def answers(*urls: str) -> list[httpx.Response]:
    """What the app answers, in process: the sign-in page and the docs need no store."""
    app = create_app(*[None] * 5, Settings())  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        return [await client.get(url) for url in urls]
