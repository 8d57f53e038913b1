from uuid import uuid4

import pytest

from domain.case import Case
from domain.case_base import UnknownPart
from domain.errors import InvalidValue, NotAllowedNow
from domain.outcomes import OutcomeMeasure, OutcomeScores, distance_travelled
from tests.unit.story import TODAY, given_active, stamp, then
from tests.unit.test_reviews import REVIEW, hold, schedule

MEASURE = OutcomeMeasure(areas=("wellbeing", "family_life"), lowest=1, highest=10)


def given_held() -> Case:
    case = given_active()
    schedule(case)
    hold(case)
    case.collect_events()
    return case


def test_scores_are_recorded_at_a_held_review() -> None:
    case = given_held()
    case.measure_outcomes(
        stamp(), review_id=REVIEW, scores={"wellbeing": 3, "family_life": 7}, measure=MEASURE
    )
    assert then(case) == [
        ("OutcomesMeasured", {"review_id": REVIEW, "scores": {"wellbeing": 3, "family_life": 7}})
    ]
    assert [m.scores for m in case.outcomes] == [{"wellbeing": 3, "family_life": 7}]


@pytest.mark.parametrize(
    ("scores", "field", "rule"),
    [
        ({"wellbeing": 3}, "scores.family_life", "required"),
        ({"wellbeing": 0, "family_life": 4}, "scores.wellbeing", "on_scale"),
        ({"wellbeing": 3, "family_life": 11}, "scores.family_life", "on_scale"),
        ({"wellbeing": 3, "family_life": 4, "Sam Smith": 2}, "scores", "known_areas"),
    ],
)
def test_scores_must_cover_the_measure_on_its_scale(
    scores: dict[str, int], field: str, rule: str
) -> None:
    case = given_held()
    with pytest.raises(InvalidValue) as raised:
        case.measure_outcomes(stamp(), review_id=REVIEW, scores=scores, measure=MEASURE)
    assert (raised.value.field, raised.value.rule) == (field, rule)
    assert then(case) == []


def test_scores_need_a_held_review_once() -> None:
    case = given_active()
    schedule(case)
    fine = {"wellbeing": 3, "family_life": 4}
    with pytest.raises(NotAllowedNow) as raised:
        case.measure_outcomes(stamp(), review_id=REVIEW, scores=fine, measure=MEASURE)
    assert raised.value.rule == "held_review"
    with pytest.raises(UnknownPart):
        case.measure_outcomes(stamp(), review_id=uuid4(), scores=fine, measure=MEASURE)
    hold(case)
    case.measure_outcomes(stamp(), review_id=REVIEW, scores=fine, measure=MEASURE)
    with pytest.raises(NotAllowedNow) as again:
        case.measure_outcomes(stamp(), review_id=REVIEW, scores=fine, measure=MEASURE)
    assert again.value.rule == "once_per_review"


def test_the_journey_is_in_the_order_measured_and_distance_is_last_less_first() -> None:
    case = given_held()
    second = uuid4()
    schedule(case, review_id=second)
    hold(case, review_id=second)
    # The later review's scores are recorded first; the journey still runs by when they were.
    case.measure_outcomes(
        stamp(), review_id=second, scores={"wellbeing": 6, "family_life": 5}, measure=MEASURE
    )
    case.measure_outcomes(
        stamp(days_ago=90),
        review_id=REVIEW,
        scores={"wellbeing": 2, "family_life": 5},
        measure=MEASURE,
    )
    assert [m.review_id for m in case.outcomes] == [REVIEW, second]
    assert distance_travelled(case.outcomes) == {"wellbeing": 4, "family_life": 0}


def test_one_measurement_has_travelled_no_distance_yet() -> None:
    assert distance_travelled([OutcomeScores(REVIEW, TODAY, {"wellbeing": 1})]) == {}
