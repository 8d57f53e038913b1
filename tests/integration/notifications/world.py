"""The notifier's tests' world (their fixtures are in conftest.py): a notifier on a real SMTP
server, the distribution list kept as in the service, and cases with a team to notify."""

from typing import Any
from uuid import UUID

from consumers.letters import PrintQueue
from consumers.mail import SmtpMailer
from consumers.notifications import Notifier
from consumers.recipients import Mailboxes
from domain.case import Child, Referrer
from domain.case_base import FamilyMember
from projections.distribution_list import DistributionList
from projections.runner import ProjectionRunner
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import MEETS_NORFOLK, as_, practitioner
from tests.settings import DATA

MANAGERS = "managers@keywork.test"
COORDINATORS = "coordinators@keywork.test"
BUSINESS_SUPPORT = "business-support@keywork.test"
LETTERS = DATA / "notification-letters"  # removed with the tests' data folder


def distribution_lists(keywork: Keywork, database: Database) -> ProjectionRunner:
    return ProjectionRunner({"keywork": keywork}, database, (DistributionList,), keywork.rules)


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


def draft(keywork: Keywork, case_id: UUID, summary: str = "Mobility") -> None:
    keywork.draft_plan(as_(), case_id, summary=summary, outcomes=[], actions=[])


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
