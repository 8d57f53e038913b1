"""The one error mapper: every failure becomes application/problem+json (RFC 9457).

Problems name the field and the rule, never the submitted value: the values are personal data.
"""

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.limits import BodyTooLarge
from api.logs import UNMATCHED
from api.policy import NotAuthenticated
from domain.case_base import UnknownPart
from domain.errors import InvalidValue, NotAllowedNow
from services.commands import IdempotencyKeyReused, NotCaughtUp, NotFound, VersionConflict
from services.permissions import Forbidden
from store.database import UNAVAILABLE

log = logging.getLogger("keywork.api")

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"urn:keywork:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field_of(location: tuple[Any, ...]) -> str:
    parts = [part for part in location if part not in ("body", "query", "path", "header")]
    field = ""
    for part in parts:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return field or "body"


def request_invalid(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        # A JSON syntax error's location is a character offset, not a field.
        {
            "field": "body" if item["type"] == "json_invalid" else _field_of(tuple(item["loc"])),
            "rule": item["type"],
        }
        for item in error.errors()
    ]
    fields = ", ".join(sorted({item["field"] for item in errors}))
    return problem(422, "validation", "Invalid request", f"Check: {fields}", errors=errors)


def value_invalid(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidValue)
    errors = [{"field": field, "rule": rule} for field, rule in error.errors()]
    return problem(422, "validation", "Invalid request", error.detail, errors=errors)


def not_allowed_now(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, NotAllowedNow)
    errors = [{"field": error.field, "rule": error.rule}]
    return problem(
        409, "not-allowed-now", "Not allowed in the case's state", error.detail, errors=errors
    )


def unknown_part(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, UnknownPart)
    errors = [{"field": error.field, "rule": error.rule}]
    return problem(404, "not-found", "Not found", error.detail, errors=errors)


def not_found(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, NotFound)
    return problem(404, "not-found", "Not found", f"There is no such {error.kind}.")


def version_conflict(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, VersionConflict)
    version = error.current_version
    return problem(
        409,
        "version-conflict",
        "The record has moved on",
        f"The record is now at version {version}; reload it and try again.",
        headers={"ETag": f'"{version}"'},
        current_version=version,
    )


def key_reused(_: Request, error: Exception) -> JSONResponse:
    errors = [{"field": "Idempotency-Key", "rule": "same_request"}]
    detail = "This Idempotency-Key was used for a different request."
    return problem(422, "validation", "Invalid request", detail, errors=errors)


def not_caught_up(_: Request, error: Exception) -> JSONResponse:
    detail = f"{error}; try again shortly."
    return problem(503, "not-caught-up", "Read model behind", detail, headers={"Retry-After": "1"})


def not_authenticated(_: Request, error: Exception) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"}
    return problem(401, "not-authenticated", "Not authenticated", str(error), headers=headers)


def forbidden(_: Request, error: Exception) -> JSONResponse:
    return problem(403, "forbidden", "Forbidden", str(error))


def http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    slug = "not-found" if error.status_code == 404 else "http"
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = allowed_methods(request, error)
    return problem(error.status_code, slug, str(error.detail), str(error.detail), headers=headers)


def allowed_methods(request: Request, error: HTTPException) -> str:
    """Every method the document declares for the path: Starlette's own Allow names only those
    of the first route matched, and a path can have a route a method."""
    template = getattr(request.scope.get("route"), "path", None)
    declared = request.app.openapi()["paths"].get(template, {})
    return (
        ", ".join(sorted(method.upper() for method in declared)) or (error.headers or {})["Allow"]
    )


def unavailable(_: Request, error: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(error).__name__)
    detail = "The service cannot reach its database; try again shortly."
    return problem(503, "unavailable", "Service unavailable", detail, headers={"Retry-After": "5"})


def unexpected(request: Request, error: Exception) -> JSONResponse:
    # Where it failed, not the message: messages can quote the personal data they failed on.
    frames = traceback.extract_tb(error.__traceback__)
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames[-5:]))
    log.error(
        "unexpected %s on %s %s at %s",
        type(error).__name__,
        request.method,
        getattr(request.scope.get("route"), "path", UNMATCHED),  # the template, not what was typed
        where,
    )
    return problem(500, "internal", "Internal error", "Something went wrong on our side.")


def too_large(_: Request, error: Exception) -> JSONResponse:
    return problem(413, "too-large", "Request too large", str(error))


def install(app: FastAPI) -> None:
    for exception_type, handler in HANDLERS.items():
        app.add_exception_handler(exception_type, handler)


def respond(request: Request, error: Exception) -> JSONResponse:
    """The problem the API answers for `error`, by the handler of its nearest class."""
    handler = next(HANDLERS[kind] for kind in type(error).__mro__ if kind in HANDLERS)
    return handler(request, error)


def problem_of(request: Request, error: Exception) -> dict[str, Any]:
    """The problem document the API would answer for `error` (for pages to show)."""
    document: dict[str, Any] = json.loads(bytes(respond(request, error).body))
    return document


def _handlers() -> dict[type[Exception], Callable[[Request, Exception], JSONResponse]]:
    handlers: dict[type[Exception], Callable[[Request, Exception], JSONResponse]] = {
        BodyTooLarge: too_large,
        RequestValidationError: request_invalid,
        InvalidValue: value_invalid,
        NotAllowedNow: not_allowed_now,
        NotFound: not_found,
        UnknownPart: unknown_part,
        VersionConflict: version_conflict,
        IdempotencyKeyReused: key_reused,
        NotCaughtUp: not_caught_up,
        NotAuthenticated: not_authenticated,
        Forbidden: forbidden,
        HTTPException: http_error,
        Exception: unexpected,
    }
    for exception_type in UNAVAILABLE:
        handlers[exception_type] = unavailable
    return handlers


HANDLERS = _handlers()
