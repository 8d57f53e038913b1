"""The OpenAPI document with how each operation fails: every refusal is an
`application/problem+json` of one shared schema (`api/problems.py` makes them), and each
operation declares the statuses it can answer with one."""

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
        return document

    app.openapi = documented  # type: ignore[method-assign]
