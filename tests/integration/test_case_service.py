"""The application layer on a real PostgreSQL: load, decide, save, and what can go wrong."""

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from api.bootstrap import open_keywork
from domain.case import Case, Child, Referrer
from domain.contacts import ContactKind
from domain.eligibility import EligibilityFacts
from domain.errors import InvalidValue, NotAllowedNow
from domain.stamp import Stamp
from services.commands import IdempotencyKeyReused, NotFound, Outcome, VersionConflict
from services.keywork import Keywork
from store.database import Database
from tests.integration.conftest import (
    MEETS_NORFOLK,
    active_case,
    as_,
    close,
    contact,
    practitioner,
    refer,
    sign_agreement,
)
from tests.settings import settings_with


def test_a_case_reads_back_the_same_from_a_new_application(
    keywork: Keywork, database: Database
) -> None:
    case_id = active_case(keywork)
    sign_agreement(keywork, case_id)
    original = keywork.case(case_id)
    fresh = open_keywork(settings_with(postgres_pool_size=1), database)
    try:
        reloaded = fresh.case(case_id)
    finally:
        fresh.close()
    assert reloaded.version == original.version == 4
    assert vars(reloaded) == vars(original)


def test_the_decision_is_stored_with_the_rule_set_that_made_it(keywork: Keywork) -> None:
    case_id = refer(keywork)
    keywork.decide_eligibility(as_(), case_id, EligibilityFacts(True, True, 2, 2))
    decided = keywork.timeline(case_id)[-1]
    assert type(decided).__name__ == "EligibilityDecided"
    assert vars(decided)["rule_set_id"] == "norfolk-key-worker-service"
    assert vars(decided)["rule_set_version"] == 1
    assert vars(decided)["unmet_criteria"] == ["too_few_specialists"]


def test_each_area_reopens_a_case_within_its_own_window(database: Database) -> None:
    areas = Path(__file__).parent / "areas.json"  # Suffolk's window is five days
    app = open_keywork(settings_with(postgres_pool_size=1, areas_file=areas), database)
    ten_days_ago = as_(occurred_at=datetime.now(UTC) - timedelta(days=10))
    try:
        in_norfolk, in_suffolk = (
            refer(app, ten_days_ago, area=area) for area in ("norfolk", "suffolk")
        )
        for case_id in (in_norfolk, in_suffolk):
            app.close_case(ten_days_ago, case_id, reason="family_withdrew")
        app.reopen_case(as_(), in_norfolk, reason="The family asked again")
        with pytest.raises(NotAllowedNow) as refused:
            app.reopen_case(as_(), in_suffolk, reason="The family asked again")
        assert refused.value.rule == "within_reopen_window"
    finally:
        app.close()


def test_an_area_file_sets_the_rule_set_used_for_its_cases(
    database: Database, tmp_path: Any
) -> None:
    rules = tmp_path / "areas.json"
    rules.write_text(
        '{"norfolk": {"rules": {"id": "norfolk-2027", "version": 2, "until_birthday": 26,'
        ' "until_birthday_in_complex_needs_school": 26, "criteria": [{"name": "too_few_agencies",'
        ' "words": "One agency or more", "any_of": [{"fact": "agency_count", "compare":'
        ' "at_least", "value": 1}]}]}}}'
    )
    app = open_keywork(settings_with(postgres_pool_size=1, areas_file=rules), database)
    try:
        case_id = refer(app)
        app.decide_eligibility(as_(), case_id, EligibilityFacts(False, True, 2, 1))
        decided = vars(app.timeline(case_id)[-1])
    finally:
        app.close()
    assert (decided["accepted"], decided["rule_set_id"], decided["rule_set_version"]) == (
        True,
        "norfolk-2027",
        2,
    )


def test_every_event_records_the_actor_and_both_times(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    occurred = keywork.clock() - timedelta(days=2)
    contact(keywork, case_id, as_("key-worker-9", occurred_at=occurred), "home_visit")
    stamp: Stamp = keywork.timeline(case_id)[-1].stamp
    assert stamp.actor == "key-worker-9"
    assert stamp.occurred_at == occurred
    assert stamp.recorded_at > occurred


def test_a_retry_with_the_same_idempotency_key_writes_nothing(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    retry = as_(idempotency_key="contact-1", fingerprint="request-a")
    first = contact(keywork, case_id, retry, "phone")
    second = contact(keywork, case_id, retry, "phone")
    assert second == first
    assert keywork.case(case_id).version == first.version


def test_the_same_key_with_a_different_request_is_refused(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    contact(keywork, case_id, as_(idempotency_key="k", fingerprint="a"))
    with pytest.raises(IdempotencyKeyReused):
        contact(keywork, case_id, as_(idempotency_key="k", fingerprint="b"), "text")


def test_keys_belong_to_their_user(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    mine = contact(keywork, case_id, as_("user-a", idempotency_key="same", fingerprint="x"))
    theirs = contact(keywork, case_id, as_("user-b", idempotency_key="same", fingerprint="x"))
    assert theirs.version == mine.version + 1


def test_a_refused_command_leaves_no_receipt_behind(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    close(keywork, case_id)
    refused = as_(idempotency_key="after-close", fingerprint="contact")
    with pytest.raises(NotAllowedNow):
        contact(keywork, case_id, refused, "phone")
    assert keywork.store.find_receipt("coordinator-1", "after-close") is None


def test_if_match_with_an_old_version_is_refused_with_the_current_version(
    keywork: Keywork,
) -> None:
    case_id = active_case(keywork)
    with pytest.raises(VersionConflict) as clash:
        contact(keywork, case_id, as_(expected_version=1), "phone")
    assert clash.value.current_version == 3
    assert keywork.case(case_id).version == 3


def test_a_command_decides_on_the_case_it_was_handed_and_saves_it_once(
    keywork: Keywork,
) -> None:
    case_id = active_case(keywork)
    handed = keywork.case_or_none(case_id)
    assert handed is not None
    outcome = contact(keywork, case_id, as_(loaded=handed), "phone")
    assert outcome.version == 4
    assert handed.version == 3  # decided on a copy: the cached case itself is only read
    assert keywork.case(case_id).version == 4


def test_a_case_handed_before_another_writer_saved_is_decided_on_again(
    keywork: Keywork,
) -> None:
    case_id = active_case(keywork)
    stale = keywork.load(Case, case_id)  # a copy, left behind by the write below
    contact(keywork, case_id, as_(), "text")
    outcome = contact(keywork, case_id, as_(loaded=stale), "phone")
    assert outcome.version == 5
    assert [type(e).__name__ for e in keywork.timeline(case_id)[-2:]] == ["ContactRecorded"] * 2
    with pytest.raises(VersionConflict) as clash:
        contact(keywork, case_id, as_(loaded=stale, expected_version=3), "phone")
    assert clash.value.current_version == 5


def run_together(*attempts: Callable[[], Any]) -> list[Any]:
    """Runs each attempt in its own thread and returns what each returned or raised."""
    results: list[Any] = [None] * len(attempts)

    def run(index: int) -> None:
        try:
            results[index] = attempts[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def contacts_wait_at(
    monkeypatch: pytest.MonkeyPatch, barrier: threading.Barrier, version: int | None = None
) -> None:
    """Holds the domain's decision of each contact (on a case at `version`, or at any) at the
    barrier, so that every writer has loaded the case before any of them saves it."""
    record_contact = Case.record_contact

    def waiting(case: Case, stamp: Stamp, **fields: Any) -> None:
        if version is None or case.version == version:
            barrier.wait()
        record_contact(case, stamp, **fields)

    monkeypatch.setattr(Case, "record_contact", waiting)


def two_writers_at_once(
    keywork: Keywork, monkeypatch: pytest.MonkeyPatch, expected_version: int | None
) -> list[Any]:
    """Two contacts on one case, both decided on version 3 before either is saved."""
    case_id = active_case(keywork)
    # A writer deciding again, on version 4, goes straight on.
    contacts_wait_at(monkeypatch, threading.Barrier(2, timeout=10), version=3)

    def writer(kind: ContactKind) -> Callable[[], Any]:
        return partial(
            keywork.record_contact,
            as_(expected_version=expected_version),
            case_id,
            kind=kind,
            participants=[],
            note=None,
            functions=[],
        )

    return [*run_together(writer("phone"), writer("email")), keywork.case(case_id).version]


def test_a_command_without_if_match_outlasts_a_run_of_other_writes_to_its_case(
    keywork: Keywork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notifier, in its own process, records each plan copy on the case: a person's command
    decided meanwhile finds the case moved on, several times over, and decides again until it
    can save."""
    case_id = active_case(keywork)
    record_contact = Case.record_contact
    person = threading.current_thread()
    interlopers: list[int] = []

    def contact(kind: ContactKind) -> Outcome:
        return keywork.record_contact(
            as_(), case_id, kind=kind, participants=[], note=None, functions=[]
        )

    def overtaken(case: Case, stamp: Stamp, **fields: Any) -> None:
        if threading.current_thread() is person and len(interlopers) < 5:
            interlopers.append(case.version)
            run_together(partial(contact, "email"))  # another writer saves first
        record_contact(case, stamp, **fields)

    monkeypatch.setattr(Case, "record_contact", overtaken)
    outcome = contact("phone")
    assert interlopers == [3, 4, 5, 6, 7]
    assert outcome.version == 9 == keywork.case(case_id).version


def test_two_writers_with_if_match_on_one_case_at_once_exactly_one_wins(
    keywork: Keywork, monkeypatch: pytest.MonkeyPatch
) -> None:
    *results, version = two_writers_at_once(keywork, monkeypatch, expected_version=3)
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, VersionConflict)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].current_version == 4
    assert version == 4


def test_without_if_match_the_second_writer_decides_again_on_the_new_version(
    keywork: Keywork, monkeypatch: pytest.MonkeyPatch
) -> None:
    *results, version = two_writers_at_once(keywork, monkeypatch, expected_version=None)
    assert not any(isinstance(r, Exception) for r in results)
    assert sorted(r.version for r in results) == [4, 5]
    assert version == 5


def test_concurrent_retries_with_one_key_write_once(
    keywork: Keywork, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = active_case(keywork)
    contacts_wait_at(monkeypatch, threading.Barrier(2, timeout=10))
    retry = as_(idempotency_key="double-click", fingerprint="same")
    attempt = partial(
        keywork.record_contact,
        retry,
        case_id,
        kind="phone",
        participants=[],
        note=None,
        functions=[],
    )

    first, second = run_together(attempt, attempt)
    assert first == second
    assert keywork.case(case_id).version == 4


def test_a_key_worker_must_be_a_known_practitioner(keywork: Keywork) -> None:
    case_id = refer(keywork)
    keywork.decide_eligibility(as_(), case_id, MEETS_NORFOLK)
    agency_id = keywork.register_agency(as_(), name="School", sector="education").aggregate_id
    with pytest.raises(InvalidValue) as refused:
        keywork.allocate_key_worker(
            as_(),
            case_id,
            kind="designated",
            from_date=keywork.clock().date(),
            practitioner_id=agency_id,
        )
    assert (refused.value.field, refused.value.rule) == ("practitioner_id", "known_practitioner")


def test_a_practitioner_belongs_to_a_known_agency(keywork: Keywork) -> None:
    unknown = practitioner(keywork)  # a practitioner's id is not an agency's
    with pytest.raises(InvalidValue) as refused:
        keywork.register_practitioner(as_(), name="X", role_title="Y", agency_id=unknown)
    assert refused.value.field == "agency_id"


def test_a_referral_for_an_area_we_do_not_cover_is_refused(keywork: Keywork) -> None:
    with pytest.raises(InvalidValue) as refused:
        keywork.refer(
            as_(),
            area="atlantis",
            route="self",
            referrer=Referrer("Alex Parent"),
            child=Child("Sam", "Parent", date(2016, 5, 1)),
            family=[],
            needs=[],
            consent_to_share=False,
        )
    assert (refused.value.field, refused.value.rule) == ("area", "known_area")


def test_an_unknown_case_is_not_found(keywork: Keywork) -> None:
    agency_id = keywork.register_agency(as_(), name="Housing", sector="housing").aggregate_id
    with pytest.raises(NotFound):
        keywork.case(agency_id)
    with pytest.raises(NotFound):
        contact(keywork, agency_id, as_(), "phone")


def test_each_outcome_gives_the_position_of_its_last_event(keywork: Keywork) -> None:
    case_id = active_case(keywork)
    outcome = contact(keywork, case_id, as_(), "phone")
    assert outcome.position == keywork.store.position_of(case_id, outcome.version)
    later = contact(keywork, case_id, as_(), "text")
    assert later.position > outcome.position
    assert len(set(outcome.event_ids + later.event_ids)) == 2
