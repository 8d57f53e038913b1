"""What every request must be, whatever route it takes: a body of a sane size, and text
parameters without NUL characters (PostgreSQL cannot store or compare one)."""

import json

from fastapi import Request
from starlette.types import Message, Receive, Scope, Send

from api.middleware import HttpMiddleware
from domain.errors import InvalidValue

# Far above any real command (a referral with its family is a few kilobytes).
MAX_BODY_BYTES = 256 * 1024


async def no_nul_in_parameters(request: Request) -> None:
    """A dependency of every route: refuses a NUL in a path or query parameter, by name.

    Dependencies that do no I/O are `async`: FastAPI runs a plain `def` one on a worker thread,
    a hop there and back for every request.
    """
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if isinstance(value, str) and "\x00" in value:
            raise InvalidValue(name, "no_nul_characters", f"{name} must not contain NUL")


class BodyTooLarge(Exception):
    pass


TOO_LARGE = f"a request body may be at most {MAX_BODY_BYTES} bytes"


class BodySizeLimit(HttpMiddleware):
    """Refuses a body larger than MAX_BODY_BYTES, as problem+json: at once when its length is
    declared, else as the bytes arrive (BodyTooLarge, answered by the error mapper)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _declared_length(scope) > MAX_BODY_BYTES:
            body = {
                "type": "urn:keywork:problem:too-large",
                "title": "Request too large",
                "status": 413,
                "detail": TOO_LARGE,
            }
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"application/problem+json")],
                }
            )
            await send({"type": "http.response.body", "body": json.dumps(body).encode()})
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise BodyTooLarge(TOO_LARGE)
            return message

        await self.app(scope, counted, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
