"""Request and response bodies of how key working ends: the service agreement (how often, how
long, and the exit plan) and the transition plan to adult services."""

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import CommandBody, Email, Name, Text, Whole


class ServiceAgreementIn(CommandBody):
    contact_every_days: Whole = Field(json_schema_extra={"minimum": 1, "maximum": 365})
    signed_by: str
    signed_on: date
    expected_duration_months: Whole | None = Field(
        None,
        description="How long key working is expected to last, in months (1-300).",
        json_schema_extra={"minimum": 1, "maximum": 300},
    )
    exit_plan: Text | None = Field(None, description="How key working will end. Sealed.")


class TransitionPlanIn(CommandBody):
    adult_services: Name = Field(description="The adult services the young person moves to.")
    receiving_contact: Name = Field(description="Who there takes them on. Sealed.")
    receiving_contact_email: Email | None = Field(None, description="Sealed.")
    planned_on: date


class TransitionPlanOut(BaseModel):
    adult_services: str
    receiving_contact: str
    receiving_contact_email: str | None
    planned_on: date
