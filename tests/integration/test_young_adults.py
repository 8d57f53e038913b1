"""A young person who is their own key worker, on real PostgreSQL and a real SMTP server: who
the key worker is, whose caseload it leaves, and how the young person is reached."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from api.bootstrap import open_keywork
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from projections.caseloads import caseload, who_is_key_worker
from projections.distribution_list import DistributionList
from projections.key_working import KeyWorking
from projections.runner import ProjectionRunner
from services.keywork import Keywork
from store.database import Database
from store.embedded_postgres import free_port
from tests.integration.conftest import MEETS_NORFOLK, as_, practitioner
from tests.integration.notifications.world import (
    BUSINESS_SUPPORT,
    all_caught_up,
    notifier,
    plan_subject,
)
from tests.settings import settings_with
from tests.smtp import smtp_server

MOTHER = FamilyMember("Alex Parent", "mother", True, "email", "alex@example.org")
SAM = FamilyMember("Sam Parent", "self", False, "email", "sam@example.org", "07700 900123")


@pytest.fixture(scope="module")
def keywork(own_database: Database) -> Iterator[Keywork]:
    settings = settings_with(postgres_pool_size=4, business_support_email=BUSINESS_SUPPORT)
    app = open_keywork(settings, own_database)
    yield app
    app.close()


@pytest.fixture(scope="module")
def runner(keywork: Keywork, own_database: Database) -> Iterator[ProjectionRunner]:
    read_models = (DistributionList, KeyWorking)
    running = ProjectionRunner({"keywork": keywork}, own_database, read_models, keywork.rules)
    running.start()
    yield running
    running.stop()


def days_ago(keywork: Keywork, days: int) -> date:
    return keywork.clock().date() - timedelta(days=days)


def their_own_key_worker(keywork: Keywork, family: list[FamilyMember]) -> tuple[UUID, UUID]:
    """A young person of 19, handed over to by their key worker five days ago, who stays on
    with them for a fortnight; the case and the key worker who stays on."""
    referred = datetime.combine(days_ago(keywork, 30), datetime.min.time(), UTC)
    case_id = keywork.refer(
        as_(occurred_at=referred),
        area="norfolk",
        route="self",
        referrer=Referrer("Sam Parent"),
        child=Child("Sam", "Parent", days_ago(keywork, 365 * 19)),
        family=family,
        needs=[],
        consent_to_share=True,
    ).aggregate_id
    keywork.decide_eligibility(as_(), case_id, MEETS_NORFOLK)
    worker = practitioner(keywork)
    keywork.allocate_key_worker(
        as_(), case_id, kind="designated", from_date=days_ago(keywork, 20), practitioner_id=worker
    )
    keywork.hand_over(
        as_(),
        case_id,
        kind="young_person",
        on=days_ago(keywork, 5),
        reason="Sam is ready to be their own key worker",
        overlap_until=days_ago(keywork, -9),
    )
    return case_id, worker


def caught_up(runner: ProjectionRunner, keywork: Keywork) -> None:
    position = keywork.recorder.max_notification_id() or 0
    for kind in (DistributionList, KeyWorking):
        assert runner.get(kind).wait_for(position, timeout=30)


def listed(runner: ProjectionRunner, case_id: UUID, day: date) -> dict[str, tuple[str, ...]]:
    return {
        key: (r.kind, r.name, r.channel, r.address)
        for key, r in runner.get(DistributionList).keyed(case_id, day)
    }


def sign_own_plan(keywork: Keywork, case_id: UUID) -> None:
    keywork.draft_plan(as_(), case_id, summary="College", outcomes=[], actions=[])
    keywork.sign_plan(
        as_(),
        case_id,
        plan_version=1,
        signed_on=keywork.clock().date(),
        signed_by_young_person=True,
    )


def test_their_own_key_worker_is_shown_and_leaves_the_practitioners_caseload_after_overlap(
    keywork: Keywork, runner: ProjectionRunner
) -> None:
    case_id, worker = their_own_key_worker(keywork, [MOTHER, SAM])
    caught_up(runner, keywork)
    model = runner.get(KeyWorking)
    today = keywork.clock().date()
    on_day = [(w.kind, w.practitioner_id) for w in who_is_key_worker(model, case_id, today)]
    assert on_day == [("designated", worker), ("young_person", None)]
    after_overlap = today + timedelta(days=10)
    assert [w.kind for w in who_is_key_worker(model, case_id, after_overlap)] == ["young_person"]
    assert [entry.case_id for entry in caseload(model, worker, today)] == [case_id]
    assert caseload(model, worker, after_overlap) == []


def test_a_young_person_as_their_own_key_worker_is_reached_at_their_own_details(
    keywork: Keywork, own_database: Database, runner: ProjectionRunner
) -> None:
    port = free_port()
    notify = notifier(keywork, own_database, port)
    with smtp_server(port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, worker = their_own_key_worker(keywork, [MOTHER, SAM])
        sign_own_plan(keywork, case_id)
        caught_up(runner, keywork)
        all_caught_up(notify, keywork)
        about = [m for m in inbox.messages if str(case_id) in m.get_payload()]
        [told] = [m for m in about if (m["To"], m["Subject"]) == (SAM.email, "A new key worker")]
        plans_to = {m["To"] for m in about if m["Subject"] == plan_subject(1)}
    # Once, as their own key worker, though the family list holds them too.
    on_list = listed(runner, case_id, keywork.clock().date())
    assert on_list["family:1"] == (
        "key_worker",
        "Sam Parent",
        "email",
        "sam@example.org",
    )
    assert f"practitioner:{worker}" in on_list  # still in the overlap
    assert "Sam Parent, the young person, as their own key worker" in told.get_payload()
    assert "07700 900123" in told.get_payload()
    assert {"sam@example.org", "alex@example.org", BUSINESS_SUPPORT} <= plans_to
    copies = keywork.case(case_id).plan(1).distribution()
    assert copies["family:1"].sent


def test_a_young_person_without_their_own_details_on_the_case_is_listed_without_an_address(
    keywork: Keywork, own_database: Database, runner: ProjectionRunner
) -> None:
    """Listed, so business support sees the copy they could not send; never sent to the
    parents in their place (the mother gets her own copy only)."""
    port = free_port()
    notify = notifier(keywork, own_database, port)
    with smtp_server(port) as (_, inbox):
        all_caught_up(notify, keywork)
        case_id, _ = their_own_key_worker(keywork, [MOTHER])
        sign_own_plan(keywork, case_id)
        caught_up(runner, keywork)
        all_caught_up(notify, keywork)
        to_mother = [
            m
            for m in inbox.to(MOTHER.email or "")
            if m["Subject"] == plan_subject(1) and str(case_id) in m.get_payload()
        ]
    on_list = listed(runner, case_id, keywork.clock().date())
    assert on_list["key_worker:young_person"] == ("key_worker", "The young person", "email", None)
    assert len(to_mother) == 1
    copy = keywork.case(case_id).plan(1).distribution()["key_worker:young_person"]
    assert (copy.sent, copy.reason) == (False, "no address on record")
