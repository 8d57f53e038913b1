"""The areas the service covers and the eligibility rule set each uses."""

import json
from pathlib import Path

from domain.eligibility import NORFOLK_RULES, RuleSet
from domain.errors import InvalidValue

DEFAULT_AREAS = {"norfolk": NORFOLK_RULES}


class Areas:
    def __init__(self, rules_by_area: dict[str, RuleSet]) -> None:
        self._rules = dict(rules_by_area)

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

    def names(self) -> list[str]:
        return sorted(self._rules)
