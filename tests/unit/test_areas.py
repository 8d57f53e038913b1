"""The areas file: each area's rule set (a shipped one by id, or its own criteria) and its own
settings, the deployment's settings for the rest; a file with a mistake is refused whole."""

import json
from pathlib import Path
from typing import Any

import pytest

from domain.eligibility import (
    NHS_KEY_WORKING_RULES,
    NORFOLK_RULES,
    EligibilityFacts,
    unmet_criteria,
)
from domain.errors import InvalidValue
from services.areas import Areas, AreaSettings

EXAMPLE = Path(__file__).parents[2] / "docs" / "areas.example.json"


def areas_from(tmp_path: Path, content: dict[str, Any], **defaults: Any) -> Areas:
    path = tmp_path / "areas.json"
    path.write_text(json.dumps(content))
    return Areas.load(path, AreaSettings(**defaults))


def test_without_a_file_the_service_covers_norfolk_under_its_rules() -> None:
    areas = Areas.load(None)
    assert areas.names() == ["norfolk"]
    assert areas.rules_for("norfolk") == NORFOLK_RULES
    assert areas.settings_for("norfolk") == AreaSettings()


def test_the_example_file_names_norfolks_rules_and_states_an_extended_nhs_function() -> None:
    """The NHS function: support "will also be extended to those who face multiple
    vulnerabilities such as looked after and adopted children, and children and young people in
    transition between services": an area states it as criteria, without code."""
    areas = Areas.load(EXAMPLE)
    assert areas.rules_for("norfolk") == NORFOLK_RULES
    extended = areas.rules_for("nhs-example")
    adopted = EligibilityFacts(
        autism=True, inpatient=False, at_risk_of_admission=False, adopted=True
    )
    assert unmet_criteria(extended, adopted, 20, False) == []
    assert unmet_criteria(NHS_KEY_WORKING_RULES, adopted, 20, False) == [
        "not_inpatient_or_at_risk_of_admission"
    ]


def test_an_area_sets_its_own_settings_and_takes_the_deployments_for_the_rest(
    tmp_path: Path,
) -> None:
    areas = areas_from(
        tmp_path,
        {
            "norfolk": {"rules": "norfolk-key-worker-service"},
            "barsetshire": {
                "rules": "nhs-key-working-function",
                "settings": {"reopen_window_days": 30, "teams": {"east": "east@barset.invalid"}},
            },
        },
        reopen_window_days=90,
        supervision_every_days=28,
    )
    norfolk, barset = areas.settings_for("norfolk"), areas.settings_for("barsetshire")
    assert (norfolk.reopen_window_days, barset.reopen_window_days) == (90, 30)
    assert barset.supervision_every_days == 28
    assert areas.longest_reopen_window() == 90
    assert barset.managers_mailbox("east") == "east@barset.invalid"
    assert barset.managers_mailbox("west") == barset.managers_email
    assert areas.for_team("east") == barset
    assert areas.for_team("nowhere") == areas.defaults
    assert areas.reported("an area no longer served") == areas.defaults


def check(fact: str) -> dict[str, Any]:
    return {"fact": fact, "compare": "is", "value": True}


def own_rules(criterion: dict[str, Any]) -> dict[str, Any]:
    """An area's own rule set of one criterion, as the file states it."""
    return {
        "rules": {
            "id": "x",
            "version": 1,
            "until_birthday": 19,
            "until_birthday_in_complex_needs_school": 19,
            "criteria": [criterion],
        }
    }


@pytest.mark.parametrize(
    "entry",
    [
        {"rules": "no-such-rules"},
        {"rules": "norfolk-key-worker-service", "settings": {"reopen_window_dayz": 30}},
        {"rules": "norfolk-key-worker-service", "settings": {"supervision_every_days": 0}},
        {"rules": "norfolk-key-worker-service", "colour": "blue"},
        own_rules({"name": "a", "words": "A", "any_of": [check("shoe_size")]}),
        own_rules({"name": "a", "wrods": "A", "any_of": [check("autism")]}),
    ],
)
def test_a_file_with_a_mistake_is_refused_whole(tmp_path: Path, entry: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="areas file"):
        areas_from(tmp_path, {"norfolk": entry})


def test_an_area_not_served_is_refused_by_name() -> None:
    with pytest.raises(InvalidValue) as refused:
        Areas.load(None).settings_for("atlantis")
    assert (refused.value.field, refused.value.rule) == ("area", "known_area")
