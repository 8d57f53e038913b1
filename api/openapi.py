"""The OpenAPI document with how each operation fails and what its headers mean: every refusal is
an `application/problem+json` of one shared schema (`api/problems.py` makes them), each operation
declares the statuses it can answer with one, and the headers and parameters that carry the
API's guarantees (retries, concurrency, read-your-writes, the purpose of a read) say so."""

import re
from typing import Any

from fastapi import FastAPI

from api.openapi_case_examples import CASE_EXAMPLES
from api.openapi_examples import EXAMPLES
from api.openapi_read_examples import ANSWER_EXAMPLES, PDF_ANSWERS, READ_EXAMPLES
from api.schemas.common import NO_NUL
from domain.outcomes import OutcomeMeasure

PROBLEM = "application/problem+json"
# The rules a request the schema allows can still break, each described where the field is.
BEYOND: dict[str, str] = {
    "not_in_future": "a date or time after today or now",
    "not_in_past": "a date before today",
    "not_before_referral": "a date before the case's referral",
    "within_age_limit": "a date past the area's age limit for the child",
    "after_current_start": "a handover on or before the current key worker's start",
    "after_earlier_key_working": "a start within an earlier key worker's period",
    "within_key_working": "cover starting before the key worker",
    "after_this_review": "a next review before the review held",
    "young_person_18_or_over": "a young person's own role before their 18th birthday",
    "after_agreement": "a move on or before the day the transfer is agreed",
    "same_area_within": "a move within the area naming another area",
    "required_within_area": "a move within the area without the receiving team",
    "not_the_key_worker": "cover for someone who is not the key worker",
    "different_key_worker": "a handover to the key worker already in place",
    "someone_else": "a practitioner supervising themselves",
    "required_for_practitioner": "a practitioner key worker without their id",
    "required_for_parent_carer": "a parent carer key worker without their name",
    "not_for_young_person": "someone else named when the young person is their own key worker",
    "required_for_a_planned_ending": "a planned ending without whether the family agreed",
    "required_for_failure": "a failed plan copy without why",
    "a_change": "a change that changes nothing",
    "known_areas": "a score for an area the outcome measure does not have",
    "on_scale": "a score or answer outside its scale",
    "at_most_specialist_count": "more agencies than specialists",
    "facts_or_override": "an eligibility decision with both, or neither, facts and override",
    "required_for_override": "an override without its reason",
    "fits_the_fact": "a fact of a kind the area's criteria do not take",
    "known_fact": "a fact the area's criteria do not name",
    "up_to_26th": "an age limit past the 26th birthday",
    "current_signed_plan": "a final plan that is not the signed plan in force",
    "without_final_plan": "a reason for no final plan beside a final plan",
    "without_agreement": "a reason the family did not agree beside their agreement",
    "required_without_agreement": "an ending the family did not agree to, without why",
    "required_out_of_area": "a move out of the area without its receiving contact",
    "parental_responsibility": "a signature by someone without parental responsibility",
    "tac_member": "a practitioner who is not in the Team Around the Child",
    "not_for_this_event": "a correction of a field the event does not have",
    "not_before_from": "an end before its start",
    "not_before_on": "an overlap ending before the handover",
    "after_completed_on": "an expiry before the training's completion",
    "known_practitioner": "an id naming no practitioner",
    "known_agency": "an id naming no agency",
    "known_case": "an id naming no case",
    "in_post": "a practitioner who has left",
    "known_area": "an area the service does not cover",
    "modulus_11": "an NHS number whose check digit is wrong",
    "mailable_email": "an email address at a domain no mail reaches (.test, .invalid...)",
    "family_member": "a name that is not a family member on the case",
    "letters": "a name with no letters to search by",
    "nhs_number_or_name": "a search by both, or neither, NHS number and name",
    "required_with_name": "a search by name without the date of birth",
    "missing": "a fact the area's eligibility criteria need",
    "valid_token": "a questionnaire link that is not one of ours",
    "valid_code": "a paper questionnaire's code that is not one of ours",
    "in_time": "a questionnaire that has closed",
    "same_request": "an Idempotency-Key used before for another request",
}
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
                    "rule": {
                        "type": "string",
                        "examples": ["not_in_future"],
                        "description": "The rule broken. Most are stated in this document "
                        "(a pattern, a length, an enum...). These depend on what is recorded, "
                        "on the day, on the service's settings or on more than one field, and "
                        "the schema does not state them: "
                        + "; ".join(f"`{rule}`: {meaning}" for rule, meaning in BEYOND.items()),
                    },
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
    "503": "The database, or a read model (asked for by min_position, or behind a subject "
    "access export), is not ready: retry.",
}


def statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """What the operation can refuse with: each input can be invalid (422) and the database
    away (503); a token can be missing or not enough; a path's id can name nothing; a command
    can find the case in the wrong state, a read be asked for a position not yet recorded, and
    a body be unreadable or too large."""
    found = {"422", "503"}
    if "security" in operation:
        found |= {"401", "403"}
    if "{" in path:
        found.add("404")
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    if method != "get" or "min_position" in names:
        found.add("409")
    if "requestBody" in operation:
        found |= {"400", "413"}
    return sorted(found)


# What each of the API's own parameters means, and the form it takes where the schema can say it.
PARAMETERS: dict[str, dict[str, Any]] = {
    "idempotency-key": {
        "description": "Makes a command safe to retry: the same key and body answer as the first "
        "time and record nothing more; the key with another body is a 422.",
        # No example: one key sent with every operation's example would be a reuse.
        "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"},
    },
    "if-match": {
        "description": "The case's version the command was decided on, as its ETag gives it "
        '("3"; a bare 3 is taken too): a command on a case changed since is a 409 with '
        "current_version.",
        "schema": {
            "type": "string",
            "pattern": r'^[ \t]*(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})[ \t]*$',
            "examples": ['"3"'],
        },
    },
    "x-purpose": {
        "description": "Why the case is read, recorded with the read in the access log.",
        "schema": {"type": "string", "maxLength": 500, "examples": ["review preparation"]},
    },
    "min_position": {
        "description": "Read your writes: wait (briefly) until the read model has applied the "
        "event at this position, a command's X-Event-Position; 503 if it is behind, 409 if "
        "no event has that position yet.",
        "schema": {"type": "integer", "minimum": 0, "examples": [42]},
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


def _path_ids(path: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", path))


def link_what_is_made(document: dict[str, Any]) -> None:
    """OpenAPI links: a command that makes something (a case by its referral, a practitioner, an
    agency, a plan, a review) answers with its id, and links it to each operation on it, so that
    a client, or a test following links, can walk a case from its referral on."""
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for operation in item.values():
            for status, response in operation["responses"].items():
                answer = response.get("content", {}).get("application/json", {}).get("schema", {})
                name = answer.get("$ref", "").rsplit("/", 1)[-1]
                if not (status.startswith("2") and name.endswith("Accepted")):
                    continue
                given = _path_ids(path)
                made = set(schemas[name]["properties"]) - {"version", "event_ids"} - given
                parameters = {id_: f"$request.path.{id_}" for id_ in sorted(given)} | {
                    id_: f"$response.body#/{id_}" for id_ in sorted(made)
                }
                links = {
                    target["operationId"]: {
                        "operationId": target["operationId"],
                        "parameters": parameters,
                        "description": f"The {' and '.join(sorted(made))} this answers with.",
                    }
                    for other, other_item in document["paths"].items()
                    if made and _path_ids(other) == given | made
                    for target in other_item.values()
                }
                if links:
                    response["links"] = links


def state_no_nul(document: dict[str, Any]) -> None:
    """Every text of a request body is refused with a NUL in it (`api/schemas/common.Body`), and
    so is every path and query parameter (`api/limits.no_nul_in_parameters`)."""

    def walk(schema: Any) -> None:
        if isinstance(schema, list):
            for item in schema:
                walk(item)
        elif isinstance(schema, dict):
            if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(
                schema
            ):
                schema["pattern"] = NO_NUL
            walk(list(schema.get("properties", {}).values()))
            for key in ("items", "anyOf", "allOf", "oneOf"):
                walk(schema.get(key))

    for name, schema in document["components"]["schemas"].items():
        if name.endswith("In"):
            walk(schema)
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("path", "query"):
                    walk(parameter["schema"])


def name_areas(document: dict[str, Any], areas: list[str]) -> None:
    """The areas the service covers, for a referral's `area` (the areas file names them)."""
    area = document["components"]["schemas"]["ReferralIn"]["properties"]["area"]
    area["enum"] = areas


def state_outcome_measure(document: dict[str, Any], measure: OutcomeMeasure) -> None:
    """The areas a review scores, each on the scale (the settings name both), and an example."""
    outcomes = document["components"]["schemas"]["OutcomesIn"]
    score = {"type": "integer", "minimum": measure.lowest, "maximum": measure.highest}
    outcomes["properties"]["scores"] |= {
        "properties": dict.fromkeys(measure.areas, score),
        "required": list(measure.areas),
        "additionalProperties": False,
    }
    middle = (measure.lowest + measure.highest) // 2
    outcomes["examples"] = [{"scores": dict.fromkeys(measure.areas, middle)}]


def give_examples(document: dict[str, Any]) -> None:
    """An example of each request body and each answer: on its schema, or on the media type of
    an answer with no schema of its own. A PDF is not shown by an example: its answer says what
    it holds."""
    schemas = document["components"]["schemas"]
    for name, example in (EXAMPLES | CASE_EXAMPLES | READ_EXAMPLES).items():
        schemas[name]["examples"] = [example]
    for (method, path), by_media_type in ANSWER_EXAMPLES.items():
        content = success(document, method, path)["content"]
        for media_type, example in by_media_type.items():
            content[media_type]["example"] = example
    for (method, path), holds in PDF_ANSWERS.items():
        success(document, method, path)["description"] = holds


def success(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The operation's one successful answer."""
    [answer] = [
        response
        for status, response in document["paths"][path][method]["responses"].items()
        if status.startswith("2")
    ]
    return answer


def install(app: FastAPI, areas: list[str], measure: OutcomeMeasure) -> None:
    generate = app.openapi

    def documented() -> dict[str, Any]:
        document = generate()  # made once, then kept by FastAPI
        if "Problem" not in document.get("components", {}).get("schemas", {}):
            declare_problems(document)
            describe(document)
            link_what_is_made(document)
            state_no_nul(document)
            give_examples(document)
            name_areas(document, areas)
            state_outcome_measure(document, measure)
        return document

    app.openapi = documented  # type: ignore[method-assign]
