"""Notifications on a real SMTP server and PostgreSQL: the right people, once each."""

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
from pypdf import PdfReader

from api.bootstrap import open_keywork
from consumers.letters import PrintQueue
from consumers.mail import SmtpMailer
from consumers.notifications import Notifier
from consumers.recipients import Mailboxes
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.transition import months_after
from projections.distribution_list import DistributionList
from projections.runner import ProjectionRunner
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import free_port
from tests.conftest import fresh_database
from tests.integration.conftest import MEETS_NORFOLK, activate, as_, practitioner, refer
from tests.settings import DATA, settings_with
from tests.smtp import smtp_server

MANAGERS = "managers@keywork.test"
COORDINATORS = "coordinators@keywork.test"
BUSINESS_SUPPORT = "business-support@keywork.test"
LETTERS = DATA / "notification-letters"  # removed with the tests' data folder


@pytest.fixture(scope="module")
def own_database(database: Database) -> Database:
    return fresh_database(database, "keywork_notifications")


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    settings = settings_with(
        postgres_pool_size=4, business_support_email=BUSINESS_SUPPORT, managers_email=MANAGERS
    )
    app = open_keywork(settings, own_database)
    yield app
    app.close()


def distribution_lists(keywork: Keywork, database: Database) -> ProjectionRunner:
    return ProjectionRunner({"keywork": keywork}, database, (DistributionList,), keywork.rules)


@pytest.fixture(autouse=True)
def runner(keywork: Keywork, own_database: Database) -> Iterator[ProjectionRunner]:
    """The distribution list, kept as in the service: a signed plan goes to whoever is on it."""
    running = distribution_lists(keywork, own_database)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def mail_port() -> int:
    return free_port()


def notifier(keywork: Keywork, database: Database, port: int) -> Notifier:
    letters = PrintQueue(keywork.store.datastore, LETTERS)
    mailboxes = Mailboxes("keywork@test", COORDINATORS)
    return Notifier(keywork, database, SmtpMailer("127.0.0.1", port), letters, mailboxes)


def all_caught_up(notify: Notifier, keywork: Keywork) -> None:
    while notify.positions.get() < (keywork.recorder.max_notification_id() or 0):
        notify.notify_batch()


def case_with_team(
    keywork: Keywork, worker_email: str = "jo@example.org", **gran: Any
) -> tuple[Any, list[Any], Any]:
    family = [
        FamilyMember("Alex Parent", "mother", True, "email", "alex@example.org"),
        FamilyMember(
            "Gran Parent", "grandmother", False, "letter", None, None, "1 Lane, Norwich", **gran
        ),
    ]
    case_id = keywork.refer(
        as_(),
        area="norfolk",
        route="professional",
        referrer=Referrer("Dr Ada", "ada@example.org"),
        child=Child("Sam", "Parent", keywork.clock().date().replace(year=2016)),
        family=family,
        needs=[],
        consent_to_share=True,
    ).aggregate_id
    keywork.decide_eligibility(as_(), case_id, MEETS_NORFOLK)
    team = [practitioner(keywork) for _ in range(2)]
    for member in team:
        keywork.add_tac_member(
            as_(),
            case_id,
            practitioner_id=member,
            role="Physio",
            receives_plans=True,
            channel="email",
        )
    worker = practitioner(keywork, worker_email)
    keywork.allocate_key_worker(
        as_(), case_id, kind="designated", from_date=keywork.clock().date(), practitioner_id=worker
    )
    return case_id, team, worker


def test_a_new_key_worker_is_announced_once_to_the_family_and_the_team(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    all_caught_up(notify, keywork)
    with smtp_server(mail_port) as (_, inbox):
        case_with_team(keywork)
        all_caught_up(notify, keywork)
        assert [m["Subject"] for m in inbox.to("ada@example.org")] == ["Referral received"]
        assert [m["Subject"] for m in inbox.to(COORDINATORS)] == ["New referral to triage"]
        [to_family] = inbox.to("alex@example.org")
        assert to_family["Subject"] == "Your key worker"
        assert (
            "Jo Worker" in to_family.get_payload() and "jo@example.org" in to_family.get_payload()
        )
        assert len(inbox.to("jo@example.org")) == 2  # the two TAC members share the test email
        sent = len(inbox.messages)
        notify.positions.store(0)  # every event delivered again, as after a lost position
        all_caught_up(notify, keywork)
        assert len(inbox.messages) == sent


def test_a_recipient_reached_by_letter_gets_a_pdf_letter_in_the_print_queue(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port):
        all_caught_up(notify, keywork)
        earlier = {item.letter_id for item in notify.letters.waiting()}
        case_with_team(keywork)
        all_caught_up(notify, keywork)
    [letter] = [item for item in notify.letters.waiting() if item.letter_id not in earlier]
    assert letter.recipient == "family:1"
    text = "".join(page.extract_text() for page in PdfReader(letter.path).pages)
    assert "Gran Parent" in text and "1 Lane" in text and "Norwich" in text
    assert "Your key worker" in text and "Jo Worker" in text
    assert notify.letters.mark_posted(letter.letter_id)
    assert not notify.letters.mark_posted(letter.letter_id)  # posted once
    assert letter.letter_id not in {item.letter_id for item in notify.letters.waiting()}


def test_each_copy_of_a_signed_plan_is_recorded_on_the_case_once(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, team, _ = case_with_team(keywork)
        keywork.draft_plan(
            as_(), case_id, summary="Sleep and mobility", outcomes=["Sleeps through"], actions=[]
        )
        keywork.sign_plan(
            as_(),
            case_id,
            plan_version=1,
            signed_by="Alex Parent",
            signed_on=keywork.clock().date(),  # today: the command says no time of its own
        )
        all_caught_up(notify, keywork)
        notify.positions.store(0)
        all_caught_up(notify, keywork)  # delivered again: nothing more sent or recorded
        [to_parent] = [m for m in inbox.to("alex@example.org") if "version 1" in m["Subject"]]
        assert "Sleep and mobility" in to_parent.get_payload()
    copies = keywork.case(case_id).plan(1).distribution()
    expected = {"family:0", *(f"practitioner:{m}" for m in team)}
    assert expected <= set(copies)
    assert "family:1" not in copies  # no parental responsibility
    assert all(copy.sent for copy in copies.values())
    recorded = [e for e in keywork.timeline(case_id) if type(e).__name__ == "PlanCopySent"]
    assert len(recorded) == len(copies)
    assert {e.stamp.actor for e in recorded} == {"keywork-notifier"}


def test_with_the_mail_server_down_nothing_is_lost_and_then_everything_goes_once(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port):
        all_caught_up(notify, keywork)
    before = notify.positions.get()
    case_with_team(keywork)
    with pytest.raises(OSError):
        notify.notify_batch()  # nobody listens on the port
    assert notify.positions.get() == before
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        assert len(inbox.to("alex@example.org")) == 1
        assert len(inbox.to("ada@example.org")) == 1


def test_a_crash_between_sending_and_confirming_never_sends_twice(
    keywork: Keywork, own_database: Database, mail_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        keywork.refer(
            as_(),
            area="norfolk",
            route="self",
            referrer=Referrer("Alex", "late@example.org"),
            child=Child("Kim", "Parent", keywork.clock().date().replace(year=2018)),
            family=[FamilyMember("Alex", "mother", True, "email", "late@example.org")],
            needs=[],
            consent_to_share=True,
        )

        def crash(*args: Any) -> None:
            raise KeyboardInterrupt("the notifier was killed after the server accepted the mail")

        monkeypatch.setattr(notify.outbox, "confirm", crash)
        with pytest.raises(KeyboardInterrupt):
            notify.notify_batch()
        monkeypatch.undo()
        restarted = notifier(keywork, own_database, mail_port)
        all_caught_up(restarted, keywork)
        assert len(inbox.to(COORDINATORS)) == 1  # sent before the crash, not again after
        assert len(inbox.to("late@example.org")) == 1
        assert [recipient for _, recipient in restarted.unconfirmed()] == ["coordinators"]


def test_messages_carry_a_stable_id_for_each_event_and_recipient(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port) as (_, inbox):
        case_with_team(keywork)
        all_caught_up(notify, keywork)
        ids = [m["Message-ID"] for m in inbox.messages]
        assert len(ids) == len(set(ids))
        assert all(i.endswith("@keywork>") for i in ids)


def test_the_closure_letter_carries_the_final_plan(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, _, _ = case_with_team(keywork)
        keywork.draft_plan(
            as_(), case_id, summary="Final: school transport", outcomes=[], actions=[]
        )
        keywork.sign_plan(
            as_(),
            case_id,
            plan_version=1,
            signed_by="Alex Parent",
            signed_on=keywork.clock().date(),  # today: the command says no time of its own
        )
        keywork.close_case(
            as_(), case_id, reason="needs_met", final_plan_version=1, family_agreed=True
        )
        all_caught_up(notify, keywork)
        [closure] = [
            m for m in inbox.to("alex@example.org") if m["Subject"] == "Key working has ended"
        ]
        assert "Final: school transport" in closure.get_payload()


def registered(keywork: Keywork, name: str, email: str, postal_address: str | None = None) -> UUID:
    agency = keywork.register_agency(as_("admin-1"), name="Community health", sector="health")
    return keywork.register_practitioner(
        as_("admin-1"),
        name=name,
        role_title="Therapist",
        agency_id=agency.aggregate_id,
        email=email,
        postal_address=postal_address,
    ).aggregate_id


def join_tac(
    keywork: Keywork, case_id: UUID, member: UUID, channel: str = "email", plans: bool = True
) -> None:
    keywork.add_tac_member(
        as_(),
        case_id,
        practitioner_id=member,
        role="Therapist",
        receives_plans=plans,
        channel=channel,
    )


def draft(keywork: Keywork, case_id: UUID) -> None:
    keywork.draft_plan(as_(), case_id, summary="Mobility", outcomes=[], actions=[])


def sign(keywork: Keywork, case_id: UUID, version: int) -> None:
    keywork.sign_plan(
        as_(),
        case_id,
        plan_version=version,
        signed_by="Alex Parent",
        signed_on=keywork.clock().date(),
    )


def on_the_list(runner: ProjectionRunner, keywork: Keywork, case_id: UUID) -> dict[str, Any]:
    """The case's distribution list as the read model has it now: channel and address by key."""
    model = runner.get(DistributionList)
    assert model.wait_for(keywork.recorder.max_notification_id() or 0, timeout=30)
    today = keywork.clock().date()
    listed = model.keyed(case_id, today)
    return {key: (recipient.channel, recipient.address) for key, recipient in listed}


def plan_subject(version: int) -> str:
    return f"Family Support Plan, version {version}"


def test_a_signed_plan_goes_to_exactly_the_distribution_list_as_the_team_changes(
    keywork: Keywork, own_database: Database, mail_port: int, runner: ProjectionRunner
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, _, _ = case_with_team(keywork)
        leaving = registered(keywork, "Pat Physio", "pat@nhs.test")
        by_post = registered(keywork, "Sol Senco", "sol@school.test", "2 Road, Norwich")
        not_for_plans = registered(keywork, "Ola Nurse", "ola@nhs.test")
        join_tac(keywork, case_id, leaving)
        join_tac(keywork, case_id, by_post, channel="letter")
        join_tac(keywork, case_id, not_for_plans, plans=False)
        draft(keywork, case_id)
        sign(keywork, case_id, 1)
        all_caught_up(notify, keywork)
        lists = {1: on_the_list(runner, keywork, case_id)}
        joining = registered(keywork, "Kit Speech", "kit@nhs.test")
        join_tac(keywork, case_id, joining)
        keywork.remove_tac_member(as_(), case_id, practitioner_id=leaving, reason="Discharged")
        draft(keywork, case_id)
        sign(keywork, case_id, 2)
        all_caught_up(notify, keywork)
        lists[2] = on_the_list(runner, keywork, case_id)
        emailed = {
            v: {m["To"] for m in inbox.messages if m["Subject"] == plan_subject(v)} for v in lists
        }
    for version, listed in lists.items():
        copies = keywork.case(case_id).plan(version).distribution()
        assert {key: copy.channel for key, copy in copies.items()} == {
            key: channel for key, (channel, _) in listed.items()
        }
        assert all(copy.sent for copy in copies.values())
        assert emailed[version] == {a for channel, a in listed.values() if channel == "email"}
        posted = {
            letter.recipient
            for letter in notify.letters.waiting()
            if letter.case_id == case_id and letter.subject == plan_subject(version)
        }
        assert posted == {key for key, (channel, _) in listed.items() if channel == "letter"}
    assert lists[1][f"practitioner:{by_post}"] == ("letter", "2 Road, Norwich")
    assert lists[1]["business_support"] == ("email", BUSINESS_SUPPORT)
    assert f"practitioner:{not_for_plans}" not in lists[1]
    assert f"practitioner:{leaving}" in lists[1] and f"practitioner:{leaving}" not in lists[2]
    assert f"practitioner:{joining}" not in lists[1] and f"practitioner:{joining}" in lists[2]


def test_a_plan_signed_before_the_list_has_caught_up_waits_for_it_and_is_not_skipped(
    keywork: Keywork, own_database: Database, mail_port: int, runner: ProjectionRunner
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    notify.recipients.plans.wait_seconds = 0.2
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, _, _ = case_with_team(keywork)
        all_caught_up(notify, keywork)
        runner.stop()  # the distribution list stays where it is
        newcomer = registered(keywork, "Max Late", "max@nhs.test")
        join_tac(keywork, case_id, newcomer)
        draft(keywork, case_id)
        before_signing = keywork.recorder.max_notification_id()
        sign(keywork, case_id, 1)
        notify.notify_batch()
        assert notify.positions.get() == before_signing  # the signing is left for later
        assert not [m for m in inbox.messages if m["Subject"] == plan_subject(1)]
        assert keywork.case(case_id).plan(1).distribution() == {}
        catching_up = distribution_lists(keywork, own_database)
        catching_up.start()
        try:
            all_caught_up(notify, keywork)
        finally:
            catching_up.stop()
        plan_to = [m["To"] for m in inbox.messages if m["Subject"] == plan_subject(1)]
    assert plan_to.count("max@nhs.test") == 1 and plan_to.count(BUSINESS_SUPPORT) == 1
    assert f"practitioner:{newcomer}" in keywork.case(case_id).plan(1).distribution()


def test_while_the_key_worker_is_away_the_cover_is_invited_and_the_family_told_of_the_return(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    """The guide: "Develop a service-wide formal process for covering key working practitioner
    absence and ensure that families are fully informed about this"."""
    notify = notifier(keywork, own_database, mail_port)
    all_caught_up(notify, keywork)
    with smtp_server(mail_port) as (_, inbox):
        case_id, _, _ = case_with_team(keywork, "away@example.org")
        today = keywork.clock().date()
        cover = practitioner(keywork, "cover@example.org")
        until = today + timedelta(days=60)
        keywork.arrange_cover(
            as_(), case_id, practitioner_id=cover, from_date=today, until=until, reason="Sick"
        )
        at = datetime.combine(today + timedelta(days=14), time(10), UTC)
        keywork.schedule_review(as_(), case_id, at=at, location="Family home")
        all_caught_up(notify, keywork)

        def told(address: str, subject: str) -> list[Any]:
            return [m for m in inbox.to(address) if m["Subject"] == subject]

        # Away today and on the day of the meeting: the cover is invited in their place.
        invite = "Invitation to a review meeting"
        assert len(told("cover@example.org", invite)) == 1
        assert told("away@example.org", invite) == []

        keywork.end_cover(as_(), case_id, on=today + timedelta(days=1))
        all_caught_up(notify, keywork)
        [back] = told("alex@example.org", "Your key worker is back")
        assert "away@example.org" in back.get_payload()
        assert len(told("jo@example.org", "Your key worker is back")) == 2  # the two on the team


def test_whoever_is_invited_to_a_review_hears_of_its_move_its_cancellation_and_decisions(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    """Lincolnshire: business support "send out letters of invites" to the review; the plan is
    reviewed at each meeting and its decisions reach the people around the family."""
    notify = notifier(keywork, own_database, mail_port)
    all_caught_up(notify, keywork)
    with smtp_server(mail_port) as (_, inbox):
        case_id, _, _ = case_with_team(keywork, "worker@example.org")
        today = keywork.clock().date()

        def on(days: int) -> datetime:
            return datetime.combine(today + timedelta(days=days), time(10), UTC)

        moved, _ = keywork.schedule_review(as_(), case_id, at=on(10), location="School")
        keywork.reschedule_review(as_(), case_id, review_id=moved, at=on(12), reason="Half term")
        dropped, _ = keywork.schedule_review(as_(), case_id, at=on(20), location="Clinic")
        keywork.cancel_review(as_(), case_id, review_id=dropped, reason="Unwell")
        keywork.record_review_outcome(
            as_(),
            case_id,
            review_id=moved,
            attendees=["Alex Parent"],
            child_views="Likes the new class",
            decisions=["Ask for a hydrotherapy assessment"],
            next_review_on=today + timedelta(days=180),
            key_worker_confirmed=True,
        )
        all_caught_up(notify, keywork)
        news = [
            "Invitation to a review meeting",
            "A review meeting has moved",
            "Invitation to a review meeting",
            "A review meeting is cancelled",
            "What the review meeting decided",
        ]
        for address in ("alex@example.org", "worker@example.org"):
            assert [m["Subject"] for m in inbox.to(address) if "review" in m["Subject"]] == news
        [decided] = [m for m in inbox.to("worker@example.org") if "decided" in m["Subject"]]
        assert "Ask for a hydrotherapy assessment" in decided.get_payload()
        moved_to = on(12).strftime("%A %d %B %Y at %H:%M")
        [told_of_move] = [m for m in inbox.to("alex@example.org") if "moved" in m["Subject"]]
        assert moved_to in told_of_move.get_payload()
        # Nothing of why it moved or was cancelled: the reasons are the case's, sealed.
        assert not any("Half term" in m.get_payload() for m in inbox.messages)


def test_letters_come_in_the_format_a_family_member_needs_and_invites_name_the_interpreter(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    """The guide: "understand the varied needs of the families in their area, for example
    regarding cultural expectations and potential interpretation support"."""
    notify = notifier(keywork, own_database, mail_port)
    needs = {"language": "Polish", "needs_interpreter": True, "accessible_format": "large_print"}
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        earlier = {item.letter_id for item in notify.letters.waiting()}
        case_id, _, _ = case_with_team(keywork, "interpreted@example.org", **needs)
        at = datetime.combine(keywork.clock().date() + timedelta(days=7), time(10), UTC)
        keywork.schedule_review(as_(), case_id, at=at, location="Family home")
        all_caught_up(notify, keywork)
        [invite] = [m for m in inbox.to("interpreted@example.org") if "review" in m["Subject"]]
        assert "An interpreter will be there: Polish." in invite.get_payload()
    letters = [item for item in notify.letters.waiting() if item.letter_id not in earlier]
    assert {(item.recipient, item.accessible_format) for item in letters} == {
        ("family:1", "large_print")
    }
    [page] = PdfReader(letters[0].path).pages
    sizes = {round(size) for size in _type_sizes(page)}
    assert min(sizes) >= 16  # large print, every line of it


def _type_sizes(page: Any) -> list[float]:
    sizes: list[float] = []

    def visit(text: str, matrix: Any, text_matrix: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.append(size * text_matrix[0])

    page.extract_text(visitor_text=visit)
    return sizes


def test_a_transition_reminder_goes_to_the_cover_and_the_managers_and_names_no_one(
    keywork: Keywork, own_database: Database, mail_port: int
) -> None:
    """The guide: "strategies for exiting are put in place well in advance": five months before
    the end of cover by age, the six-month reminder goes to whoever acts as the key worker (the
    cover, while the key worker is away) and to the managers, without the child's details."""
    notify = notifier(keywork, own_database, mail_port)
    all_caught_up(notify, keywork)
    today = keywork.clock().date()
    born = months_after(today, 5 - 19 * 12)  # 19, past Norfolk's limit of 18, in five months
    case_id = activate(
        keywork, refer(keywork, born=born), practitioner(keywork, "away-at-19@example.org")
    )
    cover = practitioner(keywork, "cover-at-19@example.org")
    until = today + timedelta(days=30)
    keywork.arrange_cover(
        as_(), case_id, practitioner_id=cover, from_date=today, until=until, reason="Leave"
    )
    with smtp_server(mail_port) as (_, inbox):
        keywork.remind_of_transition(as_("keywork-scheduler"), case_id)
        all_caught_up(notify, keywork)
        subject = "Transition to adult services: 6 months left"
        [to_cover] = [m for m in inbox.to("cover-at-19@example.org") if m["Subject"] == subject]
        assert [m["Subject"] for m in inbox.to(MANAGERS)] == [subject]
        assert inbox.to("away-at-19@example.org") == []
        body = to_cover.get_payload()
        assert "No transition plan" in body and str(case_id) in body
        for personal in ("Sam", "Parent", born.isoformat(), born.strftime("%d %B %Y")):
            assert personal not in body
