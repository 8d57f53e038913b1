"""The read-only FHIR R4 view for NHS systems: each resource of a case read by the case's id,
and searched for by the child's NHS number (POSTed, so that it is never in a URL).

Only a downstream system's token with the FHIR scope reads it, and only cases whose family
consented to share (`api/policy.py`); each read and search is recorded like any other
(`api/reads.py`). Refusals are the service's one problem+json.
"""

from typing import Annotated, Any, get_args
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Header, Request, Response
from fhir.resources.R4B.resource import Resource

from api.auth import Principal
from api.dependencies import Service
from api.fhir.resources import NHS_NUMBER_SYSTEM, RESOURCES, ResourceType
from api.fhir.search import found, last_updated_conditions, nhs_number_sought, searchset
from api.reads import read_of, search_by
from api.routers.search import CaughtUp

FHIR_JSON = "application/fhir+json"
IDENTIFIER_PATTERN = r"^(https://fhir\.nhs\.uk/Id/nhs-number\|)?[0-9]{10}$"
IDENTIFIER = (
    f"{NHS_NUMBER_SYSTEM}|<NHS number>, or the NHS number alone: 10 digits, the last its "
    "modulus 11 check digit (422 `modulus_11`)."
)
LAST_UPDATED = (
    "When the case last changed: a prefix (eq, the default, gt, ge, lt, le), then a date (a "
    "day, UTC) or a time with its offset; twice at most, for a range (422 `fhir_date_time`, "
    "`at_most_2`)."
)
CASE_ID = "8f14e45f-ceea-467f-a0e6-5b1c2d3e4f50"

router = APIRouter(prefix="/fhir", tags=["FHIR view"])


class FhirResponse(Response):
    media_type = FHIR_JSON


def fhir(resource: Resource) -> FhirResponse:
    return FhirResponse(resource.model_dump_json())


def _declared(types: list[str], example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    schema = {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"type": "string", "enum": types}},
        "description": "A FHIR R4 resource (https://hl7.org/fhir/R4/), as its resourceType says.",
    }
    content = {FHIR_JSON: {"schema": schema, "example": example}}
    return {200: {"description": f"The {' or '.join(types)}", "content": content}}


def _what(request: Request) -> str:
    return f"FHIR {request.path_params.get('resource_type')}"


# The search first: a path ending in /_search also matches the read's {case_id}, and the first
# route a path matches names the methods a 405 allows.
@router.post(
    "/{resource_type}/_search",
    response_class=FhirResponse,
    responses=_declared(["Bundle"], {"resourceType": "Bundle", "type": "searchset", "total": 0}),
)
def search_fhir_resources(
    resource_type: ResourceType,
    request: Request,
    caller: Annotated[Principal, Depends(search_by("read_fhir", "FHIR search"))],
    _: CaughtUp,
    identifier: Annotated[
        str | None,
        Form(pattern=IDENTIFIER_PATTERN, description=f"For Patient (required): {IDENTIFIER}"),
    ] = None,
    patient_identifier: Annotated[
        str | None,
        Form(
            alias="patient.identifier",
            pattern=IDENTIFIER_PATTERN,
            description=f"For the others (required): {IDENTIFIER}",
        ),
    ] = None,
    last_updated: Annotated[
        list[str] | None, Form(alias="_lastUpdated", description=LAST_UPDATED)
    ] = None,
    x_purpose: Annotated[str | None, Header(max_length=500)] = None,
) -> FhirResponse:
    """A `searchset` Bundle of the resources of this type of the child's cases in your area
    whose family consented to share, changed when `_lastUpdated` says."""
    nhs_number = nhs_number_sought(resource_type, identifier, patient_identifier)
    conditions = last_updated_conditions(last_updated or [])
    resources = found(request, caller, resource_type, nhs_number, conditions, x_purpose)
    return fhir(searchset(resources, str(request.base_url)))


@router.get(
    "/{resource_type}/{case_id}",
    response_class=FhirResponse,
    responses=_declared(
        list(get_args(ResourceType)), {"resourceType": "EpisodeOfCare", "id": CASE_ID}
    ),
    dependencies=[Depends(read_of("read_fhir", "case", _what, "case_id"))],
)
def read_fhir_resource(
    resource_type: ResourceType, case_id: UUID, keywork: Service
) -> FhirResponse:
    """The case's Patient, EpisodeOfCare, CareTeam, CarePlan (the signed Family Support Plan
    in force: 404 without one) or Consent; each has the case's id."""
    return fhir(RESOURCES[resource_type](keywork.shared_case(case_id)))
