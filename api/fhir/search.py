"""The FHIR searches: which child (`patient.identifier`, or `identifier` on Patient), changed
when (`_lastUpdated`), and the `searchset` Bundle that answers them.

A search is POSTed to `_search` as a form (FHIR's own way), never sent as a query: an NHS number
is personal data, and nothing personal goes in a URL here. A refused value is named, never
echoed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from fastapi import Request
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from api.auth import Principal
from api.fhir.resources import NHS_NUMBER_SYSTEM, RESOURCES, ResourceType, last_updated
from api.policy import cases_open_to
from api.reads import record_search
from domain.errors import InvalidValue
from domain.nhs_number import is_valid_nhs_number
from projections.child_index import ChildIndex
from services.commands import NotFound
from services.keywork import Keywork
from store.blind_index import Sought

PREFIXES = ("eq", "gt", "ge", "lt", "le")
TIMES_PER_SEARCH = 2  # a range at most: "ge<from>" and "lt<to>"


def nhs_number_sought(
    resource_type: ResourceType, identifier: str | None, patient_identifier: str | None
) -> str:
    """The NHS number a search names: by the Patient's own `identifier`, or by the
    `patient.identifier` of the others; `<system>|<value>` with the NHS number system, or the
    value alone. The form's pattern (`api/routers/fhir.py`) refuses any other system; the check
    digit is checked here."""
    field, token = (
        ("identifier", identifier)
        if resource_type == "Patient"
        else ("patient.identifier", patient_identifier)
    )
    if token is None:
        raise InvalidValue(field, "missing", f"{field} is required: the child's NHS number")
    value = token.removeprefix(f"{NHS_NUMBER_SYSTEM}|")
    if not is_valid_nhs_number(value):
        raise InvalidValue(field, "modulus_11", f"{field} is not a valid NHS number")
    return value


@dataclass(frozen=True)
class Updated:
    """One `_lastUpdated` condition: a comparison with the span a date or an instant covers."""

    prefix: str
    start: datetime
    end: datetime  # the first moment after the span

    def holds(self, when: datetime) -> bool:
        match self.prefix:
            case "gt":
                return when >= self.end
            case "ge":
                return when >= self.start
            case "lt":
                return when < self.start
            case "le":
                return when < self.end
        return self.start <= when < self.end


FIELD = "_lastUpdated"


def last_updated_conditions(values: Sequence[str]) -> list[Updated]:
    """`_lastUpdated` values: an optional prefix (eq, gt, ge, lt, le), then a date (a day, UTC)
    or a time with its offset."""
    if len(values) > TIMES_PER_SEARCH:
        raise InvalidValue(FIELD, "at_most_2", f"give {FIELD} at most twice, for a range")
    return [_condition(value) for value in values]


def _condition(value: str) -> Updated:
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    moment = value[2:] if value[:2] in PREFIXES else value
    try:
        if "T" not in moment:
            day = date.fromisoformat(moment)
            start = datetime.combine(day, time(), UTC)
            return Updated(prefix, start, start + timedelta(days=1))
        instant = datetime.fromisoformat(moment)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InvalidValue(
            FIELD, "fhir_date_time", f"{FIELD} takes a date, or a time with its offset"
        )
    return Updated(prefix, instant, instant + timedelta(microseconds=1))


def found(
    request: Request,
    caller: Principal,
    kind: ResourceType,
    nhs_number: str,
    updated: Sequence[Updated],
    purpose: str | None,
) -> list[Resource]:
    """The resources of `kind` of the child's cases in the caller's area whose family
    consented to share (`api/policy.py`), changed as `updated` says; the search, and each case
    it showed, recorded with its purpose."""
    keywork: Keywork = request.app.state.keywork
    index: ChildIndex = request.app.state.runner.get(ChildIndex)
    matches = [match.case_id for match in index.find(Sought(nhs_number), caller.area)]
    resources = []
    for case in cases_open_to(caller, keywork, matches, "read_fhir"):
        try:
            resource = RESOURCES[kind](keywork.shared_case(case.id))
        except NotFound:  # a case without a signed plan has no CarePlan
            continue
        if all(condition.holds(last_updated(resource)) for condition in updated):
            resources.append(resource)
    record_search(
        request, caller, f"FHIR {kind} search", purpose, [UUID(str(r.id)) for r in resources]
    )
    return resources


def searchset(resources: Sequence[Resource], base_url: str) -> Bundle:
    """The resources found, each with its full URL, as FHIR answers a search."""
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(resources),
            "entry": [
                {
                    "fullUrl": f"{base_url}fhir/{resource.get_resource_type()}/{resource.id}",
                    "resource": resource,
                    "search": {"mode": "match"},
                }
                for resource in resources
            ]
            or None,
        }
    )
