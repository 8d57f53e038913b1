"""The areas the service covers: the eligibility rule set each uses, and what each sets for
itself (`AreaSettings`), from the areas file (`docs/areas.example.json` shows one).

One deployment can serve several areas. The file maps each area to its rule set (a shipped one
by id, or its own criteria) and to the settings it changes; a setting an area does not give is
the deployment's (`KEYWORK_*`, `services/settings.py`).
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from domain.closure import REOPEN_WINDOW_DAYS
from domain.eligibility import NORFOLK_RULES, SHIPPED, Check, Criterion, RuleSet
from domain.errors import InvalidValue
from domain.outcomes import OutcomeMeasure
from domain.supervision import SUPERVISION_EVERY_DAYS

MANAGERS_EMAIL = "managers@keywork.invalid"


_FORBID = ConfigDict(extra="forbid")


@with_config(_FORBID)
@dataclass(frozen=True)
class AreaSettings:
    # A closed case can be reopened for this long; after it, a new referral links to it.
    reopen_window_days: int = REOPEN_WINDOW_DAYS
    # The outcome measure scored at reviews.
    outcome_measure: OutcomeMeasure = field(default_factory=OutcomeMeasure)
    # A key worker of one of the area's teams is due supervision this many days after the last.
    supervision_every_days: int = SUPERVISION_EVERY_DAYS
    # A contact still overdue this many days after it was due is raised with the managers.
    escalate_overdue_after_days: int = 7
    # The managers' mailbox; and the area's teams (by the team ids practitioners are recorded
    # with), each with its own managers' mailbox or null for the area's.
    managers_email: str = MANAGERS_EMAIL
    teams: dict[str, str | None] = field(default_factory=dict)
    # Feedback questionnaires go out in rounds: when this many families are owed one, or when
    # the first has waited this many days.
    feedback_round_size: int = 5
    feedback_round_wait_days: int = 14
    # A transition plan to adult services can be made from this age (the guide: plan exits
    # "well in advance"; 14 is a local choice).
    transition_from_age: int = 14
    # The key worker and the managers are reminded this many months before the child reaches
    # the area's age limit (local choices).
    transition_reminder_months: tuple[int, ...] = (12, 6)

    def __post_init__(self) -> None:
        numbers = (
            self.reopen_window_days,
            self.escalate_overdue_after_days,
            self.feedback_round_wait_days,
            *self.transition_reminder_months,
        )
        if min(numbers) < 0 or min(self.supervision_every_days, self.feedback_round_size) < 1:
            raise ValueError("days, months and counts cannot be negative, intervals at least 1")
        if self.outcome_measure.lowest >= self.outcome_measure.highest:
            raise ValueError("the outcome scale's lowest score comes first, below the highest")

    def managers_mailbox(self, team: str | None) -> str:
        return self.teams.get(team or "") or self.managers_email


@dataclass(frozen=True)
class Area:
    rules: RuleSet
    settings: AreaSettings


# A misspelt key in the areas file is refused, not ignored.
for _shape in (RuleSet, Criterion, Check):
    with_config(_FORBID)(_shape)
_RULES = TypeAdapter(RuleSet)
_SETTINGS = TypeAdapter(AreaSettings)


class Areas:
    def __init__(self, areas: dict[str, Area], defaults: AreaSettings | None = None) -> None:
        self._areas = dict(areas)
        # For what belongs to no one area: a team no area lists, metrics across areas.
        self.defaults = defaults or AreaSettings()

    @classmethod
    def load(cls, path: Path | None, defaults: AreaSettings | None = None) -> "Areas":
        """From a JSON file `{"area": {"rules": id or rule set, "settings": {...}}}`, or the
        embedded default: Norfolk. Settings not given are `defaults`."""
        base = defaults or AreaSettings()
        if path is None:
            return cls({"norfolk": Area(NORFOLK_RULES, base)}, base)
        raw: dict[str, dict[str, Any]] = json.loads(path.read_text())
        try:
            return cls({name: _area(entry, base) for name, entry in raw.items()}, base)
        except (ValidationError, InvalidValue, KeyError, TypeError) as error:
            raise ValueError(f"the areas file {path} is not valid: {error}") from None

    def _area(self, name: str) -> Area:
        try:
            return self._areas[name]
        except KeyError:
            raise InvalidValue(
                "area", "known_area", "the service does not cover that area"
            ) from None

    def rules_for(self, area: str) -> RuleSet:
        return self._area(area).rules

    def settings_for(self, area: str | None) -> AreaSettings:
        return self.defaults if area is None else self._area(area).settings

    def reported(self, area: str | None) -> AreaSettings:
        """For a report: the area's settings, or the defaults for all areas or for an area no
        longer served (its history is still reported)."""
        found = self._areas.get(area or "")
        return self.defaults if found is None else found.settings

    def for_team(self, team: str | None) -> AreaSettings:
        """The settings of the area that lists the team, else the defaults."""
        listing = (a.settings for a in self._areas.values() if team in a.settings.teams)
        return next(listing, self.defaults)

    def names(self) -> list[str]:
        return sorted(self._areas)

    def longest_reopen_window(self) -> int:
        return max(area.settings.reopen_window_days for area in self._areas.values())


def _area(entry: dict[str, Any], defaults: AreaSettings) -> Area:
    unknown = set(entry) - {"rules", "settings"}
    if unknown:
        raise KeyError(f"unknown keys {sorted(unknown)}")
    rules = entry["rules"]
    rule_set = SHIPPED[rules] if isinstance(rules, str) else _RULES.validate_python(rules)
    settings = _SETTINGS.validate_python(asdict(defaults) | entry.get("settings", {}))
    return Area(rule_set, settings)
