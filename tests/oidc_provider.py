"""A real OpenID Connect provider for the tests: panva's oidc-provider, run by Node.

`running_provider` starts `tests/oidc/provider.mjs` on 127.0.0.1 with freshly made keys (or
the keys given), and `access_token` signs a person in through the provider's own login and
consent forms, without a browser, and exchanges the code for tokens.
"""

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from store.embedded_postgres import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROVIDER_SCRIPT = PROJECT_ROOT / "tests" / "oidc" / "provider.mjs"
START_SECONDS = 20.0
STOP_SECONDS = 10.0

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str
    audience: str
    redirect_uri: str
    keys: dict[str, PrivateKey]
    public_jwks: dict[str, Any]
    discovery: dict[str, Any]
    process: subprocess.Popen[bytes]

    @property
    def jwks_uri(self) -> str:
        return str(self.discovery["jwks_uri"])


def new_keys() -> dict[str, PrivateKey]:
    """An RSA key ("rsa-1", RS256) and an EC P-256 key ("ec-1", ES256), keyed by kid."""
    return {
        "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec-1": ec.generate_private_key(ec.SECP256R1()),
    }


def _jwk(kid: str, key: PrivateKey, private: bool) -> dict[str, Any]:
    material: Any = key if private else key.public_key()
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = dict(RSAAlgorithm.to_jwk(material, as_dict=True))
        alg = "RS256"
    else:
        jwk = dict(ECAlgorithm.to_jwk(material, as_dict=True))
        alg = "ES256"
    # PyJWT marks a private RSA key's JWK "key_ops": ["sign"], which the provider would then
    # publish, and a strict relying party (joserfc) would refuse to verify with.
    jwk.pop("key_ops", None)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


@contextmanager
def running_provider(
    accounts: dict[str, dict[str, Any]],
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    audience: str = "keywork-api",
    access_token_alg: str = "RS256",
    port: int | None = None,
    keys: Mapping[str, PrivateKey] | None = None,
) -> Iterator[OidcProvider]:
    """Run the provider until the block ends, then stop exactly that process.

    `accounts` maps a login name to its claims (email, roles, area, team); any other login
    name signs in too, with only `sub`. Pass the same `port` and other `keys` to restart a
    provider under the same issuer with a new key set.
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on the PATH; the OIDC provider needs it")
    port = free_port() if port is None else port
    issuer = f"http://127.0.0.1:{port}"
    private_keys = dict(new_keys() if keys is None else keys)
    client_id = "keywork"
    client_secret = secrets.token_urlsafe(32)
    config = {
        "issuer": issuer,
        "port": port,
        "client": {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": post_logout_redirect_uris,
        },
        "accounts": accounts,
        "jwks": {"keys": [_jwk(kid, key, private=True) for kid, key in private_keys.items()]},
        "audience": audience,
        "access_token_alg": access_token_alg,
    }
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        config_path = Path(folder) / "config.json"
        config_path.write_text(json.dumps(config))
        log_path = Path(folder) / "provider.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT), str(config_path)],
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            discovery = _wait_for_discovery(issuer, process, log_path)
            yield OidcProvider(
                issuer=issuer,
                client_id=client_id,
                client_secret=client_secret,
                audience=audience,
                redirect_uri=redirect_uris[0],
                keys=private_keys,
                public_jwks={
                    "keys": [_jwk(kid, key, private=False) for kid, key in private_keys.items()]
                },
                discovery=discovery,
                process=process,
            )
        finally:
            _stop(process)


def _wait_for_discovery(
    issuer: str, process: subprocess.Popen[bytes], log_path: Path
) -> dict[str, Any]:
    url = f"{issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the OIDC provider exited with {process.returncode}:\n"
                + log_path.read_text(errors="replace")
            )
        try:
            response = httpx.get(url, timeout=1.0)
            if response.status_code == 200:
                discovery: dict[str, Any] = response.json()
                return discovery
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"the OIDC provider did not answer at {url} within {START_SECONDS:.0f} s:\n"
        + log_path.read_text(errors="replace")
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_SECONDS)


class _Forms(HTMLParser):
    """The forms of a page: action, and the hidden fields inside or attached by `form=`."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        self._open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            form: dict[str, Any] = {"action": attributes.get("action", ""), "fields": {}}
            self.forms.append(form)
            self._by_id[attributes.get("id", "")] = form
            self._open = form
        elif tag == "input" and attributes.get("type") == "hidden":
            owner = self._by_id.get(attributes.get("form", ""), self._open)
            if owner is not None and "name" in attributes:
                owner["fields"][attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def page_form(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the one form on a provider's page."""
    parser = _Forms()
    parser.feed(html)
    if len(parser.forms) != 1:
        raise AssertionError(f"expected one form on the provider's page, found:\n{html}")
    form = parser.forms[0]
    return str(form["action"]), dict(form["fields"])


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _is_redirect_uri(location: str, redirect_uri: str) -> bool:
    target, registered = urlsplit(location), urlsplit(redirect_uri)
    return (target.scheme, target.netloc, target.path) == (
        registered.scheme,
        registered.netloc,
        registered.path,
    )


def authorization_code(
    provider: OidcProvider,
    login: str,
    http: httpx.Client,
    scope: str = "openid email roles",
) -> tuple[str, str, str]:
    """Sign `login` in through the provider's forms; the code, its PKCE verifier and nonce.

    Follows the provider's own redirects with `http` (its cookies keep the provider's
    session) and stops at the redirect to the client's redirect_uri, which is not fetched.
    """
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(16)
    response = http.get(
        provider.discovery["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": provider.redirect_uri,
            "scope": scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": _s256(verifier),
            "code_challenge_method": "S256",
            # Always show the login form, so a session kept in `http` never stands in for `login`.
            "prompt": "login",
        },
    )
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if _is_redirect_uri(location, provider.redirect_uri):
                query = _query(location)
                if "error" in query:
                    raise AssertionError(f"the provider refused the authorization: {query}")
                if query.get("state") != state:
                    raise AssertionError(f"state mismatch in {location}")
                if query.get("iss", provider.issuer) != provider.issuer:
                    raise AssertionError(f"iss mismatch in {location}")
                return query["code"], verifier, nonce
            response = http.get(location)
        elif response.status_code == 200:
            # devInteractions: a login form (prompt=login) then a consent form (prompt=consent).
            action, fields = page_form(response.text)
            if fields.get("prompt") == "login":
                fields |= {"login": login, "password": "any"}
            response = http.post(urljoin(str(response.url), action), data=fields)
        else:
            raise AssertionError(
                f"unexpected {response.status_code} from {response.url}:\n{response.text}"
            )
    raise AssertionError("the provider never redirected back to the client")


def access_token(
    provider: OidcProvider,
    login: str,
    scope: str = "openid email roles",
    http: httpx.Client | None = None,
) -> dict[str, Any]:
    """The token response (access_token, id_token, ...) for `login`, by a real code flow.

    Pass `http` to keep the provider's session cookie afterwards (e.g. to sign out).
    """
    if http is None:
        with httpx.Client(timeout=10.0) as client:
            return access_token(provider, login, scope, client)
    code, verifier, nonce = authorization_code(provider, login, http, scope)
    response = http.post(
        provider.discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": provider.redirect_uri,
            "code_verifier": verifier,
        },
        auth=(provider.client_id, provider.client_secret),
    )
    if response.status_code != 200:
        raise AssertionError(f"token endpoint answered {response.status_code}: {response.text}")
    tokens: dict[str, Any] = response.json()
    id_claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    if id_claims.get("nonce") != nonce or id_claims.get("sub") != login:
        raise AssertionError(f"the ID token is not for this sign-in: {id_claims}")
    return tokens
