"""A signed plan goes to exactly its distribution list, on a real SMTP server, as the team changes
and even when the list has not yet caught up."""

from projections.runner import ProjectionRunner
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import as_, practitioner
from tests.integration.notifications.world import (
    BUSINESS_SUPPORT,
    all_caught_up,
    case_with_team,
    distribution_lists,
    draft,
    join_tac,
    notifier,
    on_the_list,
    plan_subject,
    sign,
)
from tests.smtp import smtp_server


def test_a_signed_plan_goes_to_exactly_the_distribution_list_as_the_team_changes(
    keywork: Keywork, own_database: Database, mail_port: int, runner: ProjectionRunner
) -> None:
    notify = notifier(keywork, own_database, mail_port)
    with smtp_server(mail_port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, _, _ = case_with_team(keywork)
        leaving = practitioner(keywork, "pat@nhs.test", name="Pat Physio")
        by_post = practitioner(
            keywork, "sol@school.test", name="Sol Senco", postal_address="2 Road, Norwich"
        )
        not_for_plans = practitioner(keywork, "ola@nhs.test", name="Ola Nurse")
        join_tac(keywork, case_id, leaving)
        join_tac(keywork, case_id, by_post, channel="letter")
        join_tac(keywork, case_id, not_for_plans, plans=False)
        draft(keywork, case_id)
        sign(keywork, case_id, 1)
        all_caught_up(notify, keywork)
        lists = {1: on_the_list(runner, keywork, case_id)}
        joining = practitioner(keywork, "kit@nhs.test", name="Kit Speech")
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
        newcomer = practitioner(keywork, "max@nhs.test", name="Max Late")
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
