"""Bearer tokens (HS256): who the caller is, and their role, team and area."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt

from services.clock import utc_now
from services.permissions import ROLES, Role

ALGORITHM = "HS256"
DEFAULT_AREA = "norfolk"


@dataclass(frozen=True)
class Principal:
    user: str
    role: Role
    team: str | None = None
    area: str | None = None
    # For a downstream system: the event types (e.g. "KeyWorkerAllocated") it may read.
    grants: tuple[str, ...] = ()
    # For a downstream system: the OAuth scopes granted it (e.g. "system/*.read" for FHIR).
    scopes: tuple[str, ...] = ()


class InvalidToken(Exception):
    pass


def issue_token(principal: Principal, secret: str, hours: int, now: datetime | None = None) -> str:
    issued = now or utc_now()
    claims = {
        "sub": principal.user,
        "role": principal.role,
        "team": principal.team,
        "area": principal.area,
        "events": list(principal.grants),
        "scope": " ".join(principal.scopes),
        "iat": issued,
        "exp": issued + timedelta(hours=hours),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> Principal:
    """The caller a valid token names. A token is checked once, then remembered until it expires:
    its signature is a twentieth of a command's time, and a caller sends the same one a while."""
    caller, expires = _verified(token, secret)
    if expires <= utc_now().timestamp():
        raise InvalidToken("Signature has expired")
    return caller


@lru_cache(maxsize=1024)  # refusals raise, and so are never remembered
def _verified(token: str, secret: str) -> tuple[Principal, float]:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "role", "exp"]}
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from None
    if claims["role"] not in ROLES or not isinstance(claims["sub"], str):
        raise InvalidToken("unknown role")
    grants = claims.get("events") or []
    if not isinstance(grants, list) or not all(isinstance(g, str) for g in grants):
        raise InvalidToken("events must be a list of event types")
    scope = claims.get("scope") or ""
    if not isinstance(scope, str):
        raise InvalidToken("scope must be a space-separated string")
    caller = Principal(
        claims["sub"],
        claims["role"],
        claims.get("team"),
        claims.get("area"),
        tuple(grants),
        tuple(scope.split()),
    )
    return caller, float(claims["exp"])


def expiry_of(token: str) -> datetime:
    """When a token already read with `read_token` expires."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return datetime.fromtimestamp(claims["exp"], UTC)
