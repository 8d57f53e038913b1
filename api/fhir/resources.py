"""A case as FHIR R4 resources, each built and validated by `fhir.resources`.

Its R4B models are used: the package has had no R4 of its own since 7.0, and the five resources
served here are the same in R4 and R4B. Every resource of a case has the case's opaque id (they
differ by type), its version as `meta.versionId` and the time its latest event was recorded as
`meta.lastUpdated`:

- `Patient`: the child, with their NHS number (UK Core's identifier system, and its
  verification status: present but not traced, as the service checks only its check digit);
- `EpisodeOfCare`: the case, its key worker as care manager and how its status went;
- `CareTeam`: the Team Around the Child, with who acts as key worker;
- `CarePlan`: the signed Family Support Plan in force (a case without one has none);
- `Consent`: the family's consent to share, the only way any of these is served.

Practitioners are named by their directory id as an identifier, with their name: the view
serves no Practitioner resources. After an erasure what the case reads as placeholders
(`domain/personal.py`) is left out.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource

from domain.case_base import Status
from domain.key_workers import KeyWorker
from domain.personal import ERASED
from domain.plans import PlanVersion
from services.commands import NotFound
from services.shared_case import SharedCase
from store.blind_index import nhs_digits

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
UK_CORE = "https://fhir.hl7.org.uk"
UK_CORE_PATIENT = f"{UK_CORE}/StructureDefinition/UKCore-Patient"
VERIFICATION_STATUS = f"{UK_CORE}/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
VERIFICATION_CODES = f"{UK_CORE}/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
URI = "urn:ietf:rfc:3986"  # an identifier that is a URI: here, our opaque ids as urn:uuid

# A case's status as an EpisodeOfCare's: referred (eligibility being decided) is planned,
# accepted and waiting for a key worker is on the waitlist, not eligible is cancelled.
EPISODE_STATUS: dict[Status, str] = {
    "referred": "planned",
    "eligible": "waitlist",
    "not_eligible": "cancelled",
    "active": "active",
    "closed": "finished",
}
# The Team Around the Child is proposed until the case has a key worker, inactive once closed.
TEAM_STATUS: dict[Status, str] = {
    "referred": "proposed",
    "eligible": "proposed",
    "not_eligible": "inactive",
    "active": "active",
    "closed": "inactive",
}
TYPE_OF_EPISODE = "Key working for a disabled child or young person and their family"
PLAN_TITLE = "Family Support Plan"


def patient(shared: SharedCase) -> Patient:
    case = shared.case
    child = case.child
    identifiers = [] if child.nhs_number is None else [nhs_number_identifier(child.nhs_number)]
    family, given = _known(child.family_name), _known(child.given_name)
    name = {"use": "official", "family": family, "given": [given] if given else None}
    return Patient.model_validate(
        _resource("Patient", shared)
        | {
            "meta": _meta(shared) | {"profile": [UK_CORE_PATIENT]},
            "identifier": identifiers or None,
            "name": [name] if family else None,
            "birthDate": child.date_of_birth,
        }
    )


def nhs_number_identifier(nhs_number: str) -> dict[str, Any]:
    status = {
        "system": VERIFICATION_CODES,
        "code": "02",
        "display": "Number present but not traced",
    }
    return {
        "system": NHS_NUMBER_SYSTEM,
        "value": nhs_digits(nhs_number),
        "extension": [{"url": VERIFICATION_STATUS, "valueCodeableConcept": {"coding": [status]}}],
    }


def episode_of_care(shared: SharedCase) -> EpisodeOfCare:
    case = shared.case
    statuses = shared.statuses
    history = [
        {
            "status": EPISODE_STATUS[change.status],
            "period": {"start": change.since, "end": ended.since if ended else None},
        }
        for change, ended in zip(statuses, [*statuses[1:], None], strict=True)
    ]
    closed = case.status == "closed"
    workers = [w.practitioner_id for w in case.key_workers_on(shared.on) if w.practitioner_id]
    return EpisodeOfCare.model_validate(
        _resource("EpisodeOfCare", shared)
        | {
            "identifier": [{"system": URI, "value": f"urn:uuid:{case.id}"}],
            "status": EPISODE_STATUS[case.status],
            "statusHistory": history,
            "type": [{"text": TYPE_OF_EPISODE}],
            "patient": _patient_reference(shared),
            "period": {"start": statuses[0].since, "end": statuses[-1].since if closed else None},
            # The latest to take the role: the incoming key worker during an overlap.
            "careManager": _practitioner(shared, workers[-1]) if workers else None,
            "team": [{"reference": f"CareTeam/{case.id}"}],
        }
    )


def care_team(shared: SharedCase) -> CareTeam:
    case = shared.case
    cover = case.cover_on(shared.on)
    participants = [_key_worker(shared, worker) for worker in case.key_workers_on(shared.on)]
    if cover is not None:
        participants.append(_member(shared, "Key worker's cover", cover.practitioner_id))
    participants += [_member(shared, m.role, m.practitioner_id) for m in case.tac.values()]
    return CareTeam.model_validate(
        _resource("CareTeam", shared)
        | {
            "status": TEAM_STATUS[case.status],
            "name": "Team Around the Child",
            "subject": _patient_reference(shared),
            "participant": participants or None,
        }
    )


def care_plan(shared: SharedCase) -> CarePlan:
    """The signed plan in force; a case whose plans are all drafts has none (NotFound)."""
    case = shared.case
    signed = [(v, plan) for v, plan in case.plans.items() if plan.status == "signed"]
    if not signed:
        raise NotFound("plan")
    version, plan = signed[-1]
    return CarePlan.model_validate(
        _resource("CarePlan", shared)
        | {
            "status": "completed" if case.status == "closed" else "active",
            "intent": "plan",
            "title": f"{PLAN_TITLE}, version {version}",
            "description": _known(plan.summary),
            "subject": _patient_reference(shared),
            "period": {"start": plan.signed_on},
            "created": plan.signed_on,
            "careTeam": [{"reference": f"CareTeam/{case.id}"}],
            "activity": _activities(plan) or None,
            "note": [{"text": outcome} for outcome in plan.outcomes] or None,
        }
    )


def consent(shared: SharedCase) -> Consent:
    """The family's consent to share the case with other agencies and their systems. Only a
    case whose family consents is served (`api/policy.py`), so it is active and permits."""
    return Consent.model_validate(
        _resource("Consent", shared)
        | {
            "status": "active",
            "scope": _coded(
                "http://terminology.hl7.org/CodeSystem/consentscope",
                "patient-privacy",
                "Privacy Consent",
            ),
            "category": [_coded("http://loinc.org", "59284-0", "Patient Consent")],
            "patient": _patient_reference(shared),
            "dateTime": shared.consent_since,
            "policyRule": _coded(
                "http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in"
            ),
            "provision": {"type": "permit", "period": {"start": shared.consent_since}},
        }
    )


ResourceType = Literal["Patient", "EpisodeOfCare", "CareTeam", "CarePlan", "Consent"]
# Each resource type served, and how a case makes it.
RESOURCES: dict[ResourceType, Callable[[SharedCase], Resource]] = {
    "Patient": patient,
    "EpisodeOfCare": episode_of_care,
    "CareTeam": care_team,
    "CarePlan": care_plan,
    "Consent": consent,
}


def last_updated(resource: Resource) -> datetime:
    assert resource.meta is not None and resource.meta.lastUpdated is not None
    return resource.meta.lastUpdated


def _resource(kind: str, shared: SharedCase) -> dict[str, Any]:
    return {"resourceType": kind, "id": str(shared.case.id), "meta": _meta(shared)}


def _meta(shared: SharedCase) -> dict[str, Any]:
    return {"versionId": str(shared.case.version), "lastUpdated": shared.last_updated}


def _patient_reference(shared: SharedCase) -> dict[str, Any]:
    return {"reference": f"Patient/{shared.case.id}"}


def _practitioner(shared: SharedCase, practitioner_id: UUID) -> dict[str, Any]:
    return {
        "type": "Practitioner",
        "identifier": {"system": URI, "value": f"urn:uuid:{practitioner_id}"},
        "display": shared.practitioners[practitioner_id].name,
    }


def _member(shared: SharedCase, role: str, practitioner_id: UUID) -> dict[str, Any]:
    agency = shared.agencies[shared.practitioners[practitioner_id].agency_id]
    return {
        "role": [{"text": role}],
        "member": _practitioner(shared, practitioner_id),
        "onBehalfOf": {
            "type": "Organization",
            "identifier": {"system": URI, "value": f"urn:uuid:{agency.id}"},
            "display": agency.name,
        },
    }


def _key_worker(shared: SharedCase, worker: KeyWorker) -> dict[str, Any]:
    if worker.practitioner_id is not None:
        return _member(shared, "Key worker", worker.practitioner_id)
    if worker.kind == "young_person":
        return {
            "role": [{"text": "Key worker (the young person)"}],
            "member": {"reference": f"Patient/{shared.case.id}"},
        }
    name = _known(worker.parent_carer_name)
    return {
        "role": [{"text": "Key worker (a parent carer)"}],
        "member": {"type": "RelatedPerson", "display": name} if name else None,
    }


def _activities(plan: PlanVersion) -> list[dict[str, Any]]:
    return [
        {
            "detail": {
                "status": "unknown",  # the plan says what is to be done by when, not how it went
                "description": action.what,
                "performer": [{"display": action.who}],
                "scheduledPeriod": {"end": action.by},
            }
        }
        for action in plan.actions
    ]


def _coded(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _known(text: str | None) -> str | None:
    """The text, unless the child's key is gone and it reads as the placeholder."""
    return None if text == ERASED else text
