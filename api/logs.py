"""Structured logs: one JSON object a line on stderr, carrying opaque ids and never personal data.

Each record made while a request is handled carries its `request_id`, the caller's `user_id` once
the token is read, and the `case_id` of a `/cases/{case_id}` route. The access log names the
route's template, not the path as sent, and never the query string: the values people type, in a
path or a query, a body or an exception's message, can be a child's name.
"""

import logging
import logging.config
import threading
import time
import traceback
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from fastapi import FastAPI
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.types import Message, Receive, Scope, Send

from api.auth import Principal
from api.middleware import HttpMiddleware

UNMATCHED = "(no route)"

access_log = logging.getLogger("keywork.access")


@dataclass
class RequestContext:
    """What the log may say about the request being handled; shared, not copied, with threads."""

    request_id: str
    scope: Scope
    user_id: str | None = None

    def case_id(self) -> str | None:
        # The router adds the matched route and its path parameters to the scope.
        if not self.route_path().startswith("/cases/{case_id}"):
            return None
        try:
            return str(uuid.UUID(self.scope.get("path_params", {}).get("case_id", "")))
        except ValueError:
            return None

    def route_path(self) -> str:
        route = self.scope.get("route")
        return str(getattr(route, "path", "")) if route is not None else ""


_request: ContextVar[RequestContext | None] = ContextVar("keywork_request", default=None)


def identified(caller: Principal) -> Principal:
    """Records the authenticated caller's id on the request's logs."""
    context = _request.get()
    if context is not None:
        context.user_id = caller.user
    return caller


class RequestFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = _request.get()
        if context is not None:
            record.request_id = context.request_id
            if context.user_id is not None:
                record.user_id = context.user_id
            case_id = context.case_id()
            if case_id is not None:
                record.case_id = case_id
        return True


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class JsonLines(JsonFormatter):
    """A record as one JSON line; an exception as its type and frames, never its message."""

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger"},
            # uvicorn repeats its message with terminal colours as `color_message`.
            reserved_attrs=[*RESERVED_ATTRS, "taskName", "color_message"],
            timestamp="time",
        )

    def formatException(self, ei: ExcInfo) -> str:
        _, error, tb = ei
        if error is None:
            return ""
        chain = [type(error).__qualname__]
        cause = error.__cause__ or error.__context__
        while cause is not None and len(chain) < 10:
            chain.append(type(cause).__qualname__)
            cause = cause.__cause__ or cause.__context__
        frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
        return f"{frames}{' from '.join(chain)}"


CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": RequestFields}},
    "formatters": {"json": {"()": JsonLines}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
            "filters": ["request"],
        }
    },
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {"keywork": {"level": "INFO"}, "uvicorn": {"level": "INFO"}},
}


def configure() -> None:
    """JSON lines on stderr for this process: every logger, warnings and dying threads."""
    logging.config.dictConfig(CONFIG)
    logging.captureWarnings(True)
    threading.excepthook = _log_uncaught


def _log_uncaught(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    logging.getLogger("keywork").error(
        "uncaught %s in thread %s",
        args.exc_type.__name__,
        args.thread.name if args.thread is not None else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )


def request_id_from(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a UUID (free text could be a name), else a new one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            try:
                return str(uuid.UUID(value.decode("latin-1")))
            except ValueError:
                break
    return str(uuid.uuid4())


class RequestLogging(HttpMiddleware):
    """Sets the request's log context, echoes its id, and writes one access line a request.

    The access line is written as the response starts (or fails before it could), so it is in
    the log by the time the caller has the response.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The server runs each request in a task of its own, so this never outlives the request.
        context = RequestContext(request_id_from(scope), scope)
        _request.set(context)
        started = time.perf_counter()
        responded = False

        async def send_with_id(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.start":
                responded = True
                headers = [
                    *message.get("headers", []),
                    (b"x-request-id", context.request_id.encode()),
                ]
                message = {**message, "headers": headers}
                _log_access(scope, context, message["status"], started)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if not responded:
                _log_access(scope, context, 500, started)
            raise


def _log_access(scope: Scope, context: RequestContext, status: int, started: float) -> None:
    method = scope["method"]
    path = context.route_path() or UNMATCHED  # a path no route knows may be anything typed
    access_log.info(
        "%s %s %d",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )


def install(app: FastAPI) -> None:
    app.add_middleware(RequestLogging)
