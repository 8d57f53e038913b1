"""The areas the service covers: the eligibility rule set each uses, and what each sets for
itself (`AreaSettings`)."""

import json
from dataclasses import dataclass
from pathlib import Path

from domain.eligibility import NORFOLK_RULES, RuleSet
from domain.errors import InvalidValue


@dataclass(frozen=True)
class AreaSettings:
    # A transition plan to adult services can be made from this age (the guide: plan exits
    # "well in advance"; 14 is a local choice).
    transition_from_age: int = 14
    # The key worker and the managers are reminded this many months before the child reaches
    # the area's age limit (local choices).
    transition_reminder_months: tuple[int, ...] = (12, 6)


DEFAULT_AREAS = {"norfolk": NORFOLK_RULES}


class Areas:
    def __init__(
        self, rules_by_area: dict[str, RuleSet], settings: dict[str, AreaSettings] | None = None
    ) -> None:
        self._rules = dict(rules_by_area)
        self._settings = dict(settings or {})

    @classmethod
    def load(cls, path: Path | None) -> "Areas":
        """From a JSON file `{"area": {rule set fields}}`, or the embedded default."""
        if path is None:
            return cls(DEFAULT_AREAS)
        raw = json.loads(path.read_text())
        return cls({area: RuleSet(**fields) for area, fields in raw.items()})

    def rules_for(self, area: str) -> RuleSet:
        try:
            return self._rules[area]
        except KeyError:
            raise InvalidValue(
                "area", "known_area", "the service does not cover that area"
            ) from None

    def settings_for(self, area: str) -> AreaSettings:
        self.rules_for(area)
        return self._settings.get(area, AreaSettings())

    def names(self) -> list[str]:
        return sorted(self._rules)
