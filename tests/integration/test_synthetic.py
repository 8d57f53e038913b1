"""The synthetic data generator: realistic histories through the domain, repeatable, resumable."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from api.bootstrap import open_keywork
from demo.synthetic import CHUNK, Scale, seed
from services.keywork import Keywork
from store.database import Database
from tests.conftest import fresh_database
from tests.settings import settings_with

TINY = Scale("tiny", children=250, agencies=5, practitioners=40, key_workers=10)
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def store(database: Database, name: str) -> Keywork:
    own = fresh_database(database, name)
    return open_keywork(settings_with(postgres_pool_size=2), own)


def event_types(keywork: Keywork) -> Counter[str]:
    notifications = keywork.recorder.select_notifications(start=1, limit=10**6)
    return Counter(n.topic.rsplit(".", 1)[-1] for n in notifications)


class Interrupted(Exception):
    pass


def test_a_seeded_store_has_every_part_of_a_case_life(database: Database) -> None:
    keywork = store(database, "keywork_synthetic_a")
    try:
        assert seed(keywork, TINY, 7, NOW) == 250
        types = event_types(keywork)
        for kind in (
            "Referred",
            "EligibilityDecided",
            "KeyWorkerAllocated",
            "ServiceAgreementSigned",
            "TacMemberAdded",
            "ContactRecorded",
            "ReviewHeld",
            "PlanSigned",
            "PlanCopySent",
            "KeyWorkerHandedOver",
            "Closed",
            "ClosureAudited",
            "OutcomesMeasured",
            "FeedbackInvited",
            "FeedbackGiven",
            "TrainingCompleted",
            "SupervisionRecorded",
        ):
            assert types[kind] > 0, kind
        assert types["Referred"] == 250
        assert 0.2 < types["FeedbackGiven"] / types["FeedbackInvited"] < 0.6
        routes = Counter(
            keywork.case(n.originator_id).route
            for n in keywork.recorder.select_notifications(start=1, limit=10**6)
            if n.topic.endswith(".Referred")
        )
        assert set(routes) == {"professional", "single_point", "self"}
        assert seed(keywork, TINY, 7, NOW) == 0  # all there already
    finally:
        keywork.close()


def test_an_interrupted_run_resumes_to_the_same_histories(database: Database) -> None:
    whole, resumed = store(database, "keywork_synthetic_b"), store(database, "keywork_synthetic_c")
    try:
        seed(whole, TINY, 11, NOW)
        chunks = 0

        def interrupt(events: int) -> None:
            nonlocal chunks
            chunks += 1
            if chunks == 2:
                raise Interrupted

        with pytest.raises(Interrupted):
            seed(resumed, TINY, 11, NOW, progress=interrupt)
        assert seed(resumed, TINY, 11, NOW) == TINY.children - 2 * CHUNK  # the chunks not saved
        assert event_types(resumed) == event_types(whole)
    finally:
        whole.close()
        resumed.close()
