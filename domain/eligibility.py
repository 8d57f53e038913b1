"""Eligibility for key working, decided by a rule set that is data.

A rule set is an age range and a list of criteria. Each criterion names what it asks for in
words a person can read, and holds when any of its checks does; a check compares one named fact
(`EligibilityFacts`) with a value. So an area states its own criteria without code (the areas
file, `services/areas.py`); the rule sets the service ships are at the end, each as its source
states it.

A rule set has an id and a version; both are stored with every decision, so that a decision
can be explained later even after an area changes its rules.
"""

from dataclasses import dataclass, fields
from datetime import date
from typing import Literal, get_args

from domain.errors import InvalidValue, MissingValues

Comparison = Literal["is", "at_least", "one_of"]

# A child or young person is covered, in any area, until their 26th birthday at the latest: the
# guide asks for "key working provision for children and young people from ages 0-25".
LATEST_BIRTHDAY = 26


@dataclass(frozen=True)
class EligibilityFacts:
    """What is known of a child, for the criteria. None means not recorded: the facts an area's
    criteria name are needed, unless the criterion is met by another of its checks."""

    gp_in_area: bool | None = None
    complex_health_needs: bool | None = None
    specialist_count: int | None = None
    agency_count: int | None = None
    severe_learning_or_physical_disability: bool | None = None
    learning_disability: bool | None = None
    autism: bool | None = None
    inpatient: bool | None = None
    at_risk_of_admission: bool | None = None
    # The rating the area's Dynamic Support Register gives (its own words, e.g. red or amber).
    dynamic_support_register: str | None = None
    looked_after: bool | None = None
    adopted: bool | None = None
    in_transition_between_services: bool | None = None

    def check(self) -> None:
        """Refuses facts that cannot be true (not on construction: sealing remakes them)."""
        for name in ("specialist_count", "agency_count"):
            if (getattr(self, name) or 0) < 0:
                raise InvalidValue(f"facts.{name}", "not_negative", f"{name} cannot be negative")
        counted = (self.agency_count, self.specialist_count)
        if None not in counted and counted[0] > counted[1]:  # type: ignore[operator]
            raise InvalidValue(
                "facts.agency_count",
                "at_most_specialist_count",
                "specialists cannot come from more agencies than there are specialists",
            )


FACT_TYPES: dict[str, type] = {
    field.name: get_args(field.type)[0] for field in fields(EligibilityFacts)
}
# How each kind of fact is compared, and the kind of value it is compared with.
_COMPARISONS: dict[type, tuple[Comparison, type]] = {
    bool: ("is", bool),
    int: ("at_least", int),
    str: ("one_of", tuple),
}


@dataclass(frozen=True)
class Check:
    fact: str
    compare: Comparison
    value: bool | int | tuple[str, ...]

    def __post_init__(self) -> None:
        kind = FACT_TYPES.get(self.fact)
        if kind is None:
            raise InvalidValue("criteria.fact", "known_fact", f"no fact is named {self.fact}")
        compare, value = _COMPARISONS[kind]
        if self.compare != compare or type(self.value) is not value:
            raise InvalidValue(
                "criteria.compare", "fits_the_fact", f"{self.fact} is compared by {compare}"
            )

    def holds(self, facts: EligibilityFacts) -> bool:
        known = getattr(facts, self.fact)
        if known is None:
            return False
        if self.compare == "at_least":
            return bool(known >= self.value)
        if self.compare == "one_of":
            return known in self.value  # type: ignore[operator]
        return bool(known == self.value)


@dataclass(frozen=True)
class Criterion:
    # Reported, when the child does not meet it, in the decision's `unmet_criteria`.
    name: str
    # What it asks for, in words for a person: shown on the eligibility page.
    words: str
    any_of: tuple[Check, ...]

    def __post_init__(self) -> None:
        if not (self.name and self.words.strip() and self.any_of):
            raise InvalidValue("criteria", "named_worded_tested", "a criterion needs all three")


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: int
    # Covered from birth until the day before this birthday ("until the 19th birthday").
    until_birthday: int
    until_birthday_in_complex_needs_school: int
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        ends = (self.until_birthday, self.until_birthday_in_complex_needs_school)
        if not 0 < ends[0] <= ends[1] <= LATEST_BIRTHDAY:
            raise InvalidValue(
                "until_birthday", "up_to_26th", "cover ends by the 26th birthday at the latest"
            )
        names = [criterion.name for criterion in self.criteria]
        if len(set(names)) != len(names) or "over_age_limit" in names:
            raise InvalidValue("criteria.name", "unique", "each criterion needs a name of its own")

    def upper_age(self, in_complex_needs_school: bool) -> int:
        """The last age the area covers: eligible up to and including it, and key working may end
        for age once the child reaches it."""
        return (
            self.until_birthday_in_complex_needs_school
            if in_complex_needs_school
            else self.until_birthday
        ) - 1


def age_on(date_of_birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def unmet_criteria(
    rules: RuleSet,
    facts: EligibilityFacts,
    age: int,
    in_complex_needs_school: bool,
) -> list[str]:
    """The criteria the child does not meet; none means eligible. Refuses facts missing that a
    criterion not met by another of its checks needs."""
    unmet = [c for c in rules.criteria if not any(check.holds(facts) for check in c.any_of)]
    needed = {check.fact for c in unmet for check in c.any_of if getattr(facts, check.fact) is None}
    if needed:
        missing = [name for name in FACT_TYPES if name in needed]
        raise MissingValues(
            [f"facts.{name}" for name in missing], "the area's criteria need these facts"
        )
    over_age = age > rules.upper_age(in_complex_needs_school)
    return ["over_age_limit"] * over_age + [criterion.name for criterion in unmet]


def _is(fact: str) -> Check:
    return Check(fact, "is", True)


# The Norfolk Key Worker Service: "offered to disabled children and young people, from birth to
# age 18 (19 if in a complex needs school)", so until the 19th (20th) birthday.
NORFOLK_RULES = RuleSet(
    id="norfolk-key-worker-service",
    version=1,
    until_birthday=19,
    until_birthday_in_complex_needs_school=20,
    criteria=(
        Criterion(
            "gp_not_in_area", "Registered with a GP within greater Norfolk", (_is("gp_in_area"),)
        ),
        # "Have complex health needs": severe health conditions, or (its own route) "a severe
        # learning and/or physical disability and need support to carry out activities of daily
        # living".
        Criterion(
            "no_complex_health_needs",
            "Complex health needs: a severe health condition needing ongoing health "
            "intervention, or a severe learning or physical disability",
            (_is("complex_health_needs"), _is("severe_learning_or_physical_disability")),
        ),
        Criterion(
            "too_few_specialists",
            "Already sees at least three specialist health or care professionals",
            (Check("specialist_count", "at_least", 3),),
        ),
        Criterion(
            "too_few_agencies",
            "From at least two different agencies",
            (Check("agency_count", "at_least", 2),),
        ),
    ),
)

# The NHS Key Working Function, as first provided: "children and young people with a learning
# disability, autism or both, who are inpatients or at risk of being admitted to hospital". The
# function gives no age; this uses the guide's "ages 0-25". Its envisaged extension (looked
# after and adopted children, those in transition) is an area's own criteria, as in
# docs/areas.example.json.
NHS_KEY_WORKING_RULES = RuleSet(
    id="nhs-key-working-function",
    version=1,
    until_birthday=26,
    until_birthday_in_complex_needs_school=26,
    criteria=(
        Criterion(
            "no_learning_disability_or_autism",
            "A learning disability, autism or both",
            (_is("learning_disability"), _is("autism")),
        ),
        Criterion(
            "not_inpatient_or_at_risk_of_admission",
            "An inpatient, or at risk of being admitted to hospital",
            (_is("inpatient"), _is("at_risk_of_admission")),
        ),
    ),
)

SHIPPED = {rules.id: rules for rules in (NORFOLK_RULES, NHS_KEY_WORKING_RULES)}
