"""The ten functions of key working, in the national guide's four areas ("Developing key
working", seeds/developing-key-working-guide.txt): what a contact served, for the mix a service
reports."""

from typing import Literal

from domain.aggregate import require_choice
from domain.errors import InvalidValue

KeyWorkingFunction = Literal[
    "emotional_practical_support",
    "enabling_decisions",
    "single_point_of_contact",
    "facilitating_meetings",
    "coordinating_services",
    "single_planning_and_assessment",
    "strengths_and_needs",
    "information_and_signposting",
    "advocacy",
    "integrated_clinical_care",
]

# Each function in the guide's words, under its area.
AREAS: dict[str, dict[KeyWorkingFunction, str]] = {
    "Emotional and practical support": {
        "emotional_practical_support": "Providing emotional and practical support, as part of a "
        "trusting relationship",
        "enabling_decisions": "Enabling and empowering the child, young person and family to "
        "make decisions, including using personal budgets",
    },
    "Coordination": {
        "single_point_of_contact": "Being a single point of regular and consistent contact",
        "facilitating_meetings": "Facilitating multi-agency meetings",
        "coordinating_services": "Coordinating services and practitioners around the child, "
        "young person and family",
    },
    "Planning and assessment": {
        "single_planning_and_assessment": "Supporting a single planning and joint assessment "
        "process",
        "strengths_and_needs": "Identifying the strengths and needs of all family members",
    },
    "Information and specialist support": {
        "information_and_signposting": "Providing information and signposting",
        "advocacy": "Advocating on the child's, young person's or family's behalf",
        "integrated_clinical_care": "Facilitating clinical care integrated with specialist and "
        "universal services",
    },
}


def check_functions(functions: list[KeyWorkingFunction]) -> None:
    for index, function in enumerate(functions):
        require_choice(f"functions[{index}]", function, KeyWorkingFunction)
    if len(set(functions)) != len(functions):
        raise InvalidValue("functions", "unique", "name each function once")
