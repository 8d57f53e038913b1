"""The OpenAPI document says how each operation fails: the statuses it can refuse with, each an
application/problem+json of the one shared Problem schema."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from api.app import create_app
from services.settings import Settings

DOCUMENT: dict[str, Any] = create_app(*[None] * 5, Settings()).openapi()  # type: ignore[arg-type]
OPERATIONS = [
    (path, method, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
]


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS)
def test_every_refusal_is_declared_as_a_problem(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    refusals = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
    assert {"422", "503"} <= set(refusals)
    for response in refusals.values():
        assert response["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    assert ("401" in refusals) == ("security" in operation)
    assert ("404" in refusals) == ("{" in path)


def test_a_command_on_a_case_declares_its_conflicts_and_its_bodys_limits() -> None:
    responses = DOCUMENT["paths"]["/cases/{case_id}/contacts"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "422", "503"} <= set(responses)
    assert "409" not in DOCUMENT["paths"]["/cases/{case_id}"]["get"]["responses"]


def test_the_problem_schema_names_each_field_and_rule_and_the_default_errors_are_gone() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert schemas["Problem"]["properties"]["errors"]["items"]["required"] == ["field", "rule"]
    assert "HTTPValidationError" not in schemas


def test_a_command_documents_its_retry_and_concurrency_headers_and_what_it_answers_with() -> None:
    operation = DOCUMENT["paths"]["/cases/{case_id}/contacts"]["post"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert "retry" in headers["idempotency-key"]["description"]
    assert headers["if-match"]["schema"]["pattern"].startswith("^")
    assert set(operation["responses"]["200"]["headers"]) == {"ETag", "X-Event-Position"}


def test_read_your_writes_and_the_purpose_of_a_read_are_documented_where_they_apply() -> None:
    reads = [
        parameter
        for _, _, operation in OPERATIONS
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ("min_position", "x-purpose")
    ]
    assert len(reads) >= 20
    assert all(parameter["description"] for parameter in reads)


def examples_in(node: Any, at: str = "#") -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every example in the document: where, the schema it is given on, the example."""
    if isinstance(node, dict):
        # A schema's `examples` is a list (a media type's or parameter's would be a map).
        found = node.get("examples")
        for example in found if isinstance(found, list) else []:
            yield at, node, example
        # A media type's (or parameter's) one `example` is of its schema (none: any text).
        if "example" in node:
            yield f"{at}/example", node.get("schema", {}), node["example"]
        for key, value in node.items():
            yield from examples_in(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples_in(value, f"{at}/{index}")


EXAMPLES = list(examples_in(DOCUMENT))


@pytest.mark.parametrize(("at", "schema", "example"), EXAMPLES, ids=[at for at, _, _ in EXAMPLES])
def test_every_example_in_the_document_fits_its_own_schema(
    at: str, schema: dict[str, Any], example: Any
) -> None:
    root = {
        **{k: v for k, v in schema.items() if k != "examples"},
        "components": DOCUMENT["components"],
    }
    validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    assert validator.is_valid(example), list(validator.iter_errors(example))[:3]


def test_every_request_body_and_every_commands_answer_has_an_example() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    named = {
        content["schema"]["$ref"].rsplit("/", 1)[-1]
        for _, _, operation in OPERATIONS
        for status, part in [
            ("body", operation.get("requestBody", {})),
            *operation["responses"].items(),
        ]
        if status == "body" or status.startswith("2")
        for content in part.get("content", {}).values()
        if "$ref" in content.get("schema", {})
    }
    bodies_and_answers = {name for name in named if name.endswith(("In", "Accepted"))}
    assert len(bodies_and_answers) >= 40
    assert {name for name in bodies_and_answers if not schemas[name].get("examples")} == set()
    assert len(EXAMPLES) > len(bodies_and_answers)


def keywords_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keywords_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from keywords_in(value)


def test_bounds_are_json_schemas_own_and_not_pydantics() -> None:
    # pydantic writes `ge` for a bound it cannot place, which no JSON Schema tool reads.
    schemas = DOCUMENT["components"]["schemas"]
    assert not {"ge", "gt", "le", "lt"} & set(keywords_in(schemas))
    closing = schemas["ClosureIn"]["properties"]["final_plan_version"]["anyOf"][0]
    assert closing["minimum"] == 1


def test_a_review_scores_every_area_of_the_outcome_measure_on_its_scale() -> None:
    measure = Settings().outcome_measure
    scores = DOCUMENT["components"]["schemas"]["OutcomesIn"]["properties"]["scores"]
    assert scores["required"] == list(measure.areas)
    assert scores["additionalProperties"] is False
    assert {(s["minimum"], s["maximum"]) for s in scores["properties"].values()} == {
        (measure.lowest, measure.highest)
    }


def successes() -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """Every media type of every successful answer: where, the answer, the type, its content."""
    for path, method, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                for media_type, content in response.get("content", {}).items():
                    yield f"{method} {path} {status} {media_type}", response, media_type, content


def test_every_successful_answer_has_an_example_or_says_what_its_pdf_holds() -> None:
    schemas = DOCUMENT["components"]["schemas"]

    def shown(response: dict[str, Any], media_type: str, content: dict[str, Any]) -> bool:
        if media_type == "application/pdf":
            return "PDF" in response["description"]
        named = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
        return "example" in content or bool(schemas.get(named, {}).get("examples"))

    answers = list(successes())
    assert len(answers) >= 60
    assert [where for where, *answer in answers if not shown(*answer)] == []


def test_the_metrics_csv_example_is_the_json_examples_figures_as_the_service_writes_them() -> None:
    answer = DOCUMENT["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    rows = csv.DictReader(io.StringIO(answer["text/csv"]["example"], newline=""))
    name = answer["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    [example] = DOCUMENT["components"]["schemas"][name]["examples"]
    assert [(row["period"], row["metric"], row["group"], row["value"]) for row in rows] == [
        (
            example["period"]["label"],
            f["metric"],
            f["group"],
            "" if f["value"] is None else str(f["value"]),
        )
        for f in example["figures"]
    ]
