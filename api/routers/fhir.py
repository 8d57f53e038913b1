"""The read-only FHIR R4 view for NHS systems: each resource of a case read by the case's id, and
searched for by the child's NHS number (POSTed, so that it is never in a URL).

Only a downstream system's token with the FHIR scope reads it, and only cases whose family
consented to share (`api/policy.py`); each read and search is recorded like any other
(`api/reads.py`). Refusals are the service's one problem+json.
"""

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Header, Request, Response
from fhir.resources.R4B.resource import Resource

from api.auth import Principal
from api.dependencies import Service
from api.fhir.resources import NHS_NUMBER_SYSTEM, RESOURCES
from api.fhir.search import found, last_updated_conditions, nhs_number_sought, searchset
from api.reads import read_of, search_by
from api.routers.search import CaughtUp

FHIR_JSON = "application/fhir+json"
IDENTIFIER_PATTERN = r"^(https://fhir\.nhs\.uk/Id/nhs-number\|)?[0-9]{10}$"
LAST_UPDATED = (
    "When the case last changed: a prefix (eq, the default, gt, ge, lt, le), then a date (a "
    "day, UTC) or a time with its offset; twice at most, for a range (422 `fhir_date_time`, "
    "`at_most_2`)."
)

router = APIRouter(prefix="/fhir", tags=["FHIR view"])


class FhirResponse(Response):
    media_type = FHIR_JSON


def fhir(resource: Resource) -> FhirResponse:
    return FhirResponse(resource.model_dump_json())


def _declared(kind: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    schema = {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"type": "string", "enum": [kind]}},
        "description": f"A FHIR R4 {kind} (https://hl7.org/fhir/R4/{kind.lower()}.html).",
    }
    return {
        200: {
            "description": f"The {kind}",
            "content": {FHIR_JSON: {"schema": schema, "example": example}},
        }
    }


def _reader(kind: str) -> Callable[..., FhirResponse]:
    make = RESOURCES[kind]

    def read(case_id: UUID, keywork: Service) -> FhirResponse:
        return fhir(make(keywork.shared_case(case_id)))

    return read


def _searcher(kind: str, field: str) -> Callable[..., FhirResponse]:
    def search(
        request: Request,
        caller: Annotated[Principal, Depends(search_by("read_fhir", f"FHIR {kind} search"))],
        identifier: Annotated[
            str,
            Form(
                alias=field,
                pattern=IDENTIFIER_PATTERN,
                description=f"{NHS_NUMBER_SYSTEM}|<NHS number>, or the NHS number alone: "
                "10 digits, the last its modulus 11 check digit (422 `modulus_11`).",
            ),
        ],
        last_updated: Annotated[
            list[str] | None, Form(alias="_lastUpdated", description=LAST_UPDATED)
        ] = None,
        x_purpose: Annotated[str | None, Header(max_length=500)] = None,
    ) -> FhirResponse:
        nhs_number = nhs_number_sought(field, identifier)
        conditions = last_updated_conditions(last_updated or [])
        resources = found(request, caller, kind, nhs_number, conditions, x_purpose)
        return fhir(searchset(resources, str(request.base_url)))

    return search


# The search parameter naming the child: the Patient's own identifier, or the patient's.
SEARCHED_BY = {kind: "patient.identifier" for kind in RESOURCES} | {"Patient": "identifier"}

for kind in RESOURCES:
    router.add_api_route(
        f"/{kind}/{{case_id}}",
        _reader(kind),
        methods=["GET"],
        name=f"read_fhir_{kind}",
        operation_id=f"read_fhir_{kind}",
        summary=f"Read the case's {kind}",
        response_class=FhirResponse,
        responses=_declared(
            kind, {"resourceType": kind, "id": "8f14e45f-ceea-467f-a0e6-5b1c2d3e4f50"}
        ),
        dependencies=[Depends(read_of("read_fhir", "case", f"FHIR {kind}", "case_id"))],
    )
    router.add_api_route(
        f"/{kind}/_search",
        _searcher(kind, SEARCHED_BY[kind]),
        methods=["POST"],
        name=f"search_fhir_{kind}",
        operation_id=f"search_fhir_{kind}",
        summary=f"Search {kind} by the child's NHS number ({SEARCHED_BY[kind]}="
        f"{NHS_NUMBER_SYSTEM}|<NHS number>) and _lastUpdated",
        response_class=FhirResponse,
        responses=_declared("Bundle", {"resourceType": "Bundle", "type": "searchset", "total": 0}),
        dependencies=[CaughtUp],
    )
