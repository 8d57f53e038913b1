"""The eligibility decision's body: the facts an area's criteria are checked against, or a
coordinator's override."""

from typing import Annotated, Literal

from pydantic import Field

from api.schemas.common import NOT_TRUE_OR_FALSE, Body, CommandBody


class FactsIn(Body):
    """What is known of the child. A fact left out is not recorded, and a criterion that needs
    it is not met; which facts count is the area's rule set's choice."""

    gp_in_area: bool | None = None
    complex_health_needs: bool | None = Field(
        None, description="a severe health condition needing ongoing health intervention"
    )
    specialist_count: Annotated[int, Field(ge=0), NOT_TRUE_OR_FALSE] | None = None
    agency_count: Annotated[int, Field(ge=0), NOT_TRUE_OR_FALSE] | None = None
    severe_learning_or_physical_disability: bool | None = None
    learning_disability: bool | None = None
    autism: bool | None = None
    inpatient: bool | None = None
    at_risk_of_admission: bool | None = Field(None, description="at risk of admission to hospital")
    dynamic_support_register: str | None = Field(
        None, max_length=40, description="the rating on the area's Dynamic Support Register"
    )
    looked_after: bool | None = None
    adopted: bool | None = None
    in_transition_between_services: bool | None = None


class EligibilityIn(CommandBody):
    """Either the facts, for the area's rule set to decide, or a coordinator's override."""

    facts: FactsIn | None = None
    override: Literal["accepted", "declined"] | None = None
    reason: str | None = None
