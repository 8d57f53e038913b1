import re
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import jwt
import pytest

from api.auth import Principal, issue_token
from domain.errors import InvalidValue
from domain.feedback import FAMILY, FeedbackAnswer
from domain.stamp import Stamp
from services.feedback import FeedbackTokens, closes_on
from tests.unit.story import given_active, stamp, then

SECRET = "s" * 48
AT_NOON = datetime(2026, 11, 24, 12, 34, 56, tzinfo=UTC)


def test_an_answer_keeps_the_day_not_the_moment_nor_who_gave_it() -> None:
    answer_id = uuid4()
    answer = FeedbackAnswer.give(
        Stamp("someone", AT_NOON, AT_NOON),
        answer_id=answer_id,
        area="norfolk",
        month="2026-10",
        answers={"listened_to": 5, "would_recommend": 4},
    )
    (given,) = answer.collect_events()
    assert answer.id == answer_id
    assert given.stamp == Stamp(
        FAMILY, datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)
    )
    # The library's own time of the event is a day's start too.
    assert given.timestamp.timetz() == time(tzinfo=UTC)
    fields = set(vars(given)) - {"originator_id", "originator_version", "originator_topic"}
    assert fields == {"timestamp", "stamp", "area", "month", "answers"}


@pytest.mark.parametrize(
    ("answers", "field", "rule"),
    [
        ({}, "answers", "at_least_one"),
        ({"listened_to": 6}, "answers.listened_to", "on_scale"),
        ({"listened_to": 0}, "answers.listened_to", "on_scale"),
        ({"Sam was upset": 3}, "answers", "known_questions"),
    ],
)
def test_answers_are_refused(answers: dict[str, int], field: str, rule: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        FeedbackAnswer.give(
            stamp(), answer_id=uuid4(), area="norfolk", month="2026-11", answers=answers
        )
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_a_token_carries_the_area_the_month_and_a_one_time_number_only() -> None:
    tokens = FeedbackTokens(SECRET)
    first, second = (
        tokens.issue("norfolk", date(2026, 11, 24)),
        tokens.issue("norfolk", date(2026, 11, 24)),
    )
    read = tokens.read(first)
    assert (read.area, read.month) == ("norfolk", "2026-11")
    assert read.once != tokens.read(second).once and read.answer_id != tokens.read(second).answer_id
    claims = jwt.decode(first, options={"verify_signature": False})
    assert set(claims) == {"aud", "area", "month", "once", "exp"}
    # It closes a set time after the month's end, whatever the day it was sent.
    assert datetime.fromtimestamp(claims["exp"], UTC).date() == closes_on(date(2026, 11, 2))


def test_a_token_not_ours_closed_or_a_bearer_token_is_refused() -> None:
    tokens = FeedbackTokens(SECRET)
    other = FeedbackTokens("t" * 48).issue("norfolk", date(2026, 11, 24))
    bearer = issue_token(Principal("coordinator-1", "coordinator"), SECRET, 1)
    for token in (other, bearer, "not-a-token"):
        with pytest.raises(InvalidValue) as refused:
            tokens.read(token)
        assert (refused.value.field, refused.value.rule) == ("token", "valid_token")
    long_ago = tokens.issue("norfolk", date.today() - timedelta(days=400))
    with pytest.raises(InvalidValue) as late:
        tokens.read(long_ago)
    assert late.value.rule == "in_time"


def test_a_case_records_that_its_family_was_invited() -> None:
    case = given_active()
    case.record_feedback_invitation(stamp(), occasion="review", emailed=2, posted=0)
    assert then(case) == [("FeedbackInvited", {"occasion": "review", "emailed": 2, "posted": 0})]


def test_a_paper_code_is_short_signed_and_read_however_it_is_typed() -> None:
    tokens = FeedbackTokens(SECRET)
    code = tokens.paper_code("norfolk", date(2026, 11, 24))
    assert re.fullmatch(r"2611(-[A-Z2-7]{4}){4}", code)
    typed = code.lower().replace("-", " ")
    read = tokens.read_paper_code(typed, ["suffolk", "norfolk"], date(2026, 11, 30))
    assert (read.area, read.month) == ("norfolk", "2026-11")
    assert (
        read.answer_id
        != tokens.read_paper_code(
            tokens.paper_code("norfolk", date(2026, 11, 24)), ["norfolk"], date(2026, 11, 30)
        ).answer_id
    )


@pytest.mark.parametrize("change", ["another area", "a changed letter", "too short", "bad month"])
def test_a_paper_code_not_ours_is_refused(change: str) -> None:
    tokens = FeedbackTokens(SECRET)
    code = tokens.paper_code("norfolk", date(2026, 11, 24))
    areas = ["norfolk"]
    if change == "another area":
        areas = ["suffolk"]
    elif change == "a changed letter":
        code = code[:-1] + ("A" if code[-1] != "A" else "B")
    elif change == "too short":
        code = code[:-2]
    else:
        code = "2613" + code[4:]
    with pytest.raises(InvalidValue) as refused:
        tokens.read_paper_code(code, areas, date(2026, 11, 30))
    assert (refused.value.field, refused.value.rule) == ("code", "valid_code")


def test_a_paper_code_closes_with_its_month() -> None:
    tokens = FeedbackTokens(SECRET)
    code = tokens.paper_code("norfolk", date(2026, 1, 10))
    with pytest.raises(InvalidValue) as late:
        tokens.read_paper_code(code, ["norfolk"], closes_on(date(2026, 1, 10)) + timedelta(days=1))
    assert late.value.rule == "in_time"
