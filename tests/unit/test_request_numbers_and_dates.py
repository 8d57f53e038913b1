"""A number in a request body is a JSON number, and a date is text: true and false are refused as
numbers and numbers as dates (pydantic alone would read them as 1, 0 and seconds since 1970),
while a page's form may still send its numbers as text."""

import pytest
from pydantic import BaseModel, ValidationError

from api.schemas.cases import ClosureIn
from api.schemas.directory import ProtectedTimeIn
from api.schemas.eligibility import FactsIn
from api.schemas.feedback import StackIn
from api.schemas.outcomes import OutcomesIn
from api.schemas.transition import ServiceAgreementIn


@pytest.mark.parametrize(
    ("schema", "body", "field"),
    [
        (StackIn, {"count": True}, ("count",)),
        (FactsIn, {"agency_count": False}, ("agency_count",)),
        (ClosureIn, {"reason": "needs_met", "final_plan_version": True}, ("final_plan_version",)),
        (ProtectedTimeIn, {"hours_per_week": True}, ("hours_per_week",)),
        (OutcomesIn, {"scores": {"communication": True}}, ("scores", "communication")),
    ],
)
def test_true_or_false_is_not_a_number(
    schema: type[BaseModel], body: dict[str, object], field: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as refused:
        schema.model_validate(body)
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(field, "number_type")]


def test_a_forms_number_as_text_is_still_read() -> None:
    assert StackIn.model_validate({"count": "12"}).count == 12
    assert ProtectedTimeIn.model_validate({"hours_per_week": "7.5"}).hours_per_week == 7.5


@pytest.mark.parametrize("number", [0, 3, 1.5, True])
def test_a_date_or_a_time_is_text_never_a_number(number: object) -> None:
    # pydantic would read a number as seconds since 1970: 0 as 1 January 1970.
    body = {"reason": "needs_met", "occurred_at": number}
    with pytest.raises(ValidationError) as refused:
        ClosureIn.model_validate(body)
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [
        (("occurred_at",), "iso_date_or_time")
    ]
    dated = {"contact_every_days": 28, "signed_by": "Alex", "signed_on": number}
    with pytest.raises(ValidationError):
        ServiceAgreementIn.model_validate(dated)
