"""Every free-text field of a case's events is classified: sealed with the child's key, or
named here as clear with the reason it holds no personal data. A new text field fails this
test until someone decides which it is."""

import dataclasses
import typing

from domain.case import Case
from domain.catalogue import ENVELOPE, events_of
from domain.personal import EVENT_FIELDS, VALUE_FIELDS, event_fields, value_fields
from store.transcodings import VALUE_OBJECTS

CLEAR = {
    ("Referred", "area"): "the service's area, a code",
    ("EligibilityDecided", "rule_set_id"): "the id of the service's own rules",
    ("EligibilityDecided", "unmet_criteria"): "names of the rules' criteria",
    ("PersonalDataErased", "reason"): "the legal basis; written after the key is gone",
    ("Stamp", "actor"): "a staff user id",
    ("ContactRecorded", "functions"): "key working functions, from a fixed list",
    ("Contact", "functions"): "key working functions, from a fixed list",
    ("Training", "course"): "a course's name, from a fixed list",
    ("Supervision", "kind"): "a session's kind, from a fixed list",
    ("Supervision", "actions"): "staff data: actions on the worker's practice, on a Practitioner "
    "(cases are named by opaque id; the API asks that no child be named)",
    ("TacMember", "role"): "a practitioner's professional role",
    ("Transfer", "to_area"): "a service area",
    ("Transfer", "to_team"): "a service team",
    ("TransitionPlan", "adult_services"): "the adult services a young person moves to",
}


def text_fields(cls: type) -> set[str]:
    hints = typing.get_type_hints(cls)
    return {
        field.name
        for field in dataclasses.fields(cls)
        if field.name not in ENVELOPE - {"stamp"} and "str" in str(hints[field.name])
    }


def test_every_text_field_of_a_case_event_is_sealed_or_named_clear() -> None:
    unclassified = [
        (cls.__name__, name)
        for cls in (*events_of(Case), *VALUE_OBJECTS)
        for name in text_fields(cls) - set(event_fields(cls)) - set(value_fields(cls))
        if (cls.__name__, name) not in CLEAR
    ]
    assert unclassified == []


def test_every_sealed_field_named_exists() -> None:
    events = {event.__name__: event for event in events_of(Case)}
    for name, fields in EVENT_FIELDS.items():
        assert set(fields) <= {f.name for f in dataclasses.fields(events[name])}, name
    for value, fields in VALUE_FIELDS.items():
        assert set(fields) <= {f.name for f in dataclasses.fields(value)}, value


def test_a_value_type_holding_personal_data_only_in_a_nested_value_is_listed_too() -> None:
    """The sealing mapper looks inside listed value types only."""
    for value in VALUE_OBJECTS:
        if value in VALUE_FIELDS:
            continue
        hints = typing.get_type_hints(value)
        nested = [
            name
            for name, hint in hints.items()
            if any(listed.__name__ in str(hint) for listed in VALUE_FIELDS)
        ]
        assert nested == [], value
