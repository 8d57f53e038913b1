"""What each event tells the world: a CloudEvent with the least data its audience needs.

Only what is listed here leaves the service. No name, NHS number, address, date of birth (an age
band at most) or free text is published; ids are the opaque ones we mint. An event not listed
publishes its envelope alone (type, ids, times).
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from cloudevents.core.bindings.kafka import KafkaMessage, to_binary_event
from cloudevents.core.v1.event import CloudEvent

from domain.age_bands import age_band
from domain.stamp import event_id

CASE_TOPIC = "keywork.case-events.v1"
DIRECTORY_TOPIC = "keywork.directory-events.v1"
SOURCE = "urn:keywork:back-office"

Fields = Callable[[Any], dict[str, Any]]


def _referred(e: Any) -> dict[str, Any]:
    return {
        "route": e.route,
        "area": e.area,
        "consent_to_share": e.consent_to_share,
        "age_band": age_band(e.child.date_of_birth, e.stamp.occurred_at.date()),
        "previous_case_id": e.previous_case_id,
    }


def _key_worker(worker: Any) -> dict[str, Any]:
    # A parent/carer key worker is published as a kind, never by name.
    return {
        "kind": worker.kind,
        "from": worker.from_date,
        "practitioner_id": worker.practitioner_id,
    }


def _tac_member(e: Any) -> dict[str, Any]:
    member = e.member
    return {
        "practitioner_id": member.practitioner_id,
        "receives_plans": member.receives_plans,
        "channel": member.channel,
    }


CASE_EVENTS: dict[str, Fields] = {
    "Referred": _referred,
    "EligibilityDecided": lambda e: {
        "accepted": e.accepted,
        "rule_set_id": e.rule_set_id,
        "rule_set_version": e.rule_set_version,
        "unmet_criteria": e.unmet_criteria,
    },
    "EligibilityOverridden": lambda e: {"accepted": e.accepted},
    "KeyWorkerAllocated": lambda e: _key_worker(e.key_worker),
    "KeyWorkerHandedOver": lambda e: (
        _key_worker(e.incoming) | {"on": e.on, "overlap_until": e.overlap_until}
    ),
    "CoverArranged": lambda e: {
        "practitioner_id": e.cover.practitioner_id,
        "from": e.cover.from_date,
        "until": e.cover.until,
    },
    "CoverEnded": lambda e: {"on": e.on},
    "ServiceAgreementSigned": lambda e: {
        "contact_every_days": e.contact_every_days,
        "signed_on": e.signed_on,
    },
    "ContactRecorded": lambda e: {"kind": e.kind, "functions": getattr(e, "functions", None) or []},
    "EventMarkedSignificant": lambda e: {"marked_event_id": e.marked_event_id},
    "ContactCorrected": lambda e: {
        "corrects_event_id": e.corrects_event_id,
        "kind": e.contact.kind,
        "occurred_at": e.contact.occurred_at,
    },
    "TacMemberAdded": _tac_member,
    "TacMemberChanged": _tac_member,
    "TacMemberCorrected": lambda e: _tac_member(e) | {"corrects_event_id": e.corrects_event_id},
    "TacMemberRemoved": lambda e: {"practitioner_id": e.practitioner_id},
    "ReviewScheduled": lambda e: {
        "review_id": e.review_id,
        "at": e.at,
        "requested_by": e.requested_by,
    },
    "ReviewRescheduled": lambda e: {"review_id": e.review_id, "at": e.at},
    "ReviewCancelled": lambda e: {"review_id": e.review_id},
    "ReviewReportReceived": lambda e: {
        "review_id": e.review_id,
        "from_practitioner_id": e.from_practitioner_id,
    },
    "ReviewHeld": lambda e: {
        "review_id": e.review_id,
        "next_review_on": e.next_review_on,
        "key_worker_confirmed": e.key_worker_confirmed,
    },
    "PlanDrafted": lambda e: {"plan_version": e.plan_version},
    "PlanSigned": lambda e: {"plan_version": e.plan_version, "signed_on": e.signed_on},
    "PlanCopySent": lambda e: {"plan_version": e.plan_version, "channel": e.channel},
    "PlanCopyFailed": lambda e: {"plan_version": e.plan_version, "channel": e.channel},
    "TransferAgreed": lambda e: {
        "to_area": e.transfer.to_area,
        "move_on": e.transfer.move_on,
        "out_of_area": e.transfer.out_of_area,
    },
    "Closed": lambda e: {
        "reason": e.reason,
        "final_plan_version": e.final_plan_version,
        "family_agreed": e.family_agreed,
    },
    "ClosureAudited": lambda e: {"outcome": e.outcome},
}

DIRECTORY_EVENTS: dict[str, Fields] = {
    "AgencyRegistered": lambda e: {"sector": e.sector},
    "PractitionerRegistered": lambda e: {"agency_id": e.agency_id, "team_id": e.team_id},
    "PractitionerContactDetailsChanged": lambda e: {},
    "PractitionerLeftAgency": lambda e: {"on": e.on},
    "TrainingCompleted": lambda e: {"course": e.training.course},
    "SupervisionRecorded": lambda e: {"held_on": e.session.held_on, "kind": e.session.kind},
}


# Never published: a family's anonymous answers stay in the service (counted in the metrics).
UNPUBLISHED = frozenset({"FeedbackGiven"})


def topic_of(event: Any) -> str:
    return DIRECTORY_TOPIC if type(event).__name__ in DIRECTORY_EVENTS else CASE_TOPIC


def published_data(event: Any) -> dict[str, Any]:
    """The fields of the event that may leave the service, as plain JSON values."""
    fields = (CASE_EVENTS | DIRECTORY_EVENTS).get(type(event).__name__, lambda e: {})(event)
    return {name: _plain(value) for name, value in fields.items()}


def cloud_event(event: Any, position: int) -> KafkaMessage:
    """The event as a CloudEvents 1.0 Kafka message (binary mode), keyed by its aggregate."""
    name = type(event).__name__
    kind = "directory" if name in DIRECTORY_EVENTS else "case"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    attributes = {
        "id": str(event_id(event.originator_id, event.originator_version)),
        "source": SOURCE,
        "type": f"uk.keywork.{kind}.{snake}.v1",
        "subject": str(event.originator_id),
        "time": event.stamp.occurred_at,
        "datacontenttype": "application/json",
        "partitionkey": str(event.originator_id),
        "recordedtime": event.stamp.recorded_at.isoformat(),
        "sequence": str(event.originator_version),
        "position": str(position),
    }
    return to_binary_event(CloudEvent(attributes, published_data(event)))


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if isinstance(value, date) else str(value)
