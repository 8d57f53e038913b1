"""Signing in with the organisation's account: the service run beside a real OpenID provider
(panva's oidc-provider, tests/oidc/provider.mjs), people signing in through its own login page
in Chromium, and callers of the API bringing its access tokens."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from store.database import Database
from store.embedded_postgres import free_port
from tests.e2e.bodies import CHILD_NAME, MEETS_NORFOLK, referral, today
from tests.e2e.browsing import PAGE_WAIT_SECONDS, checked, click_through, text_of
from tests.e2e.conftest import RunningService, running_service
from tests.oidc_provider import OidcProvider, access_token, new_keys, running_provider

TEAM = "oidc-team"
KEY_WORKER_EMAIL = "kw@council.example"
MANAGER_EMAIL = "manager@council.example"
LEAVER_EMAIL = "leaver@council.example"
# The provider's role names, mapped to ours by the service's settings.
ROLE_MAP = {"KeyWorker": "key_worker", "TeamManager": "manager"}
ACCOUNTS = {
    "kw": {"email": KEY_WORKER_EMAIL, "roles": ["KeyWorker"], "area": "norfolk"},
    "manager": {"email": MANAGER_EMAIL, "roles": ["TeamManager", "Staff"], "area": "norfolk"},
    "stranger": {"email": "stranger@council.example", "roles": ["KeyWorker"], "area": "norfolk"},
    "visitor": {"email": KEY_WORKER_EMAIL.upper(), "roles": ["Visitor"], "area": "norfolk"},
    "leaver": {"email": LEAVER_EMAIL, "roles": ["KeyWorker"], "area": "norfolk"},
}


class Site:
    def __init__(self, service: RunningService, provider: OidcProvider) -> None:
        self.service = service
        self.provider = provider
        self.key_worker = self.practitioner("Kim Keyworker", KEY_WORKER_EMAIL)
        self.manager = self.practitioner("Mo Manager", MANAGER_EMAIL)
        self.leaver = self.practitioner("Lee Leaver", LEAVER_EMAIL)
        self.case_id = self.case_for(self.key_worker)

    def practitioner(self, name: str, email: str) -> str:
        agency = self.service.post(
            "/agencies", {"name": "Children's services", "sector": "social_care"}
        )
        body = {
            "name": name,
            "role_title": "Key worker",
            "agency_id": agency.json()["agency_id"],
            "email": email,
            "team_id": TEAM,
        }
        created = self.service.post("/practitioners", body)
        assert created.status_code == 201, created.text
        return str(created.json()["practitioner_id"])

    def case_for(self, key_worker: str) -> str:
        case_id = self.service.post("/referrals", referral()).json()["case_id"]
        assert self.service.post(f"/cases/{case_id}/eligibility", MEETS_NORFOLK).status_code == 200
        allocation = {"kind": "designated", "from": today(), "practitioner_id": key_worker}
        allocated = self.service.post(f"/cases/{case_id}/key-worker", allocation)
        assert allocated.status_code == 200
        # Signing in finds the practitioner by email in the key working read model: wait for it.
        shown = self.service.http.get(
            f"/cases/{case_id}/key-worker",
            params={"min_position": allocated.headers["X-Event-Position"]},
            headers=self.service.as_(),
        )
        assert shown.status_code == 200, shown.text
        return str(case_id)


@pytest.fixture(scope="module")
def site(database: Database, broker: str) -> Iterator[Site]:
    port = free_port()
    pages = f"http://127.0.0.1:{port}/ui"
    with running_provider(ACCOUNTS, [f"{pages}/signed-in"], [f"{pages}/signed-out"]) as provider:
        oidc = {
            "KEYWORK_OIDC_ISSUER": provider.issuer,
            "KEYWORK_OIDC_CLIENT_ID": provider.client_id,
            "KEYWORK_OIDC_CLIENT_SECRET": provider.client_secret,
            "KEYWORK_OIDC_AUDIENCE": provider.audience,
            "KEYWORK_OIDC_ROLE_MAP": json.dumps(ROLE_MAP),
            # Even a demo does not take pasted tokens beside a provider.
            "KEYWORK_DEMO": "1",
        }
        with running_service(database, "keywork_oidc", broker, port, **oidc) as service:
            yield Site(service, provider)


def sign_in_at_provider(browser: WebDriver, site: Site, login: str) -> None:
    """From a signed-out browser: our sign-in page, then the provider's login and consent."""
    browser.delete_all_cookies()
    browser.get(f"{site.service.base_url}/ui")
    assert browser.current_url.endswith("/ui/sign-in")
    assert browser.find_elements(By.ID, "token") == []  # no pasted tokens beside a provider
    click_through(browser, By.LINK_TEXT, "Sign in with your organisation")
    assert browser.current_url.startswith(f"{site.provider.issuer}/interaction/")
    browser.find_element(By.NAME, "login").send_keys(login)
    browser.find_element(By.NAME, "password").send_keys("any password")
    click_through(browser, By.CSS_SELECTOR, "button[type=submit]")
    if browser.current_url.startswith(site.provider.issuer):  # the consent form
        click_through(browser, By.CSS_SELECTOR, "button[type=submit]")
    # The provider's answer passes through pages of its own before ours: until ours has loaded,
    # a new address would cut the sign-in short (seen once: an empty page).
    WebDriverWait(browser, PAGE_WAIT_SECONDS).until(
        lambda page: (
            page.current_url.startswith(f"{site.service.base_url}/ui/")
            and page.execute_script("return document.readyState") == "complete"
        )
    )


def test_a_key_worker_signs_in_with_their_account_and_lands_on_their_caseload(
    browser: WebDriver, site: Site
) -> None:
    sign_in_at_provider(browser, site, "kw")
    assert browser.current_url.endswith(f"/ui/caseloads/{site.key_worker}")
    assert CHILD_NAME in text_of(browser, "main")
    checked(browser, "provider-caseload")
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    session = cookies["keywork_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax" and session["path"] == "/ui"


def test_signing_out_ends_both_sessions_and_back_shows_nothing_personal(
    browser: WebDriver, site: Site
) -> None:
    sign_in_at_provider(browser, site, "kw")
    browser.get(f"{site.service.base_url}/ui/cases/{site.case_id}")
    # Its source read mid-load came back empty once in a fresh run: read until the page is whole.
    WebDriverWait(browser, PAGE_WAIT_SECONDS).until(lambda page: CHILD_NAME in page.page_source)
    click_through(browser, By.CSS_SELECTOR, "form[action='/ui/sign-out'] button")
    # The provider asks the person to confirm they are signing out there too.
    assert browser.current_url.startswith(f"{site.provider.issuer}/session/end")
    click_through(browser, By.CSS_SELECTOR, "button[name=logout][value=yes]")
    assert "/ui/signed-out" in browser.current_url
    checked(browser, "provider-signed-out")
    for _ in range(3):
        browser.back()
        assert CHILD_NAME not in browser.page_source, browser.current_url
    # The provider's session is over too: signing in again asks for the login.
    browser.get(f"{site.service.base_url}/ui/sign-in/organisation")
    assert browser.find_elements(By.NAME, "login") != []


def test_a_person_with_no_practitioner_record_is_refused(browser: WebDriver, site: Site) -> None:
    sign_in_at_provider(browser, site, "stranger")
    assert text_of(browser, "h1") == "You cannot use this service yet"
    assert "not linked to a practitioner" in text_of(browser, "main")
    checked(browser, "provider-no-practitioner")
    browser.get(f"{site.service.base_url}/ui")
    assert browser.current_url.endswith("/ui/sign-in")


def test_a_person_whose_roles_are_not_ours_is_refused(browser: WebDriver, site: Site) -> None:
    sign_in_at_provider(browser, site, "visitor")
    assert "no role in this service" in text_of(browser, "main")


def test_a_managers_roles_claim_gives_the_team_pages(browser: WebDriver, site: Site) -> None:
    sign_in_at_provider(browser, site, "manager")
    assert browser.current_url.endswith(f"/ui/teams/{TEAM}")
    assert "Team caseloads" in text_of(browser, "nav")
    assert "Kim Keyworker" in text_of(browser, "main")


def test_a_pasted_token_does_not_sign_in_beside_a_provider(site: Site) -> None:
    with httpx.Client(base_url=site.service.base_url) as client:
        client.get("/ui/sign-in")
        form = {"token": site.service.token("coordinator"), "csrf": client.cookies["keywork_csrf"]}
        refused = client.post("/ui/sign-in", data=form)
        demo = client.post("/ui/sign-in", data={"demo_user": "coordinator"} | form)
    for response in (refused, demo):
        assert response.status_code == 403
        assert "signs people in with their organisation" in response.text
        assert "keywork_session" not in response.headers.get("set-cookie", "")


def test_the_api_takes_the_providers_access_token(site: Site) -> None:
    token = access_token(site.provider, "kw")["access_token"]
    case = site.service.http.get(f"/cases/{site.case_id}", headers=bearer(token))
    assert case.status_code == 200, case.text
    other = site.case_for(site.manager)
    refused = site.service.http.get(f"/cases/{other}", headers=bearer(token))
    assert refused.status_code == 403  # the key worker is who the token says, and no more


def test_a_valid_token_for_someone_with_no_practitioner_is_forbidden(site: Site) -> None:
    token = access_token(site.provider, "stranger")["access_token"]
    refused = site.service.http.get(f"/cases/{site.case_id}", headers=bearer(token))
    assert refused.status_code == 403
    assert "not linked to a practitioner" in refused.json()["detail"]


def test_a_practitioner_who_has_left_the_agency_is_let_in_no_longer(site: Site) -> None:
    token = access_token(site.provider, "leaver")["access_token"]
    case_id = site.case_for(site.leaver)
    assert site.service.http.get(f"/cases/{case_id}", headers=bearer(token)).status_code == 200
    leaving = {"on": today(), "reason": "moved to another council"}
    left = site.service.post(f"/practitioners/{site.leaver}/leaving", leaving)
    assert left.status_code == 200, left.text
    refused = site.service.http.get(f"/cases/{case_id}", headers=bearer(token))
    assert refused.status_code == 403
    assert "left the agency" in refused.json()["detail"]


def test_tokens_the_provider_did_not_issue_for_us_are_refused(site: Site) -> None:
    provider = site.provider
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": provider.audience,
        "sub": "kw",
        "email": KEY_WORKER_EMAIL,
        "roles": ["KeyWorker"],
        "area": "norfolk",
        "iat": now,
        "exp": now + 300,
    }
    rsa_key = provider.keys["rsa-1"]
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signed = _signer(rsa_key, "rsa-1")
    refused = {
        "expired": signed(claims | {"iat": now - 7200, "exp": now - 3600}),
        "not yet valid": signed(claims | {"nbf": now + 3600}),
        "wrong audience": signed(claims | {"aud": "another-api"}),
        "wrong issuer": signed(claims | {"iss": "http://127.0.0.1:1"}),
        "unknown key": _signer(new_keys()["rsa-1"], "rsa-unknown")(claims),
        "alg none": _unsigned(claims, {"alg": "none", "kid": "rsa-1"}),
        "HS256 with the public key": _hmac_signed(claims, public_pem),
    }
    # The same claims, properly signed, are let in: each refusal is for its one fault.
    assert site.service.http.get(
        f"/cases/{site.case_id}", headers=bearer(signed(claims))
    ).is_success
    for kind, token in refused.items():
        response = site.service.http.get(f"/cases/{site.case_id}", headers=bearer(token))
        assert response.status_code == 401, kind
        assert response.headers["content-type"] == "application/problem+json", kind
        assert response.json()["detail"] == "the bearer token is not valid", kind


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _signer(key: Any, kid: str) -> Any:
    return lambda claims: jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any], header: dict[str, str]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _hmac_signed(claims: dict[str, Any], secret: bytes) -> str:
    """HS256 keyed with the provider's public key: the old algorithm-confusion attack."""
    body = _unsigned(claims, {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"})[:-1]
    signature = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(signature)}"


def test_a_return_from_the_provider_that_this_browser_did_not_start_is_refused(
    site: Site,
) -> None:
    for query in ("code=stolen&state=made-up", "error=access_denied&state=made-up", ""):
        response = site.service.http.get(f"/ui/signed-in?{query}")
        assert response.status_code == 401, query
        assert "Sign-in did not work" in response.text
        assert "keywork_session" not in response.headers.get("set-cookie", "")


def test_the_pages_forms_may_go_to_the_provider_and_nowhere_else(site: Site) -> None:
    policy = site.service.http.get("/ui/sign-in").headers["content-security-policy"]
    assert f"form-action 'self' {site.provider.issuer};" in policy
