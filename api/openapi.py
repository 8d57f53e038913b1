"""The OpenAPI document with how each operation fails and what its headers mean: every refusal is
an `application/problem+json` of one shared schema (`api/problems.py` makes them), each operation
declares the statuses it can answer with one, and the headers and parameters that carry the
API's guarantees (retries, concurrency, read-your-writes, the purpose of a read) say so."""

from typing import Any

from fastapi import FastAPI

PROBLEM = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details: what was refused, and why, naming no personal data.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:keywork:problem:validation"]},
        "title": {"type": "string", "examples": ["Invalid request"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Each field refused and the rule it broke.",
            "items": {
                "type": "object",
                "required": ["field", "rule"],
                "properties": {
                    "field": {"type": "string", "examples": ["child.date_of_birth"]},
                    "rule": {"type": "string", "examples": ["not_in_future"]},
                },
            },
        },
        "current_version": {
            "type": "integer",
            "description": "On a 409 for a stale If-Match: the case's version now.",
        },
    },
}
WHY = {
    "400": "The body could not be read as JSON.",
    "401": "No bearer token, or one that is not valid.",
    "403": "The caller's role may not do this, or the case is outside their scope.",
    "404": "No such case or part of it (or one the caller may not know of).",
    "409": "Not allowed in the current state, or a stale If-Match (with current_version).",
    "413": "The body is larger than the service takes.",
    "422": "A field breaks a rule: each is named with the rule in `errors`.",
    "503": "The database, or a read model asked for by min_position, is not ready: retry.",
}


def statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """What the operation can refuse with: each input can be invalid (422) and the database
    away (503); a token can be missing or not enough; a path's id can name nothing; a command
    can find the case in the wrong state, and a body be unreadable or too large."""
    found = {"422", "503"}
    if "security" in operation:
        found |= {"401", "403"}
    if "{" in path:
        found.add("404")
    if method != "get":
        found.add("409")
    if "requestBody" in operation:
        found |= {"400", "413"}
    return sorted(found)


# What each of the API's own parameters means, and the form it takes where the schema can say it.
PARAMETERS: dict[str, dict[str, Any]] = {
    "idempotency-key": {
        "description": "Makes a command safe to retry: the same key and body answer as the first "
        "time and record nothing more; the key with another body is a 422.",
        "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"},
    },
    "if-match": {
        "description": "The case's version the command was decided on, as its ETag gives it "
        '("3"): a command on a case changed since is a 409 with current_version.',
        "schema": {"type": "string", "pattern": r'^\s*(\*|(W/)?"[0-9]{1,18}")\s*$'},
    },
    "x-purpose": {
        "description": "Why the case is read, recorded with the read in the access log.",
    },
    "min_position": {
        "description": "Read your writes: wait (briefly) until the read model has applied the "
        "event at this position, a command's X-Event-Position; 503 if it is behind, 422 if "
        "no event has that position yet.",
    },
}
ACCEPTED_HEADERS = {
    "ETag": {
        "description": "The case's (or record's) version after the command, for If-Match.",
        "schema": {"type": "string", "examples": ['"4"']},
    },
    "X-Event-Position": {
        "description": "The position of the command's last event: give it as min_position to "
        "read a read model that includes it.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
}


def describe(document: dict[str, Any]) -> None:
    """The meaning of the API's own headers and parameters, where each applies."""
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                meaning = PARAMETERS.get(parameter["name"])
                if meaning is not None:
                    parameter.update(meaning)
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if status.startswith("2") and schema.get("$ref", "").endswith("Accepted"):
                    response["headers"] = ACCEPTED_HEADERS


def declare_problems(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    refused = {"content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status in statuses(path, method, operation):
                responses[status] = {"description": WHY[status], **refused}


def install(app: FastAPI) -> None:
    generate = app.openapi

    def documented() -> dict[str, Any]:
        document = generate()  # made once, then kept by FastAPI
        if "Problem" not in document.get("components", {}).get("schemas", {}):
            declare_problems(document)
            describe(document)
        return document

    app.openapi = documented  # type: ignore[method-assign]
