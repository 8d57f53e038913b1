"""The scheduled work with the clock in the test's hands: overdue contacts and reviews flagged
once, escalated once, told once; the reports of a review forwarded shortly before it."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api.bootstrap import open_keywork
from consumers.letters import PrintQueue
from consumers.mail import SmtpMailer
from consumers.notifications import Notifier
from consumers.recipients import Mailboxes
from consumers.scheduled_work import ScheduledWork
from projections.caseloads import caseload
from projections.generations import ensure_generation, live_generation
from projections.key_working import KeyWorking
from projections.runner import catch_up
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import free_port
from tests.conftest import fresh_database
from tests.integration.conftest import active_case, as_, contact, practitioner, sign_agreement
from tests.settings import settings_with
from tests.smtp import smtp_server

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Norfolk with a team that has its own managers' mailbox; the rest are the settings' defaults.
AREAS = Path(__file__).parent / "areas.json"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def own_database(database: Database) -> Database:
    return fresh_database(database, "keywork_overdue")


@pytest.fixture
def keywork(own_database: Database, clock: Clock) -> Iterator[Keywork]:
    areas = settings_with(
        postgres_pool_size=4,
        escalate_overdue_after_days=5,
        managers_email="managers@test",
        areas_file=AREAS,
    )
    app = open_keywork(areas, own_database, clock)
    yield app
    app.close()


def key_working(keywork: Keywork) -> KeyWorking:
    datastore = keywork.store.datastore
    ensure_generation(datastore, KeyWorking.name)
    model = KeyWorking(datastore, live_generation(datastore, KeyWorking.name))
    model.create_table()
    return model


def notifier(keywork: Keywork, database: Database, port: int, letters: Path) -> Notifier:
    """The notifier, sending to the test's mail server on `port`."""
    mailboxes = Mailboxes("keywork@test", "coordinators@test")
    return Notifier(
        keywork,
        database,
        SmtpMailer("127.0.0.1", port),
        PrintQueue(keywork.store.datastore, letters),
        mailboxes,
    )


def checked_on(
    keywork: Keywork, model: KeyWorking, clock: Clock, work: ScheduledWork, day: int
) -> int:
    """The scheduled work done on the `day`th day from the start, key working caught up."""
    clock.now = START + timedelta(days=day)
    while catch_up(keywork, model):
        pass
    return work.check(clock.now.date())


def flags(keywork: Keywork, case_id: object) -> list[tuple[str, str]]:
    return [
        (str(vars(e)["due_on"]), vars(e)["told"])
        for e in keywork.timeline(case_id)  # type: ignore[arg-type]
        if type(e).__name__ == "ContactOverdue"
    ]


def test_an_overdue_contact_is_flagged_once_then_raised_with_the_managers_once(
    keywork: Keywork, clock: Clock
) -> None:
    model = key_working(keywork)
    case_id = active_case(keywork)
    sign_agreement(keywork, case_id, every_days=7)
    overdue = ScheduledWork(keywork, model)

    def check_on(day: int) -> int:
        return checked_on(keywork, model, clock, overdue, day)

    assert check_on(7) == 0  # due today: not yet overdue
    assert check_on(8) == 1
    assert check_on(9) == 0
    assert flags(keywork, case_id) == [("2026-01-12", "key_worker")]
    assert check_on(13) == 1  # six days overdue: past the five allowed
    assert check_on(14) == 0
    assert flags(keywork, case_id)[-1] == ("2026-01-12", "manager")
    contact(keywork, case_id)
    assert check_on(15) == 0  # contacted: next due 2026-01-27


@pytest.mark.parametrize(
    ("team", "managers"),
    [(None, "managers@test"), ("north", "north-managers@test"), ("south", "managers@test")],
)
def test_the_key_worker_then_the_managers_of_their_team_are_told(
    keywork: Keywork,
    own_database: Database,
    clock: Clock,
    tmp_path: Path,
    team: str | None,
    managers: str,
) -> None:
    """The north team has its own managers' mailbox in the areas file; the south team, listed
    without one, and a key worker in no team listed, have the area's."""
    model = key_working(keywork)
    case_id = active_case(keywork, practitioner(keywork, team_id=team))
    sign_agreement(keywork, case_id, every_days=7)
    port = free_port()
    notify = notifier(keywork, own_database, port, tmp_path)
    with smtp_server(port) as (_, inbox):
        work = ScheduledWork(keywork, model)
        for day in (8, 20):
            checked_on(keywork, model, clock, work, day)
        while notify.notify_batch():
            pass
        assert [m["Subject"] for m in inbox.to("jo@example.org")].count("Contact overdue") == 1
        assert [m["Subject"] for m in inbox.to(managers)] == ["Contact still overdue"]
        assert len([m for m in inbox.messages if m["Subject"] == "Contact still overdue"]) == 1


def test_during_cover_the_cover_is_told_not_the_absent_key_worker(
    keywork: Keywork, own_database: Database, clock: Clock, tmp_path: Path
) -> None:
    """The guide: "establish formal arrangements for covering the absence of key working
    practitioners"; the cover acts as the key worker while it is in place."""
    clock.now = START
    model = key_working(keywork)
    case_id = active_case(keywork, practitioner(keywork, "away@example.org"))
    sign_agreement(keywork, case_id, every_days=7)
    cover = practitioner(keywork, "cover@example.org")
    keywork.arrange_cover(
        as_(),
        case_id,
        practitioner_id=cover,
        from_date=START.date(),
        until=START.date() + timedelta(days=30),
        reason="Sick leave",
    )
    port = free_port()
    notify = notifier(keywork, own_database, port, tmp_path)
    with smtp_server(port) as (_, inbox):
        checked_on(keywork, model, clock, ScheduledWork(keywork, model), 8)
        while notify.notify_batch():
            pass
        assert [m["Subject"] for m in inbox.to("cover@example.org")].count("Contact overdue") == 1
        assert "Contact overdue" not in [m["Subject"] for m in inbox.to("away@example.org")]


def test_a_review_past_its_day_is_flagged_to_the_key_worker_then_the_managers(
    keywork: Keywork, own_database: Database, clock: Clock, tmp_path: Path
) -> None:
    """Lincolnshire's reviews are "reviewed at each meeting"; a review past its day without its
    outcome is told to the key worker, then their manager, as an overdue contact is."""
    clock.now = START
    model = key_working(keywork)
    worker = practitioner(keywork, "reviewer@example.org")
    case_id = active_case(keywork, worker)
    meeting = START + timedelta(days=3)
    keywork.schedule_review(as_(), case_id, at=meeting, location="Family home")
    port = free_port()
    notify = notifier(keywork, own_database, port, tmp_path)
    work = ScheduledWork(keywork, model)

    def check_on(day: int) -> int:
        return checked_on(keywork, model, clock, work, day)

    with smtp_server(port) as (_, inbox):
        assert check_on(3) == 0  # the day of the meeting: not yet overdue
        assert check_on(4) == 1
        [entry] = caseload(model, worker, clock.now.date())
        assert entry.review_overdue
        assert keywork.case(case_id).is_review_overdue(clock.now.date())
        assert check_on(5) == 0  # once for each person told
        assert check_on(11) == 1  # eight days overdue: past the five allowed
        while notify.notify_batch():
            pass
        told = [m["Subject"] for m in inbox.to("reviewer@example.org")]
        assert [subject for subject in told if "overdue" in subject] == ["Review overdue"]
        assert [m["Subject"] for m in inbox.to("managers@test")] == ["Review still overdue"]


def test_the_reports_for_a_review_go_to_the_key_worker_shortly_before_it(
    keywork: Keywork, own_database: Database, clock: Clock, tmp_path: Path
) -> None:
    """Lincolnshire: "Reports received by ESCO Business Support will be forwarded to the
    Non-Designated Key Worker shortly before the review meeting"."""
    clock.now = START
    model = key_working(keywork)
    case_id = active_case(keywork, practitioner(keywork, "reported@example.org"))
    physio = practitioner(keywork, "physio@example.org")
    keywork.add_tac_member(
        as_(), case_id, practitioner_id=physio, role="Physio", receives_plans=False, channel="email"
    )
    review_id, _ = keywork.schedule_review(
        as_(), case_id, at=START + timedelta(days=10), location="School"
    )

    def report(title: str) -> None:
        keywork.receive_review_report(
            as_(), case_id, review_id=review_id, from_practitioner_id=physio, title=title
        )

    report("Physiotherapy progress")
    work = ScheduledWork(keywork, model, forward_days_before=3)
    port = free_port()
    notify = notifier(keywork, own_database, port, tmp_path)

    def check_on(day: int) -> int:
        return checked_on(keywork, model, clock, work, day)

    with smtp_server(port) as (_, inbox):
        assert check_on(6) == 0  # four days before: not yet
        assert check_on(7) == 1
        assert check_on(8) == 0  # nothing new
        report("Speech and language update")
        assert check_on(9) == 1  # the late one follows
        while notify.notify_batch():
            pass
        forwarded = [m for m in inbox.to("reported@example.org") if "Reports" in m["Subject"]]
        assert len(forwarded) == 2
        assert "Physiotherapy progress, from Jo Worker" in forwarded[0].get_payload()
        assert "Speech and language update" in forwarded[1].get_payload()


def test_the_key_worker_and_the_managers_are_reminded_as_the_age_limit_nears(
    keywork: Keywork, own_database: Database, clock: Clock, tmp_path: Path
) -> None:
    """The guide: "it is important that this is explained clearly to families when key working
    begins and that strategies for exiting are put in place well in advance"; reminders come
    12 and 6 months before the end of cover by age (Norfolk's limit: 18, so until the day
    before the 19th birthday), once each, saying whether a transition plan is made."""
    clock.now = START
    model = key_working(keywork)
    nineteenth_birthday = date(2027, 1, 15)
    case_id = active_case(
        keywork, practitioner(keywork, "transition@example.org"), born=date(2008, 1, 15)
    )
    port = free_port()
    notify = notifier(keywork, own_database, port, tmp_path)
    work = ScheduledWork(keywork, model)

    def check_on(day: date) -> int:
        return checked_on(keywork, model, clock, work, (day - START.date()).days)

    with smtp_server(port) as (_, inbox):
        assert check_on(date(2026, 1, 14)) == 0
        assert check_on(date(2026, 1, 15)) == 1  # twelve months before the 19th birthday
        assert check_on(date(2026, 1, 16)) == 0
        keywork.plan_transition(
            as_(),
            case_id,
            adult_services="Adult social care",
            receiving_contact="Pat Receiving",
            planned_on=nineteenth_birthday - timedelta(days=30),
        )
        assert check_on(date(2026, 7, 15)) == 1  # six months before
        assert check_on(date(2026, 7, 16)) == 0
        while notify.notify_batch():
            pass
        for told in ("transition@example.org", "managers@test"):
            reminders = [m for m in inbox.to(told) if "Transition" in m["Subject"]]
            assert [m["Subject"] for m in reminders] == [
                "Transition to adult services: 12 months left",
                "Transition to adult services: 6 months left",
            ]
            assert "No transition plan" in reminders[0].get_payload()
            assert "A transition plan to adult services is recorded" in reminders[1].get_payload()
            assert "Sam" not in reminders[0].get_payload()
