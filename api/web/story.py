"""A case's events told as a story, and problems told as GOV.UK error messages."""

import re
from typing import Any

from api.schemas.cases import TimelineEntry
from domain.case_base import FamilyMember

# The few details worth a line in the story, by event; the rest stay on the API's timeline.
TOLD = {"ContactRecorded": ("kind", "participants", "functions")}

# What a person should read for a field's broken rule; others read the problem's detail.
MESSAGES = {
    ("kind", "literal_error"): "Select the kind of contact",
    ("kind", "missing"): "Select the kind of contact",
    ("at", "missing"): "Enter the date of the review",
    ("at", "datetime_from_date_parsing"): "Enter a real date and time for the review",
    ("location", "missing"): "Enter where the review will be",
    ("answers", "at_least_one"): "Choose an answer to at least one question",
    ("code", "required"): "Enter the code on your questionnaire",
    ("code", "valid_code"): "Check the code: it is printed under the questionnaire's title",
    (
        "email",
        "mailable_email",
    ): "Enter an email address in the correct format, like name@example.org",
    ("purpose", "missing"): "Enter why you are looking for this child",
    ("purpose", "string_too_short"): "Enter why you are looking for this child",
    ("purpose", "string_too_long"): "Enter the purpose in 500 characters or fewer",
    ("nhs_number", "string_too_long"): "Enter a real NHS number: 10 digits",
    ("family_name", "string_too_long"): "Enter the family name in 200 characters or fewer",
    ("given_name", "string_too_long"): "Enter the given name in 200 characters or fewer",
    ("date_of_birth", "date_from_datetime_parsing"): "Enter a real date of birth",
    (
        "period",
        "year_quarter_or_month",
    ): "Enter a year, quarter or month, like 2026, 2026-Q3 or 2026-07",
    ("key_worker_kind", "one_of"): "Select a kind of key worker from the list",
}


def headline(entry: TimelineEntry) -> str:
    """`KeyWorkerAllocated` → "Key worker allocated"."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", entry.type).lower()
    return words[:1].upper() + words[1:]


def summary(entry: TimelineEntry) -> str:
    parts = []
    for name in TOLD.get(entry.type, ()):
        value = entry.details.get(name)
        if value:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            parts.append(f"{name.replace('_', ' ')}: {shown.replace('_', ' ')}")
    return "; ".join(parts)


def error_messages(
    problem: dict[str, Any],
    form_fields: dict[str, str] | None = None,
    worded: dict[tuple[str, str], str] | None = None,
) -> list[dict[str, str]]:
    """The problem's errors, each with the form field it links to and a message for a person.

    `form_fields` renames the API's fields where the form's differ (a review's `at` is its date);
    `worded` has the form's own words for a (field, rule), before the ones every form shares.
    """
    errors = problem.get("errors") or [{"field": "", "rule": ""}]
    renamed = form_fields or {}
    return [
        {
            "field": form_field(error["field"], renamed),
            "message": (worded or {}).get(
                (error["field"], error["rule"]),
                message(error["field"], error["rule"], problem["detail"]),
            ),
        }
        for error in errors
    ]


def form_names(api_field: str) -> tuple[str, str]:
    """The API's field as the forms name it (`actions[0].who` is `actions.0.who`), and the list
    it is an item of, for a form that asks a whole list in one place (`actions.who`)."""
    name = api_field.replace("[", ".").replace("]", "")
    return name, ".".join(part for part in name.split(".") if not part.isdigit())


def form_field(field: str, renamed: dict[str, str]) -> str:
    """The form's field for an API field, where the form's name differs; an item of a list is
    at the list's field, if that is renamed."""
    if field in renamed:
        return renamed[field]
    return renamed.get(form_names(field)[1], field)


def message(field: str, rule: str, detail: str) -> str:
    """What to tell a person about one error: worded for the form where we have words."""
    if field.startswith("scores."):
        return f"Choose a score for {field.removeprefix('scores.').replace('_', ' ')}"
    return MESSAGES.get((field, rule), detail)


def communication(member: FamilyMember) -> str:
    """A family member's communication needs as the case page says them: "Polish (with an
    interpreter); large print"."""
    said = []
    if member.language:
        said.append(
            member.language + (" (with an interpreter)" if member.needs_interpreter else "")
        )
    if member.accessible_format:
        said.append(member.accessible_format.replace("_", " "))
    return "; ".join(said)
