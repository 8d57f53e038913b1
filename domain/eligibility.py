"""Eligibility for key working, decided by a rule set that is data.

A rule set has an id and a version; both are stored with every decision, so that a decision
can be explained later even after an area changes its rules.
"""

from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidValue


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: int
    max_age: int
    max_age_in_complex_needs_school: int
    requires_gp_in_area: bool
    requires_complex_health_needs: bool
    min_specialists: int
    min_agencies: int

    def __post_init__(self) -> None:
        if not 0 < self.max_age <= self.max_age_in_complex_needs_school <= 25:
            raise InvalidValue("max_age", "between_0_and_25", "upper ages must be within 0-25")

    def upper_age(self, in_complex_needs_school: bool) -> int:
        """The area's age limit for the child: eligible up to and including it, and their key
        working may end for age once they reach it."""
        return self.max_age_in_complex_needs_school if in_complex_needs_school else self.max_age


# Norfolk Key Worker Service: birth to 18 (19 in a complex needs school), registered with a GP
# in the area, complex health needs, at least three specialists from at least two agencies.
NORFOLK_RULES = RuleSet(
    id="norfolk-key-worker-service",
    version=1,
    max_age=18,
    max_age_in_complex_needs_school=19,
    requires_gp_in_area=True,
    requires_complex_health_needs=True,
    min_specialists=3,
    min_agencies=2,
)


@dataclass(frozen=True)
class EligibilityFacts:
    gp_in_area: bool
    complex_health_needs: bool
    specialist_count: int
    agency_count: int

    def __post_init__(self) -> None:
        for name in ("specialist_count", "agency_count"):
            if getattr(self, name) < 0:
                raise InvalidValue(f"facts.{name}", "not_negative", f"{name} cannot be negative")
        if self.agency_count > self.specialist_count:
            raise InvalidValue(
                "facts.agency_count",
                "at_most_specialist_count",
                "specialists cannot come from more agencies than there are specialists",
            )


def age_on(date_of_birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def unmet_criteria(
    rules: RuleSet,
    facts: EligibilityFacts,
    age: int,
    in_complex_needs_school: bool,
) -> list[str]:
    """The criteria the child does not meet; none means eligible."""
    unmet = []
    if age > rules.upper_age(in_complex_needs_school):
        unmet.append("over_age_limit")
    if rules.requires_gp_in_area and not facts.gp_in_area:
        unmet.append("gp_not_in_area")
    if rules.requires_complex_health_needs and not facts.complex_health_needs:
        unmet.append("no_complex_health_needs")
    if facts.specialist_count < rules.min_specialists:
        unmet.append("too_few_specialists")
    if facts.agency_count < rules.min_agencies:
        unmet.append("too_few_agencies")
    return unmet
