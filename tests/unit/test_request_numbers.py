"""A number in a request body is a JSON number: true and false are refused (pydantic alone would
read them as 1 and 0), while a page's form may still send its numbers as text."""

import pytest
from pydantic import BaseModel, ValidationError

from api.schemas.cases import ClosureIn
from api.schemas.directory import ProtectedTimeIn
from api.schemas.eligibility import FactsIn
from api.schemas.feedback import StackIn
from api.schemas.outcomes import OutcomesIn


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
