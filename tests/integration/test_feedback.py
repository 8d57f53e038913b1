"""Family feedback end to end on real PostgreSQL and SMTP: questionnaires go out in rounds, a
family answers once with its link, and nothing stored anywhere joins an answer to a case."""

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from pypdf import PdfReader

from api.bootstrap import open_access_log, open_keywork
from api.metrics_report import report
from consumers.feedback_rounds import RoundRules
from consumers.letters import PrintQueue
from consumers.mail import SmtpMailer
from consumers.notifications import Notifier
from consumers.questionnaires import PaperQuestionnaires
from consumers.recipients import Mailboxes
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.eligibility import EligibilityFacts
from domain.errors import InvalidValue, NotAllowedNow
from projections.known_facts import Scope
from projections.metrics import Metrics
from projections.runner import ProjectionRunner
from projections.service_metrics import period
from projections.trail import Actions
from services.feedback import FeedbackTokens
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import free_port
from tests.integration.conftest import activate, as_
from tests.settings import settings_with
from tests.smtp import Inbox, smtp_server

TOKENS = FeedbackTokens("f" * 48)
AREAS = Path(__file__).parent / "areas.json"
FALLS_SHORT = EligibilityFacts(True, False, 1, 1, severe_learning_or_physical_disability=False)
SUBJECT = "Tell us how key working is going for your family"
LINK = re.compile(r"http://keywork\.test/ui/feedback/(\S+)")
CODE = re.compile(r"Code: (\d{4}(?:-[A-Z2-7]{4}){4})")


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    # Norfolk's rounds go at two families (the setting), Suffolk's at one (the areas file).
    settings = settings_with(postgres_pool_size=4, feedback_round_size=2, areas_file=AREAS)
    app = open_keywork(settings, own_database)
    yield app
    app.close()


@pytest.fixture(scope="module")
def runner(keywork: Keywork, own_database: Database) -> Iterator[ProjectionRunner]:
    access = open_access_log(settings_with(postgres_pool_size=1), own_database)
    models = (Metrics, Actions)
    running = ProjectionRunner({"keywork": keywork, "access": access}, own_database, models)
    running.start()
    yield running
    running.stop()
    access.close()


@pytest.fixture
def notifier(
    keywork: Keywork, own_database: Database, tmp_path: Path
) -> Iterator[tuple[Notifier, Inbox]]:
    port = free_port()
    letters = PrintQueue(keywork.store.datastore, tmp_path / "letters")
    rules = RoundRules(TOKENS, "http://keywork.test/ui")
    notify = Notifier(
        keywork,
        own_database,
        SmtpMailer("127.0.0.1", port),
        letters,
        Mailboxes("keywork@test", "coordinators@test"),
        rules,
    )
    with smtp_server(port) as (_, inbox):
        caught_up(notify, keywork)
        notify.send_feedback_round()
        inbox.messages.clear()
        yield notify, inbox


def caught_up(notify: Notifier, keywork: Keywork) -> None:
    while notify.positions.get() < (keywork.recorder.max_notification_id() or 0):
        notify.notify_batch()


def reviewed_case(keywork: Keywork, email: str, by_letter: bool = False) -> UUID:
    """A case whose review has been held; its parent answers by email, or by letter."""
    parent = (
        FamilyMember("Alex Parent", "mother", True, "letter", None, None, "1 Lane, Norwich")
        if by_letter
        else FamilyMember("Alex Parent", "mother", True, "email", email)
    )
    family = [parent, FamilyMember("Gran Parent", "grandmother", False, "email", "gran@x.org")]
    case_id = keywork.refer(
        as_(),
        area="norfolk",
        route="professional",
        referrer=Referrer("Dr Ada"),
        child=Child("Sam", "Parent", keywork.clock().date().replace(year=2016)),
        family=family,
        needs=[],
        consent_to_share=True,
    ).aggregate_id
    activate(keywork, case_id)
    review_id, _ = keywork.schedule_review(
        as_(), case_id, at=datetime.now(UTC), location="Home", requested_by="key_worker"
    )
    keywork.record_review_outcome(
        as_(),
        case_id,
        review_id=review_id,
        attendees=[],
        child_views="Fine",
        decisions=[],
        next_review_on=keywork.clock().date().replace(year=2030),
        key_worker_confirmed=True,
    )
    return case_id


def self_referred(keywork: Keywork, email: str, area: str = "norfolk") -> UUID:
    """A case a parent referred themselves, their questionnaires by email."""
    return keywork.refer(
        as_(),
        area=area,
        route="self",
        referrer=Referrer("Alex Parent"),
        child=Child("Kim", "Parent", keywork.clock().date().replace(year=2016)),
        family=[FamilyMember("Alex Parent", "mother", True, "email", email)],
        needs=[],
        consent_to_share=True,
    ).aggregate_id


def asked(inbox: Inbox, address: str | None = None) -> list[Any]:
    """The questionnaires in the inbox (to `address`, or to anyone)."""
    return [
        message
        for message in inbox.messages
        if message["Subject"] == SUBJECT and address in (None, message["To"])
    ]


def link_in(message: Any) -> str:
    found = LINK.search(message.get_payload(decode=True).decode())
    assert found is not None
    return found[1]


def invitations(keywork: Keywork, case_id: UUID) -> list[tuple[str, int, int]]:
    return [
        (event.occasion, event.emailed, event.posted)
        for event in keywork.timeline(case_id)
        if type(event).__name__ == "FeedbackInvited"
    ]


def test_questionnaires_go_in_rounds_to_parents_by_their_channel(
    keywork: Keywork, notifier: tuple[Notifier, Inbox]
) -> None:
    notify, inbox = notifier
    by_email = reviewed_case(keywork, "first@x.org")
    caught_up(notify, keywork)
    assert notify.send_feedback_round() == 0  # one family waiting: not a round yet
    assert asked(inbox) == [] and invitations(keywork, by_email) == []

    by_letter = reviewed_case(keywork, "", by_letter=True)
    caught_up(notify, keywork)
    assert notify.send_feedback_round() == 2
    [mail] = asked(inbox, "first@x.org")
    assert TOKENS.read(link_in(mail)).area == "norfolk"
    assert asked(inbox, "gran@x.org") == []  # without parental responsibility: not asked
    [letter] = [item for item in notify.letters.waiting() if item.subject == SUBJECT]
    text = "".join(page.extract_text() for page in PdfReader(letter.path).pages)
    assert "questionnaire is enclosed" in text and "/feedback/" not in text
    assert invitations(keywork, by_email) == [("review", 1, 0)]
    assert invitations(keywork, by_letter) == [("review", 0, 1)]

    notify.positions.store(0)  # every event handled again, as after a lost position
    caught_up(notify, keywork)
    notify.send_feedback_round()
    assert len(asked(inbox)) == 1 and invitations(keywork, by_email) == [("review", 1, 0)]


def test_an_answer_counts_once_and_nothing_stored_joins_it_to_its_case(
    keywork: Keywork, runner: ProjectionRunner, own_database: Database, notifier: Any
) -> None:
    notify, inbox = notifier
    cases = [reviewed_case(keywork, f"family{n}@x.org") for n in range(10)]
    caught_up(notify, keywork)
    assert notify.send_feedback_round() == 10
    tokens = [link_in(message) for message in asked(inbox)]
    assert len(tokens) == 10
    read = [TOKENS.read(token) for token in tokens]
    for invitation in read[:5]:
        keywork.give_feedback(invitation, {"listened_to": 4, "would_recommend": 5})
    with pytest.raises(NotAllowedNow) as again:
        keywork.give_feedback(read[0], {"listened_to": 1})
    assert (again.value.field, again.value.rule) == ("token", "answered_once")

    answers = [invitation.answer_id for invitation in read[:5]]
    secrets = [invitation.once for invitation in read] + tokens
    rows = list(every_row(own_database))
    for table, text in rows:
        assert not any(secret in text for secret in secrets), table  # the link is kept nowhere
        holds_answer = any(str(answer) in text for answer in answers)
        holds_case = any(str(case_id) in text for case_id in cases)
        assert not (holds_answer and holds_case), table  # no row holds both
    # The scan sees what is there: every answer's event, and the scores inside stored JSON.
    assert all(any(str(answer) in text for _, text in rows) for answer in answers)
    assert any('"would_recommend": 5' in text or '"would_recommend":5' in text for _, text in rows)

    for answer in answers:
        [given] = keywork.events.get(answer)
        assert given.stamp.recorded_at.timetz().replace(tzinfo=None).isoformat() == "00:00:00"
        assert given.stamp.actor == "family"

    metrics = runner.get(Metrics)
    assert runner.wait_for(metrics, keywork.recorder.max_notification_id() or 0, timeout=30)
    actions = runner.get(Actions)
    assert runner.wait_for(actions, keywork.recorder.max_notification_id() or 0, timeout=30)
    with actions.datastore.transaction(commit=False) as cursor:
        cursor.execute(actions.sql("SELECT action FROM {schema}.{p}actions"))
        on_trail = {row["action"] for row in cursor.fetchall()}
    assert "FeedbackInvited" in on_trail and "FeedbackGiven" not in on_trail
    this_month = period(datetime.now(UTC).strftime("%Y-%m"))
    found = {(f.metric, f.group): f for f in report(metrics, this_month, datetime.now(UTC)).figures}
    rate = found["feedback_response_rate_pct", "all"]
    assert rate.numerator == 5 and rate.denominator is not None and rate.denominator >= 10
    assert rate.value == round(100 * 5 / rate.denominator, 1)
    assert found["feedback_score_mean", "listened_to"].value == 4.0
    assert found["feedback_score_mean", "would_recommend"].denominator == 5
    assert found["feedback_score_mean", "made_a_difference"].value is None  # no one answered it
    # Answers know no case, so no age band: scoped by one, only the questionnaires sent show.
    by_age = report(metrics, this_month, datetime.now(UTC), Scope(age_band="5-10")).figures
    assert {f.metric for f in by_age if f.metric.startswith("feedback")} == {
        "feedback_questionnaires_sent"
    }


def every_row(database: Database) -> Iterator[tuple[str, str]]:
    """Every row of every table the service keeps, as text (stored JSON decoded)."""
    with psycopg.connect(database.conninfo) as connection:
        tables = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE "
            "table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'"
        ).fetchall()
        for schema, name in tables:
            for row in connection.execute(f'SELECT * FROM "{schema}"."{name}"'):
                yield (
                    f"{schema}.{name}",
                    " ".join(
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                        for value in row
                    ),
                )


def test_each_area_sends_its_own_rounds(keywork: Keywork, notifier: tuple[Notifier, Inbox]) -> None:
    notify, inbox = notifier
    in_norfolk = reviewed_case(keywork, "norfolk@x.org")
    in_suffolk = self_referred(keywork, "suffolk@x.org", "suffolk")
    keywork.close_case(as_(), in_suffolk, reason="family_withdrew")
    caught_up(notify, keywork)
    assert notify.send_feedback_round() == 1
    assert len(asked(inbox, "suffolk@x.org")) == 1 and asked(inbox, "norfolk@x.org") == []
    assert notify.send_feedback_round(now=True) == 1  # Norfolk's, sent now, for the next test
    assert invitations(keywork, in_norfolk) == [("review", 1, 0)]


def test_a_family_gets_one_questionnaire_a_round_and_none_if_not_eligible(
    keywork: Keywork, notifier: tuple[Notifier, Inbox]
) -> None:
    notify, inbox = notifier
    reviewed_then_closed = reviewed_case(keywork, "closing@x.org")
    keywork.close_case(as_(), reviewed_then_closed, reason="needs_met", family_agreed=True)
    declined = self_referred(keywork, "declined@x.org")
    keywork.decide_eligibility(as_(), declined, FALLS_SHORT)
    keywork.close_case(as_(), declined, reason="not_eligible")
    reviewed_case(keywork, "other@x.org")  # a second family, so that a round is due
    caught_up(notify, keywork)
    assert notify.send_feedback_round() == 2
    assert len(asked(inbox, "closing@x.org")) == 1
    assert invitations(keywork, reviewed_then_closed) == [("closure", 1, 0)]
    assert asked(inbox, "declined@x.org") == [] and invitations(keywork, declined) == []


def test_a_printed_stack_has_a_code_a_page_each_answered_once_and_needs_an_area(
    keywork: Keywork,
) -> None:
    printer = PaperQuestionnaires(TOKENS, "http://keywork.test/ui/feedback", keywork.clock)
    pages = PdfReader(io.BytesIO(printer.print_stack("norfolk", 3))).pages
    assert len(pages) == 3
    assert all("http://keywork.test/ui/feedback" in page.extract_text() for page in pages)
    codes = [code for page in pages for code in CODE.findall(page.extract_text())]
    assert len(codes) == 3 and len(set(codes)) == 3

    today = keywork.clock().date()
    read = [TOKENS.read_paper_code(code, keywork.areas.names(), today) for code in codes]
    assert {invitation.area for invitation in read} == {"norfolk"}
    assert len({invitation.answer_id for invitation in read}) == 3
    keywork.give_feedback(read[0], {"listened_to": 3})
    with pytest.raises(NotAllowedNow):
        keywork.give_feedback(read[0], {"listened_to": 3})
    keywork.give_feedback(read[1], {"listened_to": 3})  # another code, another family

    with pytest.raises(InvalidValue) as nowhere:
        printer.print_stack(None, 3)
    assert (nowhere.value.field, nowhere.value.rule) == ("area", "known_area")
