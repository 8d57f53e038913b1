"""Given/when/then for the Case aggregate: commands in, events out, no I/O."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from domain.aggregate import KeyworkAggregate
from domain.case import Case, Child, FamilyMember, Referrer
from domain.eligibility import NORFOLK_RULES, EligibilityFacts
from domain.stamp import Stamp
from store.transcodings import register

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
PRACTITIONER = uuid4()
MEETS_NORFOLK = EligibilityFacts(
    gp_in_area=True, complex_health_needs=True, specialist_count=3, agency_count=2
)


def stamp(days_ago: int = 0, actor: str = "coordinator-1") -> Stamp:
    return Stamp(actor, NOW - timedelta(days=days_ago), NOW)


def stamp_on(day: date, actor: str = "coordinator-1") -> Stamp:
    """Something that happened on `day` at 10:00 UTC and was recorded an hour later."""
    occurred_at = datetime.combine(day, time(10, 0), tzinfo=UTC)
    return Stamp(actor, occurred_at, occurred_at + timedelta(hours=1))


def mother(**changes: Any) -> FamilyMember:
    fields: dict[str, Any] = {
        "name": "Alex Parent",
        "relationship": "mother",
        "has_parental_responsibility": True,
        "preferred_channel": "email",
        "email": "alex@example.org",
    }
    return FamilyMember(**(fields | changes))


def child(**changes: Any) -> Child:
    fields: dict[str, Any] = {
        "given_name": "Sam",
        "family_name": "Parent",
        "date_of_birth": date(2016, 5, 1),
        "nhs_number": "9434765919",
    }
    return Child(**(fields | changes))


def refer(**changes: Any) -> Case:
    fields: dict[str, Any] = {
        "area": "norfolk",
        "route": "professional",
        "referrer": Referrer("Dr Who"),
        "child": child(),
        "family": [mother()],
        "needs": ["help with co-ordinating appointments"],
        "consent_to_share": True,
    }
    return Case.refer(stamp(days_ago=30), **(fields | changes))


def given_referred() -> Case:
    case = refer()
    case.collect_events()
    return case


def given_eligible() -> Case:
    case = given_referred()
    case.decide_eligibility(stamp(days_ago=20), NORFOLK_RULES, MEETS_NORFOLK)
    case.collect_events()
    return case


def given_active(practitioner_id: UUID = PRACTITIONER) -> Case:
    case = given_eligible()
    case.allocate_key_worker(
        stamp(days_ago=10), kind="designated", from_date=TODAY, practitioner_id=practitioner_id
    )
    case.collect_events()
    return case


def given_closed() -> Case:
    case = given_active()
    case.close(stamp(), NORFOLK_RULES, reason="needs_met", family_agreed=True)
    case.collect_events()
    return case


def closed(reason: str, final_plan_version: int | None, **ending: Any) -> dict[str, Any]:
    """A Closed event's fields: its reason and final plan, and how the ending was agreed."""
    agreed = {"why_no_final_plan": None, "family_agreed": None, "why_not_agreed": None}
    return (
        {"reason": reason, "final_plan_version": final_plan_version}
        | agreed
        | {"agreed_at_review_id": None}
        | ending
    )


def then(case: KeyworkAggregate) -> list[tuple[str, dict[str, Any]]]:
    """The events the last command emitted: their names and their own fields."""
    envelope = {"originator_id", "originator_version", "originator_topic", "timestamp", "stamp"}
    return [
        (type(event).__name__, {k: v for k, v in vars(event).items() if k not in envelope})
        for event in case.collect_events()
    ]


def read_as_first_version(event: KeyworkAggregate.Event, *added: str) -> dict[str, Any]:
    """The event stored, then read back as it would be had it been stored before its second
    version added the fields `added`: the fields it is read with."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register(transcoder)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    stored = mapper.to_stored_event(event)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    for name in added:
        del state[name]
    first = replace(stored, state=json.dumps(state).encode())
    return dict(vars(mapper.to_domain_event(first)))


# Handover and cover

SUCCESSOR = uuid4()
COVER = uuid4()


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def hand_over(case: Case, on: date, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "kind": "designated",
        "on": on,
        "reason": "the key worker is leaving the service",
        "to_practitioner_id": SUCCESSOR,
    }
    case.hand_over(stamp_on(TODAY), **(fields | changes))


def arrange_cover(case: Case, from_date: date, until: date, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "practitioner_id": COVER,
        "from_date": from_date,
        "until": until,
        "reason": "maternity leave",
    }
    case.arrange_cover(stamp_on(TODAY), **(fields | changes))


def ids_on(case: Case, on: date) -> list[Any]:
    return [worker.practitioner_id for worker in case.key_workers_on(on)]
