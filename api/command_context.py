"""What every command request carries besides its body: who, Idempotency-Key, If-Match."""

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse

from api.policy import Authorised, Identify, authorised, principal
from domain.errors import InvalidValue
from services.commands import Command, Outcome

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
# A version as its ETag gives it ("3", or weak W/"3"); a bare 3 is taken too.
ETAG = re.compile(r'(?:W/)?"(\d{1,18})"|(\d{1,18})')


async def fingerprint(request: Request) -> str:
    """Identifies a request, whatever the spacing or key order of its JSON body."""
    raw = await request.body()
    try:
        body = json.dumps(json.loads(raw), sort_keys=True) if raw else ""
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return hashlib.sha256(f"{request.method} {request.url.path}\n{body}".encode()).hexdigest()


def expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip(" \t") == "*":
        return None
    match = ETAG.fullmatch(if_match.strip(" \t"))
    if match is None:
        raise InvalidValue("If-Match", "etag", 'If-Match must be a version in quotes, e.g. "3"')
    return int(match.group(1) or match.group(2))


def command_for(action: str, identify: Identify = principal) -> Callable[..., Awaitable[Command]]:
    """A dependency: the Command envelope for `action`, once the caller is allowed it."""

    async def envelope(
        request: Request,
        granted: Annotated[Authorised, Depends(authorised(action, identify))],
        idempotency_key: Annotated[str | None, Header()] = None,
        if_match: Annotated[str | None, Header()] = None,
    ) -> Command:
        if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
            raise InvalidValue(
                "Idempotency-Key", "printable_up_to_200", "use up to 200 printable characters"
            )
        caller = granted.caller
        return Command(
            actor=caller.user,
            role=caller.role,
            idempotency_key=idempotency_key,
            # Only a retry needs telling apart from a reuse of its key. (A page's form, already
            # parsed, has no key and no body left to read.)
            fingerprint=await fingerprint(request) if idempotency_key is not None else "",
            expected_version=expected_version(if_match),
            loaded=granted.case,
        )

    return envelope


def accepted(outcome: Outcome, id_field: str, status: int = 200, **more: object) -> JSONResponse:
    body = {
        id_field: str(outcome.aggregate_id),
        "version": outcome.version,
        "event_ids": [str(event_id) for event_id in outcome.event_ids],
        **more,
    }
    headers = {"ETag": f'"{outcome.version}"', "X-Event-Position": str(outcome.position)}
    return JSONResponse(body, status_code=status, headers=headers)
