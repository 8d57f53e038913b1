"""Notifications on a real SMTP server and PostgreSQL: the right people, once each."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from domain.transition import months_after
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import activate, as_, practitioner, refer
from tests.integration.notifications.world import (
    COORDINATORS,
    MANAGERS,
    all_caught_up,
    case_with_team,
    draft,
    notifier,
    sign,
)
from tests.smtp import smtp_server


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
        draft(keywork, case_id, "Sleep and mobility")
        sign(keywork, case_id, 1)
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
        draft(keywork, case_id, "Final: school transport")
        sign(keywork, case_id, 1)
        keywork.close_case(
            as_(), case_id, reason="needs_met", final_plan_version=1, family_agreed=True
        )
        all_caught_up(notify, keywork)
        [closure] = [
            m for m in inbox.to("alex@example.org") if m["Subject"] == "Key working has ended"
        ]
        assert "Final: school transport" in closure.get_payload()


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
